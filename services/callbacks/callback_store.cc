#include "services/callbacks/callback_store.h"

#include <functional>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/callbacks/callback_rows.h"
#include "services/callbacks/lease_token.h"
#include "services/storage/sql_text.h"

namespace satisfaction::callbacks {
namespace {

using rows::CheckLease;
using rows::ExecuteForIds;
using rows::HashOfToken;
using rows::kLeased;
using rows::kPlanned;
using rows::LeasedRow;
using rows::LoadCallbacks;
using rows::LockCallback;
using rows::ZoneOf;
using storage::Access;
using storage::Placeholders;
using storage::SkipLocked;

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

void EndRevisit(soci::session& session, long long id, int state, const std::string& reason, long long now_us) {
  session << absl::StrCat("UPDATE revisits SET state = :state, state_reason = :reason, ", rows::kNoLease,
                          ", updated_at_us = :now WHERE id = :id"),
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
                absl::StrCat("UPDATE revisits SET state = :state, ", rows::kNoLease,
                             ", updated_at_us = :now WHERE id IN (", Placeholders("i", ids.size()), ")"),
                ids, [&](soci::statement& statement) {
                  statement.exchange(soci::use(planned));
                  statement.exchange(soci::use(now_us));
                });
  return static_cast<int>(ids.size());
}

}  // namespace

absl::StatusOr<std::vector<v1::Callback>> CallbackStore::Fetch(const Claimant& claimant, int max_count,
                                                               absl::Duration lease, absl::Time now) {
  LeaseSecret secret = LeaseSecret::Generate();
  // The claim is all or nothing, so a deadlock victim (MariaDB may pick one
  // when many dialers claim at once) simply claims again.
  absl::StatusOr<std::vector<long long>> claimed = Claim(claimant, max_count, lease, secret, now);
  for (int retry = 0; retry < 3 && claimed.status().code() == absl::StatusCode::kAborted; ++retry) {
    claimed = Claim(claimant, max_count, lease, secret, now);
  }
  if (!claimed.ok()) return claimed.status();
  if (claimed->empty()) return std::vector<v1::Callback>{};
  // Read after the claim has committed, so its row locks are held no longer than needed.
  return database_.InTransaction<std::vector<v1::Callback>>(
      Access::kRead, [&](soci::session& session) -> absl::StatusOr<std::vector<v1::Callback>> {
        std::vector<v1::Callback> callbacks = LoadCallbacks(session, *claimed);
        for (v1::Callback& callback : callbacks) {
          long long id = 0;
          if (absl::SimpleAtoi(callback.id(), &id)) callback.set_lease_token(LeaseTokenFor(secret, id));
        }
        return callbacks;
      });
}

absl::StatusOr<std::vector<long long>> CallbackStore::Claim(const Claimant& claimant, int max_count,
                                                            absl::Duration lease, const LeaseSecret& secret,
                                                            absl::Time now) {
  return database_.InTransaction<std::vector<long long>>(
      Access::kWrite, [&](soci::session& session) -> absl::StatusOr<std::vector<long long>> {
        absl::StatusOr<std::shared_ptr<const settings::ContactPolicyDocument::Snapshot>> policy =
            contact_policy_.InForce(session);
        if (!policy.ok()) return policy.status();
        const scheduler::ContactWindows& windows = (*policy)->parsed.call_windows;
        long long now_us = absl::ToUnixMicros(now), cutoff_us = absl::ToUnixMicros(now - reserved_grace_);
        // A dialer that vanished must not keep its callbacks until the maintenance loop runs.
        ReturnLapsedLeases(session, now_us, 100);
        std::string holder = claimant.agent_id.empty() ? absl::StrCat("queue:", claimant.queue) : claimant.agent_id;
        long long lease_until_us = absl::ToUnixMicros(now + lease);
        int leased = kLeased;
        std::string hash = secret.hash;
        auto lease_rows = [&](std::vector<long long>& ids) {
          ExecuteForIds(session,
                        absl::StrCat("UPDATE revisits SET state = :state, lease_token_hash = :hash, lease_holder ="
                                     " :holder, lease_expires_at_us = :until, updated_at_us = :now WHERE id IN (",
                                     Placeholders("i", ids.size()), ")"),
                        ids, [&](soci::statement& statement) {
                          statement.exchange(soci::use(leased));
                          statement.exchange(soci::use(hash));
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
        return claimed;
      });
}

absl::StatusOr<v1::Callback> CallbackStore::ChangeHeldLease(
    long long id, const std::string& token, absl::Time now,
    const std::function<void(soci::session&, long long now_us)>& change) {
  return database_.InTransaction<v1::Callback>(Access::kWrite,
                                               [&](soci::session& session) -> absl::StatusOr<v1::Callback> {
                                                 absl::StatusOr<LeasedRow> row = LockCallback(session, id);
                                                 if (!row.ok()) return row.status();
                                                 absl::StatusOr<std::string> hash = HashOfToken(token, id);
                                                 if (!hash.ok()) return hash.status();
                                                 long long now_us = absl::ToUnixMicros(now);
                                                 if (absl::Status s = CheckLease(*row, id, *hash, now_us); !s.ok())
                                                   return s;
                                                 change(session, now_us);
                                                 return LoadCallbacks(session, {id}).front();
                                               });
}

absl::StatusOr<v1::Callback> CallbackStore::ExtendLease(long long id, const std::string& token, absl::Duration lease,
                                                        absl::Time now) {
  long long until_us = absl::ToUnixMicros(now + lease);
  absl::StatusOr<v1::Callback> callback =
      ChangeHeldLease(id, token, now, [&](soci::session& session, long long now_us) {
        session << "UPDATE revisits SET lease_expires_at_us = :until, updated_at_us = :now WHERE id = :id",
            soci::use(until_us), soci::use(now_us), soci::use(id);
      });
  if (callback.ok()) callback->set_lease_token(token);
  return callback;
}

absl::StatusOr<v1::Callback> CallbackStore::Release(long long id, const std::string& token, absl::Time now) {
  return ChangeHeldLease(id, token, now, [&](soci::session& session, long long now_us) {
    int planned = kPlanned;
    session << absl::StrCat("UPDATE revisits SET state = :state, ", rows::kNoLease,
                            ", updated_at_us = :now WHERE id = :id"),
        soci::use(planned), soci::use(now_us), soci::use(id);
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
