#include "services/leases/revisit_leases.h"

#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "services/common/enum_bridges.h"
#include "services/leases/lease_token.h"
#include "services/storage/sql_text.h"
#include "services/storage/write_batch.h"

namespace satisfaction::leases {
namespace {

using storage::Placeholders;
using storage::SkipLocked;

// The highest priority below `below` (none: no bound) that planned revisits
// of the scope have, if any. A MAX over a prefix of an index ending in
// (priority, due_at_us), which the database answers from the index's edge:
// levels cost nothing however many revisits wait, and each level is then
// read in due order from the index.
std::optional<int> NextPriorityLevel(soci::session& session, const ClaimScope& scope, std::optional<int> below) {
  int state = kPlanned, bound = below.value_or(0), priority = 0;
  soci::indicator found = soci::i_null;
  soci::statement statement(session);
  statement.exchange(soci::use(state));
  scope.bind(statement, /*levels=*/true);
  if (below) statement.exchange(soci::use(bound));
  statement.exchange(soci::into(priority, found));
  statement.alloc();
  statement.prepare(absl::StrCat("SELECT MAX(priority) FROM revisits WHERE state = :state AND ", scope.levels_where,
                                 below ? " AND priority < :below" : ""));
  statement.define_and_bind();
  statement.execute(true);
  if (found != soci::i_ok) return std::nullopt;
  return priority;
}

// A due revisit, locked, with what deciding about it takes.
struct Candidate {
  long long id = 0, customer_id = 0, expires_us = 0, due_us = 0;
  int channel = 0;
};

// Which part of a level a claim reads: all of it, or what lies after or up
// to a cursor (in the index's order, due_at_us then id).
enum class Part { kAll, kAfter, kUpTo };

// Locks up to `limit` due revisits of a part of a level, in due order.
std::vector<Candidate> LockDue(soci::session& session, const ClaimScope& scope, int priority, long long now_us,
                               Part part, ClaimCursors::Position cursor, int limit) {
  int state = kPlanned;
  Candidate row;
  soci::statement statement(session);
  statement.exchange(soci::use(state));
  scope.bind(statement, /*levels=*/false);
  statement.exchange(soci::use(priority));
  statement.exchange(soci::use(now_us));
  if (part != Part::kAll) {
    statement.exchange(soci::use(cursor.due_us));
    statement.exchange(soci::use(cursor.due_us));
    statement.exchange(soci::use(cursor.id));
  }
  statement.exchange(soci::use(limit));
  statement.exchange(soci::into(row.id));
  statement.exchange(soci::into(row.customer_id));
  statement.exchange(soci::into(row.expires_us));
  statement.exchange(soci::into(row.channel));
  statement.exchange(soci::into(row.due_us));
  statement.alloc();
  statement.prepare(absl::StrCat("SELECT id, customer_id, expires_at_us, channel, due_at_us FROM revisits WHERE",
                                 " state = :state AND ", scope.where, " AND priority = :priority AND due_at_us <= :now",
                                 part == Part::kAfter  ? " AND (due_at_us > :cursor_due OR (due_at_us = :at_due AND"
                                                         " id > :cursor_id))"
                                 : part == Part::kUpTo ? " AND (due_at_us < :cursor_due OR (due_at_us = :at_due AND"
                                                         " id <= :cursor_id))"
                                                       : "",
                                 " ORDER BY due_at_us, id LIMIT :limit", SkipLocked(session)));
  statement.define_and_bind();
  statement.execute();
  std::vector<Candidate> rows;
  while (statement.fetch()) rows.push_back(row);
  return rows;
}

void EndRevisit(soci::session& session, long long id, int state, const std::string& reason, long long now_us) {
  session << absl::StrCat("UPDATE revisits SET state = :state, state_reason = :reason, ", kNoLease,
                          ", updated_at_us = :now WHERE id = :id"),
      soci::use(state), soci::use(reason), soci::use(now_us), soci::use(id);
}

void MoveDue(soci::session& session, long long id, long long due_us, long long now_us) {
  session << "UPDATE revisits SET due_at_us = :due, updated_at_us = :now WHERE id = :id", soci::use(due_us),
      soci::use(now_us), soci::use(id);
}

void Lease(soci::session& session, const LeaseGrant& grant, std::vector<long long>& ids, long long now_us) {
  int leased = kLeased;
  std::string hash = grant.token_hash, holder = grant.holder;
  long long until_us = grant.until_us;
  ExecuteForIds(session,
                absl::StrCat("UPDATE revisits SET state = :state, lease_token_hash = :hash, lease_holder = :holder,"
                             " lease_expires_at_us = :until, updated_at_us = :now WHERE id IN (",
                             Placeholders("i", ids.size()), ")"),
                ids, [&](soci::statement& statement) {
                  statement.exchange(soci::use(leased));
                  statement.exchange(soci::use(hash));
                  statement.exchange(soci::use(holder));
                  statement.exchange(soci::use(until_us));
                  statement.exchange(soci::use(now_us));
                });
}

}  // namespace

std::optional<std::string> Reachability::Obstacle(int channel) const {
  int bit = ChannelMaskBit(ProtoEnumOrUnspecified<v1::Channel>(channel));
  switch (channel) {
    case v1::CHANNEL_PHONE:
      if (phone.empty()) return "the customer has no phone number";
      if (!(consent_mask & bit)) return "the customer has not agreed to calls";
      if (opt_out_mask & bit) return "the customer opted out of calls";
      if (on_do_not_call_list) return "the number is on the do-not-call list";
      return std::nullopt;
    case v1::CHANNEL_SMS:
      if (phone.empty()) return "the customer has no phone number";
      break;
    case v1::CHANNEL_IM:
      if (im_handle.empty()) return "the customer has no IM handle";
      break;
    case v1::CHANNEL_EMAIL:
      if (email.empty()) return "the customer has no email address";
      break;
    default:
      return "the channel is unknown";
  }
  if (!(consent_mask & bit)) return absl::StrCat("the customer has not agreed to ", ChannelWord(channel), " messages");
  if (opt_out_mask & bit) return absl::StrCat("the customer opted out of ", ChannelWord(channel), " messages");
  return std::nullopt;
}

absl::flat_hash_map<long long, Reachability> LoadReachability(soci::session& session,
                                                              std::vector<long long> customer_ids) {
  absl::flat_hash_map<long long, Reachability> out;
  if (customer_ids.empty()) return out;
  long long id = 0;
  Reachability row;
  soci::statement statement(session);
  for (long long& customer_id : customer_ids) statement.exchange(soci::use(customer_id));
  statement.exchange(soci::into(id));
  for (std::string* text : {&row.time_zone, &row.phone, &row.email, &row.im_handle}) {
    statement.exchange(soci::into(*text));
  }
  statement.exchange(soci::into(row.consent_mask));
  statement.exchange(soci::into(row.opt_out_mask));
  statement.exchange(soci::into(row.on_do_not_call_list));
  statement.alloc();
  statement.prepare(
      absl::StrCat("SELECT id, time_zone, phone, email, im_handle, consent_mask, opt_out_mask,"
                   " (SELECT COUNT(*) FROM do_not_call d WHERE d.phone = customers.phone)"
                   " FROM customers WHERE id IN (",
                   Placeholders("i", customer_ids.size()), ")"));
  statement.define_and_bind();
  statement.execute();
  while (statement.fetch()) out[id] = row;
  return out;
}

const char* NounOf(LeaseKind kind) { return kind == LeaseKind::kCallback ? "callback" : "message"; }

const char* ChannelWord(int channel) {
  switch (channel) {
    case v1::CHANNEL_SMS:
      return "SMS";
    case v1::CHANNEL_IM:
      return "IM";
    case v1::CHANNEL_EMAIL:
      return "email";
    default:
      return "phone";
  }
}

void ExecuteForIds(soci::session& session, const std::string& sql, std::vector<long long>& ids,
                   const std::function<void(soci::statement&)>& before) {
  if (ids.empty()) return;
  storage::ExecuteBound(session, sql, [&](soci::statement& statement) {
    if (before) before(statement);
    for (long long& id : ids) statement.exchange(soci::use(id));
  });
}

absl::TimeZone ZoneOf(const std::string& name) {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(name, &zone)) zone = absl::UTCTimeZone();
  return zone;
}

