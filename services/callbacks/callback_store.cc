#include "services/callbacks/callback_store.h"

#include <google/protobuf/util/time_util.h>

#include <functional>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "scheduler/retry_policy.h"
#include "services/callbacks/lease_token.h"
#include "services/customers/do_not_call_store.h"
#include "services/revisits/revisit_rule_store.h"
#include "services/revisits/revisit_rule_validation.h"
#include "services/revisits/revisit_store.h"

namespace satisfaction::callbacks {
namespace {

using google::protobuf::util::TimeUtil;
using storage::Access;

constexpr int kPhone = v1::CHANNEL_PHONE;
constexpr int kPlanned = v1::REVISIT_STATE_PLANNED;
constexpr int kLeased = v1::REVISIT_STATE_LEASED;

const char* SkipLocked(soci::session& session) {
  return session.get_backend_name() == "mysql" ? " FOR UPDATE SKIP LOCKED" : "";
}

const char* ForUpdate(soci::session& session) { return session.get_backend_name() == "mysql" ? " FOR UPDATE" : ""; }

std::string Placeholders(const std::string& prefix, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) absl::StrAppend(&out, i ? ", " : "", ":", prefix, i);
  return out;
}

// Runs `sql`, which ends in an IN list of `ids` (named by Placeholders("i", n)),
// after binding `before` to its earlier placeholders.
void ExecuteForIds(soci::session& session, const std::string& sql, std::vector<long long>& ids,
                   const std::function<void(soci::statement&)>& before = nullptr) {
  if (ids.empty()) return;
  soci::statement statement(session);
  if (before) before(statement);
  for (long long& id : ids) statement.exchange(soci::use(id));
  statement.alloc();
  statement.prepare(sql);
  statement.define_and_bind();
  statement.execute(true);
}

// The claimant as SQL: which planned phone revisits it may claim.
struct ClaimFilter {
  // Conditions after "WHERE state = :state AND ", with :queue, :agent and :cutoff.
  std::string where;
  // The index whose prefix the conditions fix, for the priority levels.
  std::string levels_where;
};

ClaimFilter FilterFor(const Claimant& claimant) {
  if (claimant.queue.empty()) {
    return {.where = "reserved_agent_id = :agent AND channel = 1", .levels_where = "reserved_agent_id = :agent"};
  }
  // Reserved for nobody, for this agent, or overdue past the grace.
  return {.where =
              "channel = 1 AND queue = :queue AND (reserved_agent_id = '' OR reserved_agent_id = :agent"
              " OR due_at_us <= :cutoff)",
          .levels_where = "channel = 1 AND queue = :queue"};
}

// Binds what FilterFor's SQL names, in the order it names them.
void BindFilter(soci::statement& statement, const Claimant& claimant, std::string& queue, std::string& agent,
                long long& cutoff_us, bool levels) {
  if (claimant.queue.empty()) {
    statement.exchange(soci::use(agent));
    return;
  }
  statement.exchange(soci::use(queue));
  if (!levels) {
    statement.exchange(soci::use(agent));
    statement.exchange(soci::use(cutoff_us));
  }
}

// The highest priority below `below` (none: no bound) that planned callbacks
// of the claimant have, if any. A MAX over a prefix of the claim index, which
// the database answers from the index's edge: levels cost nothing however many
// callbacks wait, and each level is then read in due order from the index.
std::optional<int> NextPriorityLevel(soci::session& session, const Claimant& claimant, std::optional<int> below) {
  std::string queue = claimant.queue, agent = claimant.agent_id;
  long long unused = 0;
  int state = kPlanned, bound = below.value_or(0), priority = 0;
  soci::indicator found = soci::i_null;
  soci::statement statement(session);
  statement.exchange(soci::use(state));
  BindFilter(statement, claimant, queue, agent, unused, /*levels=*/true);
  if (below) statement.exchange(soci::use(bound));
  statement.exchange(soci::into(priority, found));
  statement.alloc();
  statement.prepare(absl::StrCat("SELECT MAX(priority) FROM revisits WHERE state = :state AND ",
                                 FilterFor(claimant).levels_where, below ? " AND priority < :below" : ""));
  statement.define_and_bind();
  statement.execute(true);
  if (found != soci::i_ok) return std::nullopt;
  return priority;
}

// A due callback, locked, with what deciding about it takes.
struct Candidate {
  long long id = 0, customer_id = 0, expires_us = 0;
};

std::vector<Candidate> LockDue(soci::session& session, const Claimant& claimant, int priority, long long now_us,
                               long long cutoff_us, int limit) {
  std::string queue = claimant.queue, agent = claimant.agent_id;
  int state = kPlanned;
  Candidate row;
  soci::statement statement(session);
  statement.exchange(soci::use(state));
  BindFilter(statement, claimant, queue, agent, cutoff_us, /*levels=*/false);
  statement.exchange(soci::use(priority));
  statement.exchange(soci::use(now_us));
  statement.exchange(soci::use(limit));
  statement.exchange(soci::into(row.id));
  statement.exchange(soci::into(row.customer_id));
  statement.exchange(soci::into(row.expires_us));
  statement.alloc();
  statement.prepare(absl::StrCat(
      "SELECT id, customer_id, expires_at_us FROM revisits WHERE state = :state AND ", FilterFor(claimant).where,
      " AND priority = :priority AND due_at_us <= :now ORDER BY due_at_us LIMIT :limit", SkipLocked(session)));
  statement.define_and_bind();
  statement.execute();
  std::vector<Candidate> rows;
  while (statement.fetch()) rows.push_back(row);
  return rows;
}

// What a fetch needs to know of a customer.
struct Reachability {
  std::string time_zone, phone;
  int consent_mask = 0, opt_out_mask = 0, on_do_not_call_list = 0;

