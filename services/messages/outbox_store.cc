#include "services/messages/outbox_store.h"

#include <google/protobuf/util/time_util.h>

#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "services/common/enum_bridges.h"
#include "services/invitations/invitations.h"
#include "services/leases/revisit_leases.h"
#include "services/messages/message_rows.h"
#include "services/messages/opt_out_reply.h"
#include "services/revisits/business_context.h"
#include "services/revisits/funnel_counts.h"
#include "services/revisits/revisit_rule_store.h"
#include "services/revisits/revisit_store.h"
#include "services/storage/query.h"
#include "services/storage/sql_text.h"
#include "services/storage/transaction.h"

namespace satisfaction::messages {
namespace {

using google::protobuf::util::TimeUtil;
using leases::kLeased;
using leases::kPlanned;
using leases::LeaseKind;
using storage::Access;
using storage::Placeholders;

// A message revisit with its customer and event, as rendering needs it.
struct MessageRow {
  long long id = 0, due_us = 0, expires_us = 0, lease_us = 0;
  int channel = 0, priority = 0, attempts = 0, state = 0, trigger = 0;
  std::string questionnaire_id, event_id, external_id, name, phone, email, im_handle, time_zone, language;
  revisits::StoredContext context;

  const std::string& Recipient() const {
    if (channel == v1::CHANNEL_EMAIL) return email;
    if (channel == v1::CHANNEL_IM) return im_handle;
    return phone;
  }
};

// The rows of these revisits, in the order given (missing ones left out).
std::vector<MessageRow> LoadMessageRows(storage::Transaction& tx, std::vector<long long> ids) {
  std::vector<MessageRow> out;
  if (ids.empty()) return out;
  absl::flat_hash_map<long long, MessageRow> by_id;
  MessageRow row;
  storage::Query query(
      tx, absl::StrCat("SELECT r.id, r.due_at_us, r.expires_at_us, r.lease_expires_at_us, r.channel, r.priority,"
                       " r.attempts, r.state, r.trigger_kind, r.questionnaire_id, r.event_id, c.external_id, c.name,"
                       " c.phone, c.email, c.im_handle, c.time_zone, c.language, ",
                       revisits::StoredContext::kColumns,
                       " FROM revisits r JOIN customers c ON c.id = r.customer_id"
                       " LEFT JOIN events e ON e.event_id = r.event_id WHERE r.id IN (",
                       Placeholders("i", ids.size()), ")"));
  query.BindEach("i", ids);
  for (long long* number : {&row.id, &row.due_us, &row.expires_us, &row.lease_us}) query.Into(*number);
  for (int* number : {&row.channel, &row.priority, &row.attempts, &row.state, &row.trigger}) query.Into(*number);
  for (std::string* text : {&row.questionnaire_id, &row.event_id, &row.external_id, &row.name, &row.phone, &row.email,
                            &row.im_handle, &row.time_zone, &row.language}) {
    query.Into(*text);
  }
  row.context.Into(query);
  query.Start();
  while (query.Next()) by_id[row.id] = row;
  for (long long id : ids) {
    if (auto it = by_id.find(id); it != by_id.end()) out.push_back(std::move(it->second));
  }
  return out;
}

v1::OutboxMessage ToProto(const MessageRow& row, const std::string& language) {
  v1::OutboxMessage message;
  message.set_id(absl::StrCat(row.id));
  message.set_channel(ProtoEnumOrUnspecified<v1::Channel>(row.channel));
  message.set_customer_external_id(row.external_id);
  message.set_recipient(row.Recipient());
  message.set_language(language);
  message.set_questionnaire_id(row.questionnaire_id);
  message.set_priority(row.priority);
  message.set_event_id(row.event_id);
  message.set_order_id(row.context.order_id);
  *message.mutable_context() = row.context.ToProto();
  message.set_attempt_number(row.attempts + 1);
  *message.mutable_due_time() = TimeUtil::MicrosecondsToTimestamp(row.due_us);
  *message.mutable_expire_time() = TimeUtil::MicrosecondsToTimestamp(row.expires_us);
  if (row.state == kLeased) *message.mutable_lease_expire_time() = TimeUtil::MicrosecondsToTimestamp(row.lease_us);
  message.set_state(ProtoEnumOrUnspecified<v1::RevisitState>(row.state));
  return message;
}

// A date as the customer reads it: 2026年12月7日, or 7 Dec 2026.
std::string LocalDate(absl::Time time, const absl::TimeZone& zone, const std::string& language) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  absl::CivilDay day = absl::ToCivilDay(time, zone);
  if (language == "en") return absl::StrCat(day.day(), " ", kMonths[day.month() - 1], " ", day.year());
  return absl::StrCat(day.year(), "年", day.month(), "月", day.day(), "日");
}

// The delivery reported under a lease before, if any.
std::optional<v1::DeliveryAttempt> EarlierDelivery(storage::Transaction& tx, long long id, const std::string& hash) {
  int number = 0, channel = 0, outcome = 0;
  long long reported_us = 0;
  std::string provider_id, error;
  storage::Query query(tx,
                       "SELECT number, channel, outcome, provider_message_id, error_text, reported_at_us"
                       " FROM message_attempts WHERE revisit_id = :id AND lease_token_hash = :hash");
  query.Bind("id", id).Bind("hash", hash).Into(number).Into(channel).Into(outcome).Into(provider_id).Into(error);
  if (!query.Into(reported_us).Execute()) return std::nullopt;
  return rows::DeliveryAttemptProto(number, channel, outcome, provider_id, error, reported_us);
}

// Where a revisit goes after a delivery.
struct NextStep {
  int state = kPlanned;
  int channel = 0;
  std::string reason;
};

// After a failed or rejected delivery: the rule's next channel the customer
// can be reached on, or the end.
NextStep AfterUndelivered(storage::Transaction& tx, const leases::LeasedRow& row, int outcome) {
  bool rejected = outcome == v1::DELIVERY_OUTCOME_REJECTED;
  std::string what =
      absl::StrCat(leases::ChannelWord(row.channel), rejected ? " refused by the address" : " not delivered");
  if (std::optional<v1::RevisitRule> rule = revisits::LoadRule(tx, row.rule_id)) {
    leases::Reachability customer = leases::LoadReachability(tx, {row.customer_id})[row.customer_id];
    bool after_current = false;
    for (int channel : rule->channels()) {
      if (after_current && !customer.Obstacle(channel)) {
        return {.state = kPlanned,
                .channel = channel,
                .reason = absl::StrCat(what, "; moved to the rule's next channel, ", leases::ChannelWord(channel))};
      }
      after_current = after_current || channel == row.channel;
    }
  }
  return {.state = rejected ? v1::REVISIT_STATE_STOPPED : v1::REVISIT_STATE_GAVE_UP,
          .channel = row.channel,
          .reason = absl::StrCat(what, ", and no other channel is left")};
}

// The triggers of the customer's open revisits on `channel` (one per
// revisit), locked: those an opt-out stops.
std::vector<v1::Trigger> OpenRevisitTriggers(storage::Transaction& tx, long long customer_id, int channel) {
  int planned = kPlanned, leased = kLeased, trigger = 0;
  storage::Query query(tx, absl::StrCat("SELECT trigger_kind FROM revisits WHERE customer_id = :customer"
                                        " AND channel = :channel AND state IN (:planned, :leased)",
                                        tx.ForUpdate()));
  query.Bind("customer", customer_id).Bind("channel", channel).Bind("planned", planned).Bind("leased", leased);
  query.Into(trigger).Start();
  std::vector<v1::Trigger> triggers;
  while (query.Next()) triggers.push_back(ProtoEnumOrUnspecified<v1::Trigger>(trigger));
  return triggers;
}

}  // namespace

