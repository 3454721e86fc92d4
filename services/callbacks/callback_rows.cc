#include "services/callbacks/callback_rows.h"

#include <google/protobuf/util/time_util.h>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "services/common/enum_bridges.h"
#include "services/leases/revisit_leases.h"
#include "services/responses/stored_response.h"
#include "services/revisits/business_context.h"
#include "services/storage/query.h"
#include "services/storage/sql_text.h"
#include "services/storage/transaction.h"

namespace satisfaction::callbacks::rows {

using google::protobuf::util::TimeUtil;
using leases::kLeased;
using storage::Placeholders;

v1::CallAttempt AttemptProto(int number, int outcome, const std::string& agent, const std::string& notes,
                             long long reported_us) {
  v1::CallAttempt attempt;
  attempt.set_number(number);
  attempt.set_outcome(ProtoEnumOrUnspecified<v1::CallOutcome>(outcome));
  attempt.set_agent_id(agent);
  attempt.set_notes(notes);
  *attempt.mutable_report_time() = TimeUtil::MicrosecondsToTimestamp(reported_us);
  return attempt;
}

std::vector<v1::Callback> LoadCallbacks(storage::Transaction& tx, std::vector<long long> ids) {
  std::vector<v1::Callback> out;
  if (ids.empty()) return out;
  absl::flat_hash_map<long long, v1::Callback> by_id;
  {
    long long id = 0, due_us = 0, expires_us = 0, lease_us = 0;
    int priority = 0, attempts = 0, max_attempts = 0, state = 0, trigger = 0;
    std::string queue, questionnaire, reserved, event_id, external_id, name, phone, zone, language;
    revisits::StoredContext context;
    storage::Query query(
        tx, absl::StrCat(
                "SELECT r.queue, r.questionnaire_id, r.reserved_agent_id, r.event_id, c.external_id, c.name, c.phone,"
                " c.time_zone, r.id, r.due_at_us, r.expires_at_us, r.lease_expires_at_us, r.priority, r.attempts,"
                " r.max_attempts, r.state, r.trigger_kind, c.language, ",
                revisits::StoredContext::kColumns,
                " FROM revisits r JOIN customers c ON c.id = r.customer_id LEFT JOIN events e"
                " ON e.event_id = r.event_id WHERE r.id IN (",
                Placeholders("i", ids.size()), ")"));
    query.BindEach("i", ids);
    for (auto* into : {&queue, &questionnaire, &reserved, &event_id, &external_id, &name, &phone, &zone}) {
      query.Into(*into);
    }
    query.Into(id).Into(due_us).Into(expires_us).Into(lease_us).Into(priority).Into(attempts).Into(max_attempts);
    query.Into(state).Into(trigger).Into(language);
    context.Into(query);
    query.Start();
    while (query.Next()) {
      v1::Callback& callback = by_id[id];
      callback.set_id(absl::StrCat(id));
      callback.set_queue(queue);
      callback.set_customer_external_id(external_id);
      callback.set_customer_name(name);
      callback.set_phone(phone);
      callback.set_customer_time_zone(zone);
      callback.set_questionnaire_id(questionnaire);
      callback.set_priority(priority);
      callback.set_attempt_number(attempts + 1);
      callback.set_max_attempts(max_attempts);
      callback.set_reserved_agent_id(reserved);
      callback.set_event_id(event_id);
      *callback.mutable_due_time() = TimeUtil::MicrosecondsToTimestamp(due_us);
      *callback.mutable_expire_time() = TimeUtil::MicrosecondsToTimestamp(expires_us);
      if (state == kLeased) *callback.mutable_lease_expire_time() = TimeUtil::MicrosecondsToTimestamp(lease_us);
      callback.set_state(ProtoEnumOrUnspecified<v1::RevisitState>(state));
      callback.set_trigger(ProtoEnumOrUnspecified<v1::Trigger>(trigger));
      callback.set_language(language);
      *callback.mutable_context() = context.ToProto();
    }
  }
  {
    long long revisit_id = 0, reported_us = 0;
    int number = 0, outcome = 0;
    std::string agent, notes;
    storage::Query query(tx, absl::StrCat("SELECT revisit_id, number, outcome, agent_id, notes, reported_at_us"
                                          " FROM call_attempts WHERE revisit_id IN (",
                                          Placeholders("i", ids.size()), ") ORDER BY revisit_id, number"));
    query.BindEach("i", ids).Into(revisit_id).Into(number).Into(outcome).Into(agent).Into(notes).Into(reported_us);
    query.Start();
    while (query.Next()) {
      *by_id[revisit_id].add_earlier_attempts() = AttemptProto(number, outcome, agent, notes, reported_us);
    }
  }
  for (long long id : ids) out.push_back(std::move(by_id[id]));
  return out;
}

void AttachLastResponses(storage::Transaction& tx, std::vector<v1::Callback>& callbacks) {
  if (callbacks.empty()) return;
  absl::flat_hash_map<std::string, std::vector<v1::Callback*>> by_customer;
  std::vector<std::string> customers;
  for (v1::Callback& callback : callbacks) {
    std::vector<v1::Callback*>& same = by_customer[callback.customer_external_id()];
    if (same.empty()) customers.push_back(callback.customer_external_id());
    same.push_back(&callback);
  }
  // Each customer's newest response (by ix_responses_customer); of two at
  // one moment, the later id.
  std::vector<long long> latest;
  {
    long long response_id = 0;
    storage::Query query(tx, absl::StrCat("SELECT MAX(r.id) FROM customers c JOIN responses r ON r.customer_id = c.id"
                                          " WHERE c.external_id IN (",
                                          Placeholders("c", customers.size()),
                                          ") AND r.submitted_at_us = (SELECT MAX(x.submitted_at_us) FROM responses x"
                                          " WHERE x.customer_id = c.id) GROUP BY c.external_id"));
    query.BindEach("c", customers).Into(response_id).Start();
    while (query.Next()) latest.push_back(response_id);
  }
  for (auto& [id, response] : responses::LoadResponses(tx, latest)) {
    for (v1::Callback* callback : by_customer[response.customer_external_id()]) {
      *callback->mutable_last_response() = response;
    }
  }
}

}  // namespace satisfaction::callbacks::rows
