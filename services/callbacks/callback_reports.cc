// Dispositions: how calls went, recorded once per lease, and what follows by
// the rule's retry policy. A batch costs a few statements whatever its size:
// on a virtual machine every round trip to the database is dear.
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/access/audit_rows.h"
#include "services/callbacks/callback_rows.h"
#include "services/callbacks/callback_store.h"
#include "services/common/enum_bridges.h"
#include "services/common/flow_observer.h"
#include "services/customers/do_not_call_store.h"
#include "services/leases/revisit_leases.h"
#include "services/revisits/funnel_counts.h"
#include "services/revisits/revisit_rule_store.h"
#include "services/revisits/revisit_rule_validation.h"
#include "services/revisits/revisit_store.h"
#include "services/storage/query.h"
#include "services/storage/sql_text.h"
#include "services/storage/transaction.h"

namespace satisfaction::callbacks {
namespace {

using google::protobuf::util::TimeUtil;
using leases::kLeased;
using leases::kPlanned;
using leases::LeaseKind;
using rows::kPhone;
using storage::Placeholders;

// A reported callback's row, locked, with what deciding about it takes; the
// customer's zone and phone, the contact policy's version and the rule's
// version come in the same read.
struct ReportRow {
  leases::LeasedRow leased;
  std::string time_zone, phone;
  long long policy_version = 0, rule_updated_us = -1;
};

std::map<long long, ReportRow> LockForReport(storage::Transaction& tx, std::vector<long long> ids) {
  std::map<long long, ReportRow> found;
  std::string policy = settings::kContactPolicySettingsName;
  long long id = 0;
  ReportRow row;
  leases::LeasedRow& r = row.leased;
  // Subqueries of a locking read do not lock: only the revisits are locked,
  // in id order, so two batches cannot deadlock on each other.
  storage::Query query(
      tx, absl::StrCat("SELECT id, customer_id, lease_expires_at_us, expires_at_us, channel, state, attempts,"
                       " max_attempts, lease_token_hash, lease_holder, rule_id,"
                       " (SELECT time_zone FROM customers c WHERE c.id = revisits.customer_id),"
                       " (SELECT phone FROM customers c WHERE c.id = revisits.customer_id),"
                       " (SELECT version FROM settings WHERE name = :policy),"
                       " COALESCE((SELECT updated_at_us FROM revisit_rules r WHERE r.id = revisits.rule_id), -1)"
                       " FROM revisits WHERE id IN (",
                       Placeholders("i", ids.size()), ") ORDER BY id", tx.ForUpdate()));
  query.Bind("policy", policy).BindEach("i", ids);
  query.Into(id).Into(r.customer_id).Into(r.lease_expires_us).Into(r.expires_us).Into(r.channel).Into(r.state);
  query.Into(r.attempts).Into(r.max_attempts).Into(r.lease_hash).Into(r.lease_holder).Into(r.rule_id);
  query.Into(row.time_zone).Into(row.phone).Into(row.policy_version).Into(row.rule_updated_us).Start();
  while (query.Next()) found[id] = row;
  return found;
}

// The attempt recorded under a lease before, if any.
std::optional<v1::CallAttempt> EarlierReport(storage::Transaction& tx, long long id, const std::string& hash) {
  int number = 0, outcome = 0;
  long long reported_us = 0;
  std::string agent, notes;
  storage::Query query(tx,
                       "SELECT number, outcome, agent_id, notes, reported_at_us FROM call_attempts"
                       " WHERE revisit_id = :id AND lease_token_hash = :hash");
  query.Bind("id", id).Bind("hash", hash).Into(number).Into(outcome).Into(agent).Into(notes).Into(reported_us);
  if (!query.Execute()) return std::nullopt;
  return rows::AttemptProto(number, outcome, agent, notes, reported_us);
}

// The revisit's state and reason after a call attempt's decision.
struct Outcome {
  int state = kPlanned;
  std::string reason;
  long long due_us = 0;  // 0: unchanged
  int channel = kPhone;
};

Outcome AfterAttempt(const scheduler::RetryDecision& decision, int attempt_number, const std::vector<int>& channels,
                     absl::Time now) {
  switch (decision.step) {
    case scheduler::NextStep::kDone:
      return {.state = v1::REVISIT_STATE_COMPLETED};
    case scheduler::NextStep::kRetry:
      return {.state = kPlanned, .due_us = absl::ToUnixMicros(decision.retry_at)};
    case scheduler::NextStep::kGiveUp:
      return {.state = v1::REVISIT_STATE_GAVE_UP,
              .reason = absl::StrCat("not reached in ", attempt_number, " attempts before it expired or ran out")};
    case scheduler::NextStep::kStop:
      return {.state = v1::REVISIT_STATE_STOPPED, .reason = "the customer refused"};
    case scheduler::NextStep::kStopAndBlockPhone:
      return {.state = v1::REVISIT_STATE_STOPPED, .reason = "the customer asked not to be called"};
    case scheduler::NextStep::kTryNextChannel:
      for (size_t i = 0; i + 1 < channels.size(); ++i) {
        if (channels[i] == kPhone) {
          return {.state = kPlanned,
                  .reason = "wrong number; moved to the rule's next channel",
                  .due_us = absl::ToUnixMicros(now),
                  .channel = channels[i + 1]};
        }
      }
      return {.state = v1::REVISIT_STATE_STOPPED, .reason = "wrong number, and no other channel"};
  }
  return {.state = v1::REVISIT_STATE_STOPPED};
}

// One accepted report, waiting to be written with the others.
struct Accepted {
  size_t index;  // in the request
  long long id;
  int number, outcome, state, channel;
  long long due_us, call_back_us;
  bool has_call_back;
  std::string agent, notes, hash, reason;
};

void InsertAttempts(storage::Transaction& tx, std::vector<Accepted>& accepted, long long& now_us) {
  std::vector<soci::indicator> call_back_set;
  call_back_set.reserve(accepted.size());
  std::string sql =
      "INSERT INTO call_attempts (revisit_id, number, outcome, agent_id, notes, lease_token_hash, call_back_at_us,"
      " reported_at_us) VALUES ";
  for (size_t i = 0; i < accepted.size(); ++i) {
    absl::StrAppend(&sql, i ? ", " : "", "(", Placeholders(absl::StrCat("a", i, "_"), 8), ")");
    call_back_set.push_back(accepted[i].has_call_back ? soci::i_ok : soci::i_null);
  }
  storage::Query insert(tx, sql);
  for (size_t i = 0; i < accepted.size(); ++i) {
    const Accepted& a = accepted[i];
    auto at = [i](int k) { return absl::StrCat("a", i, "_", k); };
    insert.Bind(at(0), a.id).Bind(at(1), a.number).Bind(at(2), a.outcome).Bind(at(3), a.agent).Bind(at(4), a.notes);
    insert.Bind(at(5), a.hash).Bind(at(6), a.call_back_us, call_back_set[i]).Bind(at(7), now_us);
  }
  insert.Execute();
}

// One UPDATE for the whole batch: CASE per column, keyed by id.
void UpdateRevisits(storage::Transaction& tx, std::vector<Accepted>& accepted, long long& now_us) {
  std::string state = "CASE id", reason = "CASE id", channel = "CASE id", due = "CASE id";
  size_t n = accepted.size();
  for (size_t i = 0; i < n; ++i) absl::StrAppend(&state, " WHEN :s", i, " THEN :sv", i);
  for (size_t i = 0; i < n; ++i) absl::StrAppend(&reason, " WHEN :r", i, " THEN :rv", i);
  for (size_t i = 0; i < n; ++i) absl::StrAppend(&channel, " WHEN :c", i, " THEN :cv", i);
  bool due_changes = false;
  for (size_t i = 0; i < n; ++i) {
    if (accepted[i].due_us <= 0) continue;
    absl::StrAppend(&due, " WHEN :d", i, " THEN :dv", i);
    due_changes = true;
  }
  due = due_changes ? absl::StrCat(due, " ELSE due_at_us END") : "due_at_us";
  storage::Query update(
      tx, absl::StrCat("UPDATE revisits SET state = ", state, " END, state_reason = ", reason,
                       " END, channel = ", channel, " END, due_at_us = ", due, ", attempts = attempts + 1, ",
                       leases::kNoLease, ", updated_at_us = :now WHERE id IN (", Placeholders("i", n), ")"));
  for (size_t i = 0; i < n; ++i) {
    const Accepted& a = accepted[i];
    update.Bind(absl::StrCat("s", i), a.id).Bind(absl::StrCat("sv", i), a.state);
    update.Bind(absl::StrCat("r", i), a.id).Bind(absl::StrCat("rv", i), a.reason);
    update.Bind(absl::StrCat("c", i), a.id).Bind(absl::StrCat("cv", i), a.channel);
    if (a.due_us > 0) update.Bind(absl::StrCat("d", i), a.id).Bind(absl::StrCat("dv", i), a.due_us);
    update.Bind(absl::StrCat("i", i), a.id);
  }
  update.Bind("now", now_us).Execute();
  // A retry's time is the earliest it may be made, whatever zone the
  // customer moves to (see customers::ReplanOpenRevisits).
  std::vector<long long> retried;
  for (const Accepted& a : accepted) {
    if (a.due_us > 0) retried.push_back(a.id);
  }
  if (!retried.empty()) {
    leases::ExecuteForIds(tx,
                          absl::StrCat("UPDATE revisits SET not_before_us = due_at_us WHERE id IN (",
                                       Placeholders("i", retried.size()), ")"),
                          retried);
  }
}

// What an accepted report tells the flow counters: the attempt, the
// customer's opt-out, and the end of the revisit (unless an answer online
// ended it before).
auto Counted(const Accepted& a, v1::Trigger trigger) {
  auto outcome = ProtoEnumOrUnspecified<v1::CallOutcome>(a.outcome);
  auto ended = a.state == kPlanned || a.reason == leases::kAnsweredOnline
                   ? v1::REVISIT_STATE_UNSPECIFIED
                   : ProtoEnumOrUnspecified<v1::RevisitState>(a.state);
  return [outcome, trigger, ended](FlowObserver& flow) {
    flow.CallAttempted(outcome);
    if (outcome == v1::CALL_OUTCOME_DO_NOT_CALL) flow.OptedOut(v1::CHANNEL_PHONE);
    if (ended != v1::REVISIT_STATE_UNSPECIFIED) flow.RevisitEnded(trigger, ended);
  };
}

}  // namespace

CallbackStore::RuleFacts CallbackStore::RuleFactsFor(storage::Transaction& tx, const std::string& rule_id,
                                                     long long updated_us) {
  {
    absl::MutexLock lock(&rules_mutex_);
    auto it = rules_.find(rule_id);
    if (it != rules_.end() && it->second.updated_us == updated_us) return it->second;
  }
  RuleFacts facts{.updated_us = updated_us, .channels = {kPhone}};
  if (std::optional<v1::RevisitRule> rule = revisits::LoadRule(tx, rule_id)) {
    facts.delays = revisits::ToSchedulerRule(*rule).retry_delays;
    facts.channels.assign(rule->channels().begin(), rule->channels().end());
  }
  absl::MutexLock lock(&rules_mutex_);
  rules_[rule_id] = facts;
  return facts;
}

absl::StatusOr<v1::ReportDispositionResponse> CallbackStore::Report(const v1::ReportDispositionRequest& request,
                                                                    long long id, absl::Time now,
                                                                    const v1::AuditEvent* audit_event) {
  return std::move(ReportMany({{&request, id}}, now, audit_event).front());
}

std::vector<absl::StatusOr<v1::ReportDispositionResponse>> CallbackStore::ReportMany(
    const std::vector<Disposition>& dispositions, absl::Time now, const v1::AuditEvent* audit_event) {
  std::vector<absl::StatusOr<v1::ReportDispositionResponse>> results;
  absl::Status status = database_.InTransaction(storage::Access::kWrite, [&](storage::Transaction& tx) {
    // A retried transaction (a deadlock victim) starts over.
    results.assign(dispositions.size(), absl::InternalError("not reported"));
    long long now_us = absl::ToUnixMicros(now);
    std::vector<long long> ids;
    for (const Disposition& d : dispositions) ids.push_back(d.callback_id);
    std::map<long long, ReportRow> rows = LockForReport(tx, ids);

    std::vector<Accepted> accepted;
    std::vector<std::pair<size_t, v1::CallAttempt>> replayed;
    std::vector<std::string> block_phones;
    for (size_t i = 0; i < dispositions.size(); ++i) {
      const v1::ReportDispositionRequest& request = *dispositions[i].request;
      long long id = dispositions[i].callback_id;
      auto found = rows.find(id);
      if (found == rows.end()) {
        results[i] = leases::NotFound(LeaseKind::kCallback, id);
        continue;
      }
      const ReportRow& row = found->second;
      if (row.leased.channel != kPhone) {
        results[i] = absl::FailedPreconditionError(absl::StrCat("revisit '", id, "' is a message, not a callback"));
        continue;
      }
      absl::StatusOr<std::string> hash = leases::HashOfToken(request.lease_token(), LeaseKind::kCallback, id);
      if (!hash.ok()) {
        results[i] = hash.status();
        continue;
      }
      if (row.leased.state != kLeased || row.leased.lease_hash != *hash) {
        // Reported before under this lease? The same report again gets the same answer.
        if (std::optional<v1::CallAttempt> earlier = EarlierReport(tx, id, *hash)) {
          if (earlier->outcome() == request.outcome()) {
            replayed.emplace_back(i, *earlier);
          } else {
            results[i] = absl::AlreadyExistsError(absl::StrCat("callback '", id,
                                                               "': this lease's call was already reported, as ",
                                                               v1::CallOutcome_Name(earlier->outcome())));
          }
          continue;
        }
      }
      if (leases::EndedByAnswer(row.leased, *hash)) {
        // The customer answered online during the call: the attempt is
        // recorded, and the revisit stays completed.
        accepted.push_back({.index = i,
                            .id = id,
                            .number = row.leased.attempts + 1,
                            .outcome = request.outcome(),
                            .state = v1::REVISIT_STATE_COMPLETED,
                            .channel = row.leased.channel,
                            .due_us = 0,
                            .call_back_us = 0,
                            .has_call_back = false,
                            .agent = request.agent_id().empty() ? row.leased.lease_holder : request.agent_id(),
                            .notes = request.notes(),
                            .hash = *hash,
                            .reason = leases::kAnsweredOnline});
        if (request.outcome() == v1::CALL_OUTCOME_DO_NOT_CALL && !row.phone.empty()) block_phones.push_back(row.phone);
        continue;
      }
      if (absl::Status s = leases::CheckLease(row.leased, LeaseKind::kCallback, id, *hash, now_us); !s.ok()) {
        results[i] = s;
        continue;
      }

      absl::StatusOr<std::shared_ptr<const settings::ContactPolicyDocument::Snapshot>> policy =
          claimer_.contact_policy().InForceAt(tx, row.policy_version);
      if (!policy.ok()) return policy.status();
      RuleFacts rule = RuleFactsFor(tx, row.leased.rule_id, row.rule_updated_us);
      std::optional<scheduler::CallOutcome> outcome = ToScheduler(request.outcome());
      if (!outcome) {  // the handler lets none through
        results[i] =
            absl::InvalidArgumentError(absl::StrCat("outcome: must be a known outcome; got ", request.outcome()));
        continue;
      }
      scheduler::CallAttempt attempt{.number = row.leased.attempts + 1, .outcome = *outcome, .ended_at = now};
      if (request.has_call_back_time()) {
        attempt.call_back_at = absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(request.call_back_time()));
      }
      absl::StatusOr<scheduler::RetryDecision> decision =
          scheduler::DecideAfterAttempt(attempt, row.leased.max_attempts, absl::FromUnixMicros(row.leased.expires_us),
                                        rule.delays, (*policy)->parsed.call_windows, leases::ZoneOf(row.time_zone));
      if (!decision.ok()) {
        // Every refusal of the scheduler's is about the call-back time.
        results[i] =
            absl::Status(decision.status().code(), absl::StrCat("call_back_time: ", decision.status().message()));
        continue;
      }
      Outcome next = AfterAttempt(*decision, attempt.number, rule.channels, now);
      accepted.push_back({.index = i,
                          .id = id,
                          .number = attempt.number,
                          .outcome = request.outcome(),
                          .state = next.state,
                          .channel = next.channel,
                          .due_us = next.due_us,
                          .call_back_us = attempt.call_back_at ? absl::ToUnixMicros(*attempt.call_back_at) : 0,
                          .has_call_back = attempt.call_back_at.has_value(),
                          .agent = request.agent_id().empty() ? row.leased.lease_holder : request.agent_id(),
                          .notes = request.notes(),
                          .hash = *hash,
                          .reason = next.reason});
      if (decision->step == scheduler::NextStep::kStopAndBlockPhone && !row.phone.empty()) {
        block_phones.push_back(row.phone);
      }
    }

    revisits::FunnelCounts funnel;
    if (!accepted.empty()) {
      InsertAttempts(tx, accepted, now_us);
      UpdateRevisits(tx, accepted, now_us);
      std::vector<long long> reached;
      for (const Accepted& a : accepted) {
        if (revisits::CallReachedCustomer(a.outcome)) reached.push_back(a.id);
      }
      funnel.MarkReached(tx, reached, /*answered=*/false);
    }
    for (const std::string& phone : block_phones) {
      customers::AddToDoNotCall(tx, phone, "asked during a callback", now);
    }
    std::vector<long long> answered;
    for (const Accepted& a : accepted) answered.push_back(a.id);
    for (const auto& [index, attempt] : replayed) answered.push_back(dispositions[index].callback_id);
    std::map<long long, v1::Revisit> revisits;
    for (v1::Revisit& revisit : revisits::LoadRevisits(tx, answered)) {
      long long id = 0;
      if (absl::SimpleAtoi(revisit.id(), &id)) revisits[id] = std::move(revisit);
    }
    for (const Accepted& a : accepted) {
      v1::ReportDispositionResponse response;
      *response.mutable_revisit() = revisits[a.id];
      *response.mutable_attempt() = rows::AttemptProto(a.number, a.outcome, a.agent, a.notes, now_us);
      TellAfterCommit(tx, flow_, Counted(a, response.revisit().trigger()));
      results[a.index] = std::move(response);
    }
    for (const auto& [index, attempt] : replayed) {
      v1::ReportDispositionResponse response;
      *response.mutable_revisit() = revisits[dispositions[index].callback_id];
      *response.mutable_attempt() = attempt;
      results[index] = std::move(response);
    }
    if (audit_event != nullptr && !answered.empty()) access::InsertAuditEvents(tx, {audit_event});
    funnel.Write(tx);  // last: its rows are shared (see FunnelCounts)
    return absl::OkStatus();
  });
  if (!status.ok()) results.assign(dispositions.size(), status);
  return results;
}

}  // namespace satisfaction::callbacks