  // Why the customer can no longer be phoned, or nothing.
  std::optional<std::string> Obstacle() const {
    if (phone.empty()) return "the customer has no phone number";
    if (!(consent_mask & 1)) return "the customer has not agreed to calls";
    if (opt_out_mask & 1) return "the customer opted out of calls";
    if (on_do_not_call_list) return "the number is on the do-not-call list";
    return std::nullopt;
  }
};

absl::flat_hash_map<long long, Reachability> LoadReachability(soci::session& session,
                                                              std::vector<long long> customer_ids) {
  absl::flat_hash_map<long long, Reachability> out;
  if (customer_ids.empty()) return out;
  long long id = 0;
  Reachability row;
  soci::statement statement(session);
  for (long long& customer_id : customer_ids) statement.exchange(soci::use(customer_id));
  statement.exchange(soci::into(id));
  statement.exchange(soci::into(row.time_zone));
  statement.exchange(soci::into(row.phone));
  statement.exchange(soci::into(row.consent_mask));
  statement.exchange(soci::into(row.opt_out_mask));
  statement.exchange(soci::into(row.on_do_not_call_list));
  statement.alloc();
  statement.prepare(
      absl::StrCat("SELECT id, time_zone, phone, consent_mask, opt_out_mask,"
                   " (SELECT COUNT(*) FROM do_not_call d WHERE d.phone = customers.phone)"
                   " FROM customers WHERE id IN (",
                   Placeholders("i", customer_ids.size()), ")"));
  statement.define_and_bind();
  statement.execute();
  while (statement.fetch()) out[id] = row;
  return out;
}

absl::TimeZone ZoneOf(const std::string& name) {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(name, &zone)) zone = absl::UTCTimeZone();
  return zone;
}

void EndRevisit(soci::session& session, long long id, int state, const std::string& reason, long long now_us) {
  session << "UPDATE revisits SET state = :state, state_reason = :reason, lease_token_hash = '', lease_holder = '',"
             " lease_expires_at_us = 0, updated_at_us = :now WHERE id = :id",
      soci::use(state), soci::use(reason), soci::use(now_us), soci::use(id);
}

void MoveDue(soci::session& session, long long id, long long due_us, long long now_us) {
  session << "UPDATE revisits SET due_at_us = :due, updated_at_us = :now WHERE id = :id", soci::use(due_us),
      soci::use(now_us), soci::use(id);
}