absl::StatusOr<std::vector<v1::OutboxMessage>> OutboxStore::Fetch(v1::Channel channel, int max_count,
                                                                  absl::Duration lease, absl::Time now) {
  if (templates_ == nullptr) {
    return absl::FailedPreconditionError("the server was started without message templates (--templates-dir)");
  }
  leases::LeaseSecret secret = leases::LeaseSecret::Generate();
  leases::ClaimScope scope{
      .where = "channel = :channel",
      .levels_where = "channel = :channel",
      .bind = [channel = static_cast<int>(channel)](storage::Query& query, bool) { query.Bind("channel", channel); },
      .cursor_key = absl::StrCat("outbox:", channel)};
  absl::StatusOr<std::vector<long long>> claimed =
      claimer_.Claim(scope, absl::StrCat("gateway:", leases::ChannelWord(channel)), max_count, lease, secret, now);
  if (!claimed.ok()) return claimed.status();
  if (claimed->empty()) return std::vector<v1::OutboxMessage>{};
  return Render(channel, *claimed, secret, now);
}

absl::StatusOr<std::vector<v1::OutboxMessage>> OutboxStore::Render(v1::Channel channel,
                                                                   const std::vector<long long>& ids,
                                                                   const leases::LeaseSecret& secret, absl::Time now) {
  return database_.InTransaction<std::vector<v1::OutboxMessage>>(
      Access::kWrite, [&](storage::Transaction& tx) -> absl::StatusOr<std::vector<v1::OutboxMessage>> {
        absl::StatusOr<std::shared_ptr<const settings::MessageSettingsDocument::Snapshot>> settings =
            settings_.InForce(tx);
        if (!settings.ok()) return settings.status();
        const settings::MessageStyle& style = (*settings)->parsed;
        std::vector<MessageRow> rows = LoadMessageRows(tx, ids);
        auto language_of = [&style](const MessageRow& row) {
          return row.language.empty() ? style.default_language : row.language;
        };
        std::vector<invitations::SurveyToInvite> surveys;
        for (const MessageRow& row : rows) {
          if (!row.questionnaire_id.empty())
            surveys.push_back({.revisit_id = row.id, .message_language = language_of(row)});
        }
        absl::Time invitation_expires = now + style.invitation_validity;
        std::vector<std::string> tokens = invitations::IssueInvitations(tx, surveys, channel, absl::ToUnixMicros(now),
                                                                        absl::ToUnixMicros(invitation_expires));
        std::vector<v1::OutboxMessage> messages;
        size_t next_token = 0;
        for (const MessageRow& row : rows) {
          std::string language = language_of(row);
          MessageFields fields{.channel = ProtoEnumOrUnspecified<v1::Channel>(row.channel),
                               .language = language,
                               .trigger = ProtoEnumOrUnspecified<v1::Trigger>(row.trigger),
                               .customer_name = row.name,
                               .shop_name = style.shop_name,
                               .context = row.context.ToProto()};
          v1::OutboxMessage message = ToProto(row, language);
          if (!row.questionnaire_id.empty()) {
            fields.survey_url = invitations::SurveyUrl(public_url_, tokens[next_token++]);
            fields.survey_expire_date = LocalDate(invitation_expires, leases::ZoneOf(row.time_zone), language);
            message.set_survey_url(fields.survey_url);
            *message.mutable_invitation_expire_time() =
                TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(invitation_expires));
          }
          RenderedMessage rendered = templates_->Render(fields);
          message.set_subject(rendered.subject);
          message.set_text(rendered.text);
          message.set_sms_parts(rendered.sms_parts);
          message.set_lease_token(leases::LeaseTokenFor(secret, row.id));
          messages.push_back(std::move(message));
        }
        return messages;
      });
}