std::optional<ClaimCursors::Position> ClaimCursors::Get(const std::string& scope, int priority, absl::Time now) {
  absl::MutexLock lock(&mutex_);
  auto it = passes_.find({scope, priority});
  if (it == passes_.end()) return std::nullopt;
  if (now - it->second.started >= kCursorLifetime) {
    passes_.erase(it);
    return std::nullopt;
  }
  return it->second.position;
}

void ClaimCursors::Advance(const std::string& scope, int priority, Position position, absl::Time now) {
  absl::MutexLock lock(&mutex_);
  auto [it, started] = passes_.try_emplace({scope, priority}, Pass{position, now});
  if (!started) it->second.position = position;
}

void ClaimCursors::Reset(const std::string& scope, int priority) {
  absl::MutexLock lock(&mutex_);
  passes_.erase({scope, priority});
}

std::vector<long long> ClaimDue(soci::session& session, const ClaimScope& scope, const scheduler::ContactPolicy& policy,
                                const LeaseGrant& grant, int max_count, long long now_us, ClaimCursors& cursors) {
  absl::Time now = absl::FromUnixMicros(now_us);
  std::vector<long long> claimed;
  for (std::optional<int> level = NextPriorityLevel(session, scope, std::nullopt);
       level && static_cast<int>(claimed.size()) < max_count; level = NextPriorityLevel(session, scope, level)) {
    // Each pass leases or settles every row it reads, so the next one reads new rows.
    while (static_cast<int>(claimed.size()) < max_count) {
      int want = max_count - static_cast<int>(claimed.size());
      std::optional<ClaimCursors::Position> cursor = cursors.Get(scope.cursor_key, *level, now);
      std::vector<Candidate> due = LockDue(session, scope, *level, now_us, cursor ? Part::kAfter : Part::kAll,
                                           cursor.value_or(ClaimCursors::Position{}), want);
      if (static_cast<int>(due.size()) < want) {
        // The pass reached the level's end: next time from its head again,
        // and now too, for rows put back behind the cursor.
        cursors.Reset(scope.cursor_key, *level);
        if (cursor) {
          std::vector<Candidate> behind =
              LockDue(session, scope, *level, now_us, Part::kUpTo, *cursor, want - static_cast<int>(due.size()));
          due.insert(due.end(), behind.begin(), behind.end());
        }
      } else {
        cursors.Advance(scope.cursor_key, *level, {due.back().due_us, due.back().id}, now);
      }
      std::vector<long long> customer_ids;
      for (const Candidate& c : due) customer_ids.push_back(c.customer_id);
      absl::flat_hash_map<long long, Reachability> customers = LoadReachability(session, customer_ids);
      std::vector<long long> taken;
      for (const Candidate& c : due) {
        const Reachability& customer = customers[c.customer_id];
        const scheduler::ContactWindows& windows =
            c.channel == v1::CHANNEL_PHONE ? policy.call_windows : policy.message_windows;
        if (c.expires_us <= now_us) {
          EndRevisit(session, c.id, v1::REVISIT_STATE_GAVE_UP, "expired before it could be made", now_us);
        } else if (std::optional<std::string> obstacle = customer.Obstacle(c.channel)) {
          EndRevisit(session, c.id, v1::REVISIT_STATE_STOPPED, *obstacle, now_us);
        } else if (absl::TimeZone zone = ZoneOf(customer.time_zone); !windows.Allows(now, zone)) {
          std::optional<absl::Time> next = windows.NextAllowed(now, zone);
          if (!next || absl::ToUnixMicros(*next) >= c.expires_us) {
            EndRevisit(session, c.id, v1::REVISIT_STATE_GAVE_UP, "no contact hours left before it expires", now_us);
          } else {
            MoveDue(session, c.id, absl::ToUnixMicros(*next), now_us);
          }
        } else {
          taken.push_back(c.id);
        }
      }
      Lease(session, grant, taken, now_us);
      claimed.insert(claimed.end(), taken.begin(), taken.end());
      if (static_cast<int>(due.size()) < want) break;  // this level has no more due now
    }
  }
  return claimed;
}

