#include "services/responses/stored_response.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "services/common/enum_bridges.h"
#include "services/storage/sql_text.h"

namespace satisfaction::responses {

void StoredResponse::Into(storage::Query& query) {
  query.Into(id).Into(questionnaire_id).Into(submitted_us).Into(day).Into(version).Into(external_id);
  query.Into(type).Into(channel).Into(agent).Into(revisit_id).Into(recovery_id, has_recovery);
  context.Into(query);
}

v1::Response StoredResponse::ToProto() const {
  v1::Response response;
  response.set_id(absl::StrCat(id));
  response.set_questionnaire_id(questionnaire_id);
  response.set_questionnaire_version(version);
  response.set_customer_external_id(external_id);
  response.set_customer_type(ProtoEnumOrUnspecified<v1::CustomerType>(type));
  response.set_channel(ProtoEnumOrUnspecified<v1::Channel>(channel));
  response.set_agent_id(agent);
  response.set_revisit_id(absl::StrCat(revisit_id));
  *response.mutable_submit_time() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(submitted_us);
  if (has_recovery == soci::i_ok) response.set_recovery_revisit_id(absl::StrCat(recovery_id));
  *response.mutable_context() = context.ToProto();
  return response;
}

void ForEachAnswer(storage::Transaction& tx, const std::vector<long long>& ids,
                   const std::function<void(long long response_id, v1::Answer answer)>& add) {
  if (ids.empty()) return;
  long long response_id = 0;
  int score = 0;
  std::string code, text;
  storage::Query answers(
      tx, absl::StrCat("SELECT a.response_id, a.item_code, a.score, a.text FROM response_answers a"
                       " JOIN responses r ON r.id = a.response_id LEFT JOIN questionnaire_items i"
                       " ON i.questionnaire_id = r.questionnaire_id AND i.version = r.questionnaire_version"
                       " AND i.code = a.item_code WHERE a.response_id IN (",
                       storage::Placeholders("i", ids.size()), ") ORDER BY a.response_id, i.ordinal, a.item_code"));
  answers.BindEach("i", ids).Into(response_id).Into(code).Into(score).Into(text).Start();
  while (answers.Next()) {
    v1::Answer answer;
    answer.set_item_code(code);
    answer.set_score(score);
    answer.set_text(text);
    add(response_id, std::move(answer));
  }
}

absl::flat_hash_map<long long, v1::Response> LoadResponses(storage::Transaction& tx,
                                                           const std::vector<long long>& ids) {
  absl::flat_hash_map<long long, v1::Response> responses;
  if (ids.empty()) return responses;
  StoredResponse row;
  storage::Query read(
      tx, absl::StrCat("SELECT ", StoredResponse::kColumns, revisits::StoredContext::kColumns, StoredResponse::kFrom,
                       " WHERE r.id IN (", storage::Placeholders("i", ids.size()), ")"));
  read.BindEach("i", ids).IntoRow(row).Start();
  while (read.Next()) responses[row.id] = row.ToProto();
  ForEachAnswer(tx, ids, [&](long long response_id, v1::Answer answer) {
    if (auto found = responses.find(response_id); found != responses.end()) {
      *found->second.add_answers() = std::move(answer);
    }
  });
  return responses;
}

}  // namespace satisfaction::responses