absl::StatusOr<v1::ReportDeliveryResponse> OutboxStore::ReportDelivery(const v1::ReportDeliveryRequest& request,
                                                                       long long id, absl::Time now) {
  return database_.InTransaction<v1::ReportDeliveryResponse>(
      Access::kWrite, [&](storage::Transaction& tx) -> absl::StatusOr<v1::ReportDeliveryResponse> {
        absl::StatusOr<leases::LeasedRow> row = leases::LockLeased(tx, LeaseKind::kMessage, id);
        if (!row.ok()) return row.status();
        absl::StatusOr<std::string> hash = leases::HashOfToken(request.lease_token(), LeaseKind::kMessage, id);
        if (!hash.ok()) return hash.status();
        v1::ReportDeliveryResponse response;
        if (row->state != kLeased || row->lease_hash != *hash) {
          // Reported before under this lease? The same report again gets the same answer.
          if (std::optional<v1::DeliveryAttempt> earlier = EarlierDelivery(tx, id, *hash)) {
            if (earlier->outcome() != request.outcome()) {
              return absl::AlreadyExistsError(absl::StrCat("message '", id,
                                                           "': this lease's delivery was already reported, as ",
                                                           v1::DeliveryOutcome_Name(earlier->outcome())));
            }
            *response.mutable_revisit() = revisits::LoadRevisits(tx, {id}).front();
            *response.mutable_attempt() = *earlier;
            return response;
          }
        }
        long long now_us = absl::ToUnixMicros(now);
        NextStep next{.state = v1::REVISIT_STATE_COMPLETED, .channel = row->channel, .reason = "delivered"};
        if (leases::EndedByAnswer(*row, *hash)) {
          // Answered before the receipt came: recorded, and still completed.
          next.reason = leases::kAnsweredOnline;
        } else {
          if (absl::Status s = leases::CheckLease(*row, LeaseKind::kMessage, id, *hash, now_us); !s.ok()) return s;
          if (request.outcome() != v1::DELIVERY_OUTCOME_DELIVERED) {
            next = AfterUndelivered(tx, *row, request.outcome());
          }
        }
        int number = row->attempts + 1, outcome = request.outcome();
        std::string provider_id = request.provider_message_id(), error = request.error();
        storage::Query insert(tx,
                              "INSERT INTO message_attempts (revisit_id, number, channel, outcome,"
                              " provider_message_id, error_text, lease_token_hash, reported_at_us) VALUES (:id,"
                              " :number, :channel, :outcome, :provider, :error, :hash, :now)");
        insert.Bind("id", id).Bind("number", number).Bind("channel", row->channel).Bind("outcome", outcome);
        insert.Bind("provider", provider_id).Bind("error", error).Bind("hash", *hash).Bind("now", now_us).Execute();
        int moved = next.channel != row->channel ? 1 : 0;  // to the next channel, due now
        storage::Query update(
            tx, absl::StrCat("UPDATE revisits SET state = :state, state_reason = :reason, channel = :channel,"
                             " due_at_us = CASE WHEN :moved = 1 THEN :moved_at ELSE due_at_us END,"
                             " not_before_us = CASE WHEN :moved_again = 1 THEN :moved_at_again ELSE not_before_us END,"
                             " attempts = attempts + 1, ",
                             leases::kNoLease, ", updated_at_us = :now WHERE id = :id"));
        update.Bind("state", next.state).Bind("reason", next.reason).Bind("channel", next.channel);
        update.Bind("moved", moved).Bind("moved_at", now_us).Bind("moved_again", moved).Bind("moved_at_again", now_us);
        update.Bind("now", now_us).Bind("id", id).Execute();
        if (outcome == v1::DELIVERY_OUTCOME_DELIVERED) {
          revisits::FunnelCounts funnel;
          funnel.MarkReached(tx, {id}, /*answered=*/false);
          funnel.Write(tx);
        }
        *response.mutable_revisit() = revisits::LoadRevisits(tx, {id}).front();
        *response.mutable_attempt() =
            rows::DeliveryAttemptProto(number, row->channel, outcome, provider_id, error, now_us);
        bool ended = next.state != kPlanned && next.reason != leases::kAnsweredOnline;
        TellAfterCommit(tx, flow_,
                        [outcome = request.outcome(), trigger = response.revisit().trigger(),
                         state = ended ? ProtoEnumOrUnspecified<v1::RevisitState>(next.state)
                                       : v1::REVISIT_STATE_UNSPECIFIED](FlowObserver& flow) {
                          flow.DeliveryReported(outcome);
                          if (state != v1::REVISIT_STATE_UNSPECIFIED) flow.RevisitEnded(trigger, state);
                        });
        return response;
      });
}