// Puts up to `limit` callbacks whose lease has ended back as planned, with no
// attempt counted; returns how many.
int ReturnLapsedLeases(soci::session& session, long long now_us, int limit) {
  int leased = kLeased, planned = kPlanned;
  std::vector<long long> ids(limit);
  session << absl::StrCat("SELECT id FROM revisits WHERE state = :state AND lease_expires_at_us <= :now LIMIT :limit",
                          SkipLocked(session)),
      soci::use(leased), soci::use(now_us), soci::use(limit), soci::into(ids);
  ExecuteForIds(session,
                absl::StrCat("UPDATE revisits SET state = :state, lease_token_hash = '', lease_holder = '',"
                             " lease_expires_at_us = 0, updated_at_us = :now WHERE id IN (",
                             Placeholders("i", ids.size()), ")"),
                ids, [&](soci::statement& statement) {
                  statement.exchange(soci::use(planned));
                  statement.exchange(soci::use(now_us));
                });
  return static_cast<int>(ids.size());
}

v1::CallAttempt AttemptProto(int number, int outcome, const std::string& agent, const std::string& notes,
                             long long reported_us) {
  v1::CallAttempt attempt;
  attempt.set_number(number);
  attempt.set_outcome(static_cast<v1::CallOutcome>(outcome));
  attempt.set_agent_id(agent);
  attempt.set_notes(notes);
  *attempt.mutable_report_time() = TimeUtil::MicrosecondsToTimestamp(reported_us);
  return attempt;
}

// The callbacks with these ids as a dialer sees them, in the order given.
std::vector<v1::Callback> LoadCallbacks(soci::session& session, std::vector<long long> ids) {
  std::vector<v1::Callback> out;
  if (ids.empty()) return out;
  absl::flat_hash_map<long long, v1::Callback> by_id;
  {
    long long id = 0, due_us = 0, expires_us = 0, lease_us = 0;
    int priority = 0, attempts = 0, max_attempts = 0, state = 0;
    std::string queue, questionnaire, reserved, event_id, external_id, name, phone, zone;
    soci::statement statement(session);
    for (long long& each : ids) statement.exchange(soci::use(each));
    for (auto* into : {&queue, &questionnaire, &reserved, &event_id, &external_id, &name, &phone, &zone}) {
      statement.exchange(soci::into(*into));
    }
    statement.exchange(soci::into(id));
    statement.exchange(soci::into(due_us));
    statement.exchange(soci::into(expires_us));
    statement.exchange(soci::into(lease_us));
    statement.exchange(soci::into(priority));
    statement.exchange(soci::into(attempts));
    statement.exchange(soci::into(max_attempts));
    statement.exchange(soci::into(state));
    statement.alloc();
    statement.prepare(absl::StrCat(
        "SELECT r.queue, r.questionnaire_id, r.reserved_agent_id, r.event_id, c.external_id, c.name, c.phone,"
        " c.time_zone, r.id, r.due_at_us, r.expires_at_us, r.lease_expires_at_us, r.priority, r.attempts,"
        " r.max_attempts, r.state FROM revisits r JOIN customers c ON c.id = r.customer_id WHERE r.id IN (",
        Placeholders("i", ids.size()), ")"));
    statement.define_and_bind();
    statement.execute();
    while (statement.fetch()) {
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
      callback.set_state(static_cast<v1::RevisitState>(state));
    }
  }
  {
    long long revisit_id = 0, reported_us = 0;
    int number = 0, outcome = 0;
    std::string agent, notes;
    soci::statement statement(session);
    for (long long& each : ids) statement.exchange(soci::use(each));
    statement.exchange(soci::into(revisit_id));
    statement.exchange(soci::into(number));
    statement.exchange(soci::into(outcome));
    statement.exchange(soci::into(agent));
    statement.exchange(soci::into(notes));
    statement.exchange(soci::into(reported_us));
    statement.alloc();
    statement.prepare(
        absl::StrCat("SELECT revisit_id, number, outcome, agent_id, notes, reported_at_us"
                     " FROM call_attempts WHERE revisit_id IN (",
                     Placeholders("i", ids.size()), ") ORDER BY revisit_id, number"));
    statement.define_and_bind();
    statement.execute();
    while (statement.fetch()) {
      *by_id[revisit_id].add_earlier_attempts() = AttemptProto(number, outcome, agent, notes, reported_us);
    }
  }
  for (long long id : ids) out.push_back(std::move(by_id[id]));
  return out;
}