int ReturnLapsedLeases(soci::session& session, long long now_us, int limit) {
  int leased = kLeased, planned = kPlanned;
  // Row by row: SOCI's SQLite backend fills no vector of one row.
  std::vector<long long> ids;
  long long id = 0;
  soci::statement lapsed =
      (session.prepare << absl::StrCat(
           "SELECT id FROM revisits WHERE state = :state AND lease_expires_at_us <= :now LIMIT :limit",
           SkipLocked(session)),
       soci::use(leased), soci::use(now_us), soci::use(limit), soci::into(id));
  lapsed.execute();
  while (lapsed.fetch()) ids.push_back(id);
  ExecuteForIds(session,
                absl::StrCat("UPDATE revisits SET state = :state, ", kNoLease, ", updated_at_us = :now WHERE id IN (",
                             Placeholders("i", ids.size()), ")"),
                ids, [&](soci::statement& statement) {
                  statement.exchange(soci::use(planned));
                  statement.exchange(soci::use(now_us));
                });
  return static_cast<int>(ids.size());
}

absl::Status NotFound(LeaseKind kind, long long id) {
  return absl::NotFoundError(absl::StrCat(NounOf(kind), " '", id, "' not found"));
}

absl::StatusOr<LeasedRow> LockLeased(soci::session& session, LeaseKind kind, long long id) {
  LeasedRow row;
  session << absl::StrCat(
      "SELECT customer_id, lease_expires_at_us, expires_at_us, channel, state, attempts,"
      " max_attempts, lease_token_hash, lease_holder, rule_id FROM revisits WHERE id = :id",
      storage::ForUpdate(session)),
      soci::use(id), soci::into(row.customer_id), soci::into(row.lease_expires_us), soci::into(row.expires_us),
      soci::into(row.channel), soci::into(row.state), soci::into(row.attempts), soci::into(row.max_attempts),
      soci::into(row.lease_hash), soci::into(row.lease_holder), soci::into(row.rule_id);
  if (!session.got_data()) return NotFound(kind, id);
  if ((row.channel == v1::CHANNEL_PHONE) != (kind == LeaseKind::kCallback)) {
    return absl::FailedPreconditionError(
        absl::StrCat("revisit '", id, "' is a ",
                     NounOf(row.channel == v1::CHANNEL_PHONE ? LeaseKind::kCallback : LeaseKind::kMessage), ", not a ",
                     NounOf(kind)));
  }
  return row;
}