absl::StatusOr<v1::OutboxMessage> OutboxStore::Release(long long id, const std::string& token, absl::Time now) {
  return database_.InTransaction<v1::OutboxMessage>(
      Access::kWrite, [&](storage::Transaction& tx) -> absl::StatusOr<v1::OutboxMessage> {
        long long now_us = absl::ToUnixMicros(now);
        absl::StatusOr<leases::LeasedRow> row = leases::LockHeld(tx, LeaseKind::kMessage, id, token, now_us);
        if (!row.ok()) return row.status();
        leases::PutBack(tx, id, now_us);
        MessageRow released = LoadMessageRows(tx, {id}).front();
        return ToProto(released, released.language);
      });
}

absl::StatusOr<v1::ReportReplyResponse> OutboxStore::ReportReply(long long id, const std::string& text,
                                                                 absl::Time received, absl::Time now) {
  return database_.InTransaction<v1::ReportReplyResponse>(
      Access::kWrite, [&](storage::Transaction& tx) -> absl::StatusOr<v1::ReportReplyResponse> {
        long long customer_id = 0;
        int channel = 0;
        std::string external_id;
        storage::Query read(tx,
                            "SELECT r.customer_id, r.channel, c.external_id FROM revisits r JOIN customers c"
                            " ON c.id = r.customer_id WHERE r.id = :id");
        if (!read.Bind("id", id).Into(customer_id).Into(channel).Into(external_id).Execute()) {
          return leases::NotFound(LeaseKind::kMessage, id);
        }
        if (channel == v1::CHANNEL_PHONE) {
          return absl::FailedPreconditionError(absl::StrCat("revisit '", id, "' is a callback, not a message"));
        }
        v1::ReportReplyResponse response;
        response.set_channel(ProtoEnumOrUnspecified<v1::Channel>(channel));
        response.set_customer_external_id(external_id);
        long long now_us = absl::ToUnixMicros(now), received_us = absl::ToUnixMicros(received);
        int opted_out = IsOptOutReply(text) ? 1 : 0;
        std::string reply = text;
        storage::Query insert(tx,
                              "INSERT INTO message_replies (revisit_id, customer_id, channel, text, opted_out,"
                              " received_at_us) VALUES (:id, :customer, :channel, :text, :opted_out, :received)");
        insert.Bind("id", id).Bind("customer", customer_id).Bind("channel", channel).Bind("text", reply);
        insert.Bind("opted_out", opted_out).Bind("received", received_us).Execute();
        if (!opted_out) return response;
        response.set_opted_out(true);
        int bit = ChannelMaskBit(ProtoEnumOrUnspecified<v1::Channel>(channel));
        int stopped = v1::REVISIT_STATE_STOPPED, planned = kPlanned, leased = kLeased;
        storage::Query opt_out(tx,
                               "UPDATE customers SET opt_out_mask = opt_out_mask | :bit, updated_at_us = :now"
                               " WHERE id = :id");
        opt_out.Bind("bit", bit).Bind("now", now_us).Bind("id", customer_id).Execute();
        std::string reason = absl::StrCat("the customer opted out of ", leases::ChannelWord(channel), " messages");
        if (flow_ != nullptr) {  // what the stop ends, read only to be counted
          std::vector<v1::Trigger> stopping = OpenRevisitTriggers(tx, customer_id, channel);
          TellAfterCommit(tx, flow_,
                          [channel = response.channel(), stopping = std::move(stopping)](FlowObserver& flow) {
                            flow.OptedOut(channel);
                            for (v1::Trigger trigger : stopping) flow.RevisitEnded(trigger, v1::REVISIT_STATE_STOPPED);
                          });
        }
        storage::Query stop(
            tx, absl::StrCat("UPDATE revisits SET state = :stopped, state_reason = :reason, ", leases::kNoLease,
                             ", updated_at_us = :now WHERE customer_id = :customer"
                             " AND channel = :channel AND state IN (:planned, :leased)"));
        stop.Bind("stopped", stopped).Bind("reason", reason).Bind("now", now_us).Bind("customer", customer_id);
        stop.Bind("channel", channel).Bind("planned", planned).Bind("leased", leased).Execute();
        response.set_stopped_revisits(static_cast<int>(stop.affected_rows()));
        return response;
      });
}

}  // namespace satisfaction::messages