// A callback's row, locked, as a lease holder's request finds it.
struct LeasedRow {
  long long customer_id = 0, lease_expires_us = 0, expires_us = 0;
  int channel = 0, state = 0, attempts = 0, max_attempts = 0;
  std::string lease_hash, lease_holder, rule_id;
};

absl::Status NotFound(long long id) { return absl::NotFoundError(absl::StrCat("callback '", id, "' not found")); }

absl::StatusOr<LeasedRow> LockCallback(soci::session& session, long long id) {
  LeasedRow row;
  session << absl::StrCat(
      "SELECT customer_id, lease_expires_at_us, expires_at_us, channel, state, attempts,"
      " max_attempts, lease_token_hash, lease_holder, rule_id FROM revisits WHERE id = :id",
      ForUpdate(session)),
      soci::use(id), soci::into(row.customer_id), soci::into(row.lease_expires_us), soci::into(row.expires_us),
      soci::into(row.channel), soci::into(row.state), soci::into(row.attempts), soci::into(row.max_attempts),
      soci::into(row.lease_hash), soci::into(row.lease_holder), soci::into(row.rule_id);
  if (!session.got_data()) return NotFound(id);
  if (row.channel != kPhone) {
    return absl::FailedPreconditionError(absl::StrCat("revisit '", id, "' is a message, not a callback"));
  }
  return row;
}