bool EndedByAnswer(const LeasedRow& row, const std::string& hash) {
  return row.state == v1::REVISIT_STATE_COMPLETED && !row.lease_hash.empty() && row.lease_hash == hash;
}

absl::Status CheckLease(const LeasedRow& row, LeaseKind kind, long long id, const std::string& hash, long long now_us) {
  if (EndedByAnswer(row, hash)) {
    return absl::FailedPreconditionError(absl::StrCat("lease_token: ", NounOf(kind), " '", id,
                                                      "' is done: the customer answered its survey online; report"
                                                      " how the ",
                                                      kind == LeaseKind::kCallback ? "call" : "delivery",
                                                      " went, if it was made"));
  }
  if (row.state != kLeased || row.lease_hash != hash) {
    return absl::FailedPreconditionError(absl::StrCat("lease_token: ", NounOf(kind), " '", id,
                                                      "' is not leased with this token (the lease ended or was"
                                                      " released); fetch it again"));
  }
  if (row.lease_expires_us <= now_us) {
    return absl::FailedPreconditionError(
        absl::StrCat("lease_token: the lease of ", NounOf(kind), " '", id, "' ended at ",
                     absl::FormatTime(absl::FromUnixMicros(row.lease_expires_us)), "; fetch it again"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> HashOfToken(const std::string& token, LeaseKind kind, long long id) {
  std::optional<std::string> hash = LeaseHashOf(token, id);
  if (!hash) {
    return absl::InvalidArgumentError(absl::StrCat("lease_token: not a lease token of ", NounOf(kind), " '", id, "'"));
  }
  return *hash;
}

absl::StatusOr<LeasedRow> LockHeld(soci::session& session, LeaseKind kind, long long id, const std::string& token,
                                   long long now_us) {
  absl::StatusOr<LeasedRow> row = LockLeased(session, kind, id);
  if (!row.ok()) return row.status();
  absl::StatusOr<std::string> hash = HashOfToken(token, kind, id);
  if (!hash.ok()) return hash.status();
  if (absl::Status s = CheckLease(*row, kind, id, *hash, now_us); !s.ok()) return s;
  return row;
}

void PutBack(soci::session& session, long long id, long long now_us) {
  int planned = kPlanned;
  session << absl::StrCat("UPDATE revisits SET state = :state, ", kNoLease, ", updated_at_us = :now WHERE id = :id"),
      soci::use(planned), soci::use(now_us), soci::use(id);
}

}  // namespace satisfaction::leases
