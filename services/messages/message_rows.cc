#include "services/messages/message_rows.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "services/common/enum_bridges.h"
#include "services/storage/sql_text.h"

namespace satisfaction::messages::rows {

using google::protobuf::util::TimeUtil;

v1::DeliveryAttempt DeliveryAttemptProto(int number, int channel, int outcome, const std::string& provider_id,
                                         const std::string& error, long long reported_us) {
  v1::DeliveryAttempt attempt;
  attempt.set_number(number);
  attempt.set_channel(ProtoEnumOrUnspecified<v1::Channel>(channel));
  attempt.set_outcome(ProtoEnumOrUnspecified<v1::DeliveryOutcome>(outcome));
  attempt.set_provider_message_id(provider_id);
  attempt.set_error(error);
  *attempt.mutable_report_time() = TimeUtil::MicrosecondsToTimestamp(reported_us);
  return attempt;
}

void ReplyRow::Into(storage::Query& query) {
  query.Into(id).Into(revisit_id).Into(channel).Into(text).Into(opted_out).Into(received_us);
}

v1::MessageReply ReplyRow::ToProto() const {
  v1::MessageReply reply;
  reply.set_revisit_id(absl::StrCat(revisit_id));
  reply.set_channel(ProtoEnumOrUnspecified<v1::Channel>(channel));
  reply.set_text(text);
  reply.set_opted_out(opted_out != 0);
  *reply.mutable_receive_time() = TimeUtil::MicrosecondsToTimestamp(received_us);
  return reply;
}

absl::flat_hash_map<long long, std::vector<v1::DeliveryAttempt>> LoadDeliveries(storage::Transaction& tx,
                                                                                const std::vector<long long>& ids) {
  absl::flat_hash_map<long long, std::vector<v1::DeliveryAttempt>> by_revisit;
  if (ids.empty()) return by_revisit;
  long long revisit_id = 0, reported_us = 0;
  int number = 0, channel = 0, outcome = 0;
  std::string provider_id, error;
  storage::Query query(tx, absl::StrCat("SELECT revisit_id, number, channel, outcome, provider_message_id, error_text,"
                                        " reported_at_us FROM message_attempts WHERE revisit_id IN (",
                                        storage::Placeholders("i", ids.size()), ") ORDER BY revisit_id, number"));
  query.BindEach("i", ids).Into(revisit_id).Into(number).Into(channel).Into(outcome).Into(provider_id).Into(error);
  query.Into(reported_us).Start();
  while (query.Next()) {
    by_revisit[revisit_id].push_back(DeliveryAttemptProto(number, channel, outcome, provider_id, error, reported_us));
  }
  return by_revisit;
}

absl::flat_hash_map<long long, std::vector<v1::MessageReply>> LoadReplies(storage::Transaction& tx,
                                                                          const std::vector<long long>& ids) {
  absl::flat_hash_map<long long, std::vector<v1::MessageReply>> by_revisit;
  if (ids.empty()) return by_revisit;
  ReplyRow row;
  storage::Query query(
      tx, absl::StrCat("SELECT ", ReplyRow::kColumns, " FROM message_replies m WHERE m.revisit_id IN (",
                       storage::Placeholders("i", ids.size()), ") ORDER BY m.revisit_id, m.received_at_us, m.id"));
  query.BindEach("i", ids).IntoRow(row).Start();
  while (query.Next()) by_revisit[row.revisit_id].push_back(row.ToProto());
  return by_revisit;
}

}  // namespace satisfaction::messages::rows