// Checks that `hash` (of the request's token) holds the callback's lease now.
absl::Status CheckLease(const LeasedRow& row, long long id, const std::string& hash, long long now_us) {
  if (row.state != kLeased || row.lease_hash != hash) {
    return absl::FailedPreconditionError(absl::StrCat("lease_token: callback '", id,
                                                      "' is not leased with this token (the lease ended or was"
                                                      " released); fetch it again"));
  }
  if (row.lease_expires_us <= now_us) {
    return absl::FailedPreconditionError(absl::StrCat("lease_token: the lease of callback '", id, "' ended at ",
                                                      absl::FormatTime(absl::FromUnixMicros(row.lease_expires_us)),
                                                      "; fetch it again"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> HashOfToken(const std::string& token, long long id) {
  std::optional<std::string> hash = LeaseHashOf(token, id);
  if (!hash) return absl::InvalidArgumentError(absl::StrCat("lease_token: not a lease token of callback '", id, "'"));
  return *hash;
}

// The revisit's state and reason after a call attempt's decision.
struct Outcome {
  int state = kPlanned;
  std::string reason;
  long long due_us = 0;
  int channel = kPhone;
};

Outcome AfterAttempt(const scheduler::RetryDecision& decision, int attempt_number, const v1::RevisitRule* rule,
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
      if (rule != nullptr) {
        for (int i = 0; i + 1 < rule->channels_size(); ++i) {
          if (rule->channels(i) == kPhone) {
            return {.state = kPlanned,
                    .reason = "wrong number; moved to the rule's next channel",
                    .due_us = absl::ToUnixMicros(now),
                    .channel = rule->channels(i + 1)};
          }
        }
      }
      return {.state = v1::REVISIT_STATE_STOPPED, .reason = "wrong number, and no other channel"};
  }
  return {.state = v1::REVISIT_STATE_STOPPED};
}

}  // namespace

absl::StatusOr<std::vector<v1::Callback>> CallbackStore::Fetch(const Claimant& claimant, int max_count,
                                                               absl::Duration lease, absl::Time now) {
  return database_.InTransaction<std::vector<v1::Callback>>(
      Access::kWrite, [&](soci::session& session) -> absl::StatusOr<std::vector<v1::Callback>> {
        absl::StatusOr<std::shared_ptr<const settings::ContactPolicyDocument::Snapshot>> policy =
            contact_policy_.InForce(session);
        if (!policy.ok()) return policy.status();
        const scheduler::ContactWindows& windows = (*policy)->parsed.call_windows;
        long long now_us = absl::ToUnixMicros(now), cutoff_us = absl::ToUnixMicros(now - reserved_grace_);
        // A dialer that vanished must not keep its callbacks until the maintenance loop runs.
        ReturnLapsedLeases(session, now_us, 100);
        LeaseSecret secret = LeaseSecret::Generate();
        std::string holder = claimant.agent_id.empty() ? absl::StrCat("queue:", claimant.queue) : claimant.agent_id;
        long long lease_until_us = absl::ToUnixMicros(now + lease);
        int leased = kLeased;
        auto lease_rows = [&](std::vector<long long>& ids) {
          ExecuteForIds(session,
                        absl::StrCat("UPDATE revisits SET state = :state, lease_token_hash = :hash, lease_holder ="
                                     " :holder, lease_expires_at_us = :until, updated_at_us = :now WHERE id IN (",
                                     Placeholders("i", ids.size()), ")"),
                        ids, [&](soci::statement& statement) {
                          statement.exchange(soci::use(leased));
                          statement.exchange(soci::use(secret.hash));
                          statement.exchange(soci::use(holder));
                          statement.exchange(soci::use(lease_until_us));
                          statement.exchange(soci::use(now_us));
                        });
        };
        std::vector<long long> claimed;
        for (std::optional<int> level = NextPriorityLevel(session, claimant, std::nullopt);
             level && static_cast<int>(claimed.size()) < max_count;
             level = NextPriorityLevel(session, claimant, level)) {
          int priority = *level;
          // Each pass leases or settles every row it reads, so the next one reads new rows.
          while (static_cast<int>(claimed.size()) < max_count) {
            int want = max_count - static_cast<int>(claimed.size());
            std::vector<Candidate> due = LockDue(session, claimant, priority, now_us, cutoff_us, want);
            std::vector<long long> customer_ids;
            for (const Candidate& c : due) customer_ids.push_back(c.customer_id);
            absl::flat_hash_map<long long, Reachability> customers = LoadReachability(session, customer_ids);
            std::vector<long long> taken;
            for (const Candidate& c : due) {
              const Reachability& customer = customers[c.customer_id];
              if (c.expires_us <= now_us) {
                EndRevisit(session, c.id, v1::REVISIT_STATE_GAVE_UP, "expired before it could be made", now_us);
              } else if (std::optional<std::string> obstacle = customer.Obstacle()) {
                EndRevisit(session, c.id, v1::REVISIT_STATE_STOPPED, *obstacle, now_us);
              } else if (absl::TimeZone zone = ZoneOf(customer.time_zone); !windows.Allows(now, zone)) {
                std::optional<absl::Time> next = windows.NextAllowed(now, zone);
                if (!next || absl::ToUnixMicros(*next) >= c.expires_us) {
                  EndRevisit(session, c.id, v1::REVISIT_STATE_GAVE_UP, "no calling hours left before it expires",
                             now_us);
                } else {
                  MoveDue(session, c.id, absl::ToUnixMicros(*next), now_us);
                }
              } else {
                taken.push_back(c.id);
              }
            }
            lease_rows(taken);
            claimed.insert(claimed.end(), taken.begin(), taken.end());
            if (static_cast<int>(due.size()) < want) break;  // this level has no more due now
          }
        }
        std::vector<v1::Callback> callbacks = LoadCallbacks(session, claimed);
        for (v1::Callback& callback : callbacks) {
          long long id = 0;
          if (absl::SimpleAtoi(callback.id(), &id)) callback.set_lease_token(LeaseTokenFor(secret, id));
        }
        return callbacks;
      });
}

absl::StatusOr<v1::ReportDispositionResponse> CallbackStore::Report(const v1::ReportDispositionRequest& request,
                                                                    long long id, absl::Time now) {
  return database_.InTransaction<v1::ReportDispositionResponse>(
      Access::kWrite, [&](soci::session& session) -> absl::StatusOr<v1::ReportDispositionResponse> {
        absl::StatusOr<LeasedRow> row = LockCallback(session, id);
        if (!row.ok()) return row.status();
        absl::StatusOr<std::string> hash = HashOfToken(request.lease_token(), id);
        if (!hash.ok()) return hash.status();
        long long now_us = absl::ToUnixMicros(now);

        // The same lease reported before: the same report again gets the same answer.
        {
          int number = 0, outcome = 0;
          long long reported_us = 0;
          std::string agent, notes;
          session << "SELECT number, outcome, agent_id, notes, reported_at_us FROM call_attempts"
                     " WHERE revisit_id = :id AND lease_token_hash = :hash",
              soci::use(id), soci::use(*hash), soci::into(number), soci::into(outcome), soci::into(agent),
              soci::into(notes), soci::into(reported_us);
          if (session.got_data()) {
            if (outcome != request.outcome()) {
              return absl::AlreadyExistsError(
                  absl::StrCat("callback '", id, "': this lease's call was already reported, as ",
                               v1::CallOutcome_Name(static_cast<v1::CallOutcome>(outcome))));
            }
            v1::ReportDispositionResponse response;
            *response.mutable_revisit() = *revisits::LoadRevisit(session, id);
            *response.mutable_attempt() = AttemptProto(number, outcome, agent, notes, reported_us);
            return response;
          }
        }
        if (absl::Status s = CheckLease(*row, id, *hash, now_us); !s.ok()) return s;

        std::string zone_name, phone;
        session << "SELECT time_zone, phone FROM customers WHERE id = :id", soci::use(row->customer_id),
            soci::into(zone_name), soci::into(phone);
        absl::StatusOr<std::shared_ptr<const settings::ContactPolicyDocument::Snapshot>> policy =
            contact_policy_.InForce(session);
        if (!policy.ok()) return policy.status();
        std::optional<v1::RevisitRule> rule = revisits::LoadRule(session, row->rule_id);
        scheduler::RetryDelays delays = rule ? revisits::ToSchedulerRule(*rule).retry_delays : scheduler::RetryDelays{};

        scheduler::CallAttempt attempt{.number = row->attempts + 1,
                                       .outcome = static_cast<scheduler::CallOutcome>(request.outcome() - 1),
                                       .ended_at = now};
        if (request.has_call_back_time()) {
          attempt.call_back_at = absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(request.call_back_time()));
        }
        absl::StatusOr<scheduler::RetryDecision> decision =
            scheduler::DecideAfterAttempt(attempt, row->max_attempts, absl::FromUnixMicros(row->expires_us), delays,
                                          (*policy)->parsed.call_windows, ZoneOf(zone_name));
        if (!decision.ok()) {
          // The scheduler names its own field; the request calls it call_back_time.
          std::string message(decision.status().message());
          if (absl::StartsWith(message, "call_back_at")) message.replace(0, 12, "call_back_time");
          return absl::Status(decision.status().code(), message);
        }

        std::string agent = request.agent_id().empty() ? row->lease_holder : request.agent_id();
        std::string notes = request.notes();
        int outcome = request.outcome();
        long long call_back_us = attempt.call_back_at ? absl::ToUnixMicros(*attempt.call_back_at) : 0;
        soci::indicator call_back_indicator = attempt.call_back_at ? soci::i_ok : soci::i_null;
        session << "INSERT INTO call_attempts (revisit_id, number, outcome, agent_id, notes, lease_token_hash,"
                   " call_back_at_us, reported_at_us) VALUES (:id, :number, :outcome, :agent, :notes, :hash,"
                   " :call_back, :now)",
            soci::use(id), soci::use(attempt.number), soci::use(outcome), soci::use(agent), soci::use(notes),
            soci::use(*hash), soci::use(call_back_us, call_back_indicator), soci::use(now_us);

        Outcome next = AfterAttempt(*decision, attempt.number, rule ? &*rule : nullptr, now);
        long long due_us = next.due_us;
        session << "UPDATE revisits SET state = :state, state_reason = :reason, channel = :channel,"
                   " attempts = :attempts, due_at_us = CASE WHEN :due > 0 THEN :due2 ELSE due_at_us END,"
                   " lease_token_hash = '', lease_holder = '', lease_expires_at_us = 0, updated_at_us = :now"
                   " WHERE id = :id",
            soci::use(next.state), soci::use(next.reason), soci::use(next.channel), soci::use(attempt.number),
            soci::use(due_us), soci::use(due_us), soci::use(now_us), soci::use(id);
        if (decision->step == scheduler::NextStep::kStopAndBlockPhone && !phone.empty()) {
          customers::AddToDoNotCall(session, phone, absl::StrCat("asked during callback ", id), now);
        }

        v1::ReportDispositionResponse response;
        *response.mutable_revisit() = *revisits::LoadRevisit(session, id);
        *response.mutable_attempt() = AttemptProto(attempt.number, outcome, agent, notes, now_us);
        return response;
      });
}

absl::StatusOr<v1::Callback> CallbackStore::ExtendLease(long long id, const std::string& token, absl::Duration lease,
                                                        absl::Time now) {
  return database_.InTransaction<v1::Callback>(
      Access::kWrite, [&](soci::session& session) -> absl::StatusOr<v1::Callback> {
        absl::StatusOr<LeasedRow> row = LockCallback(session, id);
        if (!row.ok()) return row.status();
        absl::StatusOr<std::string> hash = HashOfToken(token, id);
        if (!hash.ok()) return hash.status();
        long long now_us = absl::ToUnixMicros(now), until_us = absl::ToUnixMicros(now + lease);
        if (absl::Status s = CheckLease(*row, id, *hash, now_us); !s.ok()) return s;
        session << "UPDATE revisits SET lease_expires_at_us = :until, updated_at_us = :now WHERE id = :id",
            soci::use(until_us), soci::use(now_us), soci::use(id);
        v1::Callback callback = LoadCallbacks(session, {id}).front();
        callback.set_lease_token(token);
        return callback;
      });
}

absl::StatusOr<v1::Callback> CallbackStore::Release(long long id, const std::string& token, absl::Time now) {
  return database_.InTransaction<v1::Callback>(
      Access::kWrite, [&](soci::session& session) -> absl::StatusOr<v1::Callback> {
        absl::StatusOr<LeasedRow> row = LockCallback(session, id);
        if (!row.ok()) return row.status();
        absl::StatusOr<std::string> hash = HashOfToken(token, id);
        if (!hash.ok()) return hash.status();
        long long now_us = absl::ToUnixMicros(now);
        if (absl::Status s = CheckLease(*row, id, *hash, now_us); !s.ok()) return s;
        int planned = kPlanned;
        session
            << "UPDATE revisits SET state = :state, lease_token_hash = '', lease_holder = '', lease_expires_at_us = 0,"
               " updated_at_us = :now WHERE id = :id",
            soci::use(planned), soci::use(now_us), soci::use(id);
        return LoadCallbacks(session, {id}).front();
      });
}

absl::StatusOr<int> CallbackStore::ExpireLeases(absl::Time now, int limit) {
  return database_.InTransaction<int>(Access::kWrite, [&](soci::session& session) -> absl::StatusOr<int> {
    return ReturnLapsedLeases(session, absl::ToUnixMicros(now), limit);
  });
}

absl::StatusOr<int> CallbackStore::CountDue(const Claimant& claimant, absl::Time now) {
  return database_.InTransaction<int>(Access::kRead, [&](soci::session& session) -> absl::StatusOr<int> {
    std::string queue = claimant.queue, agent = claimant.agent_id;
    long long now_us = absl::ToUnixMicros(now), cutoff_us = absl::ToUnixMicros(now - reserved_grace_);
    int state = kPlanned, count = 0;
    soci::statement statement(session);
    statement.exchange(soci::use(state));
    BindFilter(statement, claimant, queue, agent, cutoff_us, /*levels=*/false);
    statement.exchange(soci::use(now_us));
    statement.exchange(soci::into(count));
    statement.alloc();
    statement.prepare(absl::StrCat("SELECT COUNT(*) FROM revisits WHERE state = :state AND ", FilterFor(claimant).where,
                                   " AND due_at_us <= :now"));
    statement.define_and_bind();
    statement.execute(true);
    return count;
  });
}

}  // namespace satisfaction::callbacks
