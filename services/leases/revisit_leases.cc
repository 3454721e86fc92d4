#include "services/leases/revisit_leases.h"

#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "services/common/enum_bridges.h"
#include "services/leases/lease_token.h"
#include "services/storage/sql_text.h"

namespace satisfaction::leases {
namespace {

using storage::Placeholders;

// The highest priority below `below` (none: no bound) that planned revisits
// of the scope have, if any. A MAX over a prefix of an index ending in
// (priority, due_at_us), which the database answers from the index's edge:
// levels cost nothing however many revisits wait, and each level is then
// read in due order from the index.
std::optional<int> NextPriorityLevel(storage::Transaction& tx, const ClaimScope& scope, std::optional<int> below) {
  int state = kPlanned, bound = below.value_or(0), priority = 0;
  soci::indicator found = soci::i_null;
  storage::Query query(tx, absl::StrCat("SELECT MAX(priority) FROM revisits WHERE state = :state AND ",
                                        scope.levels_where, below ? " AND priority < :below" : ""));
  query.Bind("state", state).Into(priority, found);
  scope.bind(query, /*levels=*/true);
  if (below) query.Bind("below", bound);
  query.Execute();
  if (found != soci::i_ok) return std::nullopt;
  return priority;
}

// A due revisit, locked, with what deciding about it takes.
struct Candidate {
  long long id = 0, customer_id = 0, expires_us = 0, due_us = 0;
  int channel = 0, trigger = 0;
};

// Which part of a level a claim reads: all of it, or what lies after or up
// to a cursor (in the index's order, due_at_us then id).
enum class Part { kAll, kAfter, kUpTo };

// " AND " the condition that a revisit is in `share`, if any, with
// placeholders :shares and :share (see BindShare).
std::string InShare(storage::Transaction& tx, const std::optional<ClaimShare>& share) {
  return share ? absl::StrCat(" AND ", tx.dialect().InShare("id", ":shares", ":share")) : "";
}

void BindShare(storage::Query& query, const std::optional<ClaimShare>& share) {
  if (share) query.Bind("shares", share->count).Bind("share", share->share);
}

// Locks up to `limit` due revisits of a part of a level, of `share` if
// given, in due order.
std::vector<Candidate> LockDue(storage::Transaction& tx, const ClaimScope& scope, int priority, long long now_us,
                               const std::optional<ClaimShare>& share, Part part, ClaimCursors::Position cursor,
                               int limit) {
  int state = kPlanned;
  Candidate row;
  storage::Query query(
      tx, absl::StrCat("SELECT id, customer_id, expires_at_us, channel, due_at_us, trigger_kind FROM revisits WHERE",
                       " state = :state AND ", scope.where, " AND priority = :priority AND due_at_us <= :now",
                       InShare(tx, share),
                       part == Part::kAfter  ? " AND (due_at_us > :cursor_due OR (due_at_us = :at_due AND"
                                               " id > :cursor_id))"
                       : part == Part::kUpTo ? " AND (due_at_us < :cursor_due OR (due_at_us = :at_due AND"
                                               " id <= :cursor_id))"
                                             : "",
                       " ORDER BY due_at_us, id LIMIT :limit", tx.SkipLocked()));
  query.Bind("state", state).Bind("priority", priority).Bind("now", now_us).Bind("limit", limit);
  scope.bind(query, /*levels=*/false);
  BindShare(query, share);
  if (part != Part::kAll) {
    query.Bind("cursor_due", cursor.due_us).Bind("at_due", cursor.due_us).Bind("cursor_id", cursor.id);
  }
  query.Into(row.id).Into(row.customer_id).Into(row.expires_us).Into(row.channel).Into(row.due_us);
  query.Into(row.trigger).Start();
  std::vector<Candidate> rows;
  while (query.Next()) rows.push_back(row);
  return rows;
}

void EndRevisit(storage::Transaction& tx, const Candidate& revisit, v1::RevisitState state, const std::string& reason,
                long long now_us, FlowObserver* flow) {
  int stored_state = state;
  storage::Query update(tx, absl::StrCat("UPDATE revisits SET state = :state, state_reason = :reason, ", kNoLease,
                                         ", updated_at_us = :now WHERE id = :id"));
  update.Bind("state", stored_state).Bind("reason", reason).Bind("now", now_us).Bind("id", revisit.id).Execute();
  TellAfterCommit(tx, flow, [trigger = ProtoEnumOrUnspecified<v1::Trigger>(revisit.trigger), state](FlowObserver& f) {
    f.RevisitEnded(trigger, state);
  });
}

void MoveDue(storage::Transaction& tx, long long id, long long due_us, long long now_us) {
  storage::Query update(tx, "UPDATE revisits SET due_at_us = :due, updated_at_us = :now WHERE id = :id");
  update.Bind("due", due_us).Bind("now", now_us).Bind("id", id).Execute();
}

void Lease(storage::Transaction& tx, const LeaseGrant& grant, std::vector<long long>& ids, long long now_us) {
  int leased = kLeased;
  std::string hash = grant.token_hash, holder = grant.holder;
  long long until_us = grant.until_us;
  ExecuteForIds(tx,
                absl::StrCat("UPDATE revisits SET state = :state, lease_token_hash = :hash, lease_holder = :holder,"
                             " lease_expires_at_us = :until, updated_at_us = :now WHERE id IN (",
                             Placeholders("i", ids.size()), ")"),
                ids, [&](storage::Query& query) {
                  query.Bind("state", leased).Bind("hash", hash).Bind("holder", holder).Bind("until", until_us);
                  query.Bind("now", now_us);
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

absl::flat_hash_map<long long, Reachability> LoadReachability(storage::Transaction& tx,
                                                              std::vector<long long> customer_ids) {
  absl::flat_hash_map<long long, Reachability> out;
  if (customer_ids.empty()) return out;
  long long id = 0;
  Reachability row;
  storage::Query query(tx, absl::StrCat("SELECT id, time_zone, phone, email, im_handle, consent_mask, opt_out_mask,"
                                        " (SELECT COUNT(*) FROM do_not_call d WHERE d.phone = customers.phone)"
                                        " FROM customers WHERE id IN (",
                                        Placeholders("i", customer_ids.size()), ")"));
  query.BindEach("i", customer_ids).Into(id);
  for (std::string* text : {&row.time_zone, &row.phone, &row.email, &row.im_handle}) query.Into(*text);
  query.Into(row.consent_mask).Into(row.opt_out_mask).Into(row.on_do_not_call_list).Start();
  while (query.Next()) out[id] = row;
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

void ExecuteForIds(storage::Transaction& tx, const std::string& sql, const std::vector<long long>& ids,
                   const std::function<void(storage::Query&)>& before) {
  if (ids.empty()) return;
  storage::Query query(tx, sql);
  if (before) before(query);
  query.BindEach("i", ids).Execute();
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

std::optional<ClaimShare> OwnShare(storage::ClusterNode node, absl::Time now) {
  if (node.count <= 1) return std::nullopt;
  long long turn = absl::ToInt64Seconds(now - absl::UnixEpoch()) / absl::ToInt64Seconds(ClaimShare::kTurn);
  return ClaimShare{.share = static_cast<int>((node.index + turn) % node.count), .count = node.count};
}

namespace {

// Leases up to `want` revisits of one priority level of `scope`, of `share`
// if given (see ClaimDue).
std::vector<long long> ClaimFromLevel(storage::Transaction& tx, const ClaimScope& scope,
                                      const scheduler::ContactPolicy& policy, const LeaseGrant& grant, int level,
                                      const std::optional<ClaimShare>& share, int want, long long now_us,
                                      ClaimCursors& cursors, FlowObserver* flow) {
  absl::Time now = absl::FromUnixMicros(now_us);
  // A share is read from a cursor of its own: the rows before another share's cursor may be due.
  std::string cursor_key =
      share ? absl::StrCat(scope.cursor_key, "/share ", share->share, " of ", share->count) : scope.cursor_key;
  std::vector<long long> claimed;
  // Each pass leases or settles every row it reads, so the next one reads new rows.
  while (static_cast<int>(claimed.size()) < want) {
    int wanted = want - static_cast<int>(claimed.size());
    std::optional<ClaimCursors::Position> cursor = cursors.Get(cursor_key, level, now);
    std::vector<Candidate> due = LockDue(tx, scope, level, now_us, share, cursor ? Part::kAfter : Part::kAll,
                                         cursor.value_or(ClaimCursors::Position{}), wanted);
    if (static_cast<int>(due.size()) < wanted) {
      // The pass reached the level's end: next time from its head again,
      // and now too, for rows put back behind the cursor.
      cursors.Reset(cursor_key, level);
      if (cursor) {
        std::vector<Candidate> behind =
            LockDue(tx, scope, level, now_us, share, Part::kUpTo, *cursor, wanted - static_cast<int>(due.size()));
        due.insert(due.end(), behind.begin(), behind.end());
      }
    } else {
      cursors.Advance(cursor_key, level, {due.back().due_us, due.back().id}, now);
    }
    std::vector<long long> customer_ids;
    for (const Candidate& c : due) customer_ids.push_back(c.customer_id);
    absl::flat_hash_map<long long, Reachability> customers = LoadReachability(tx, customer_ids);
    std::vector<long long> taken;
    for (const Candidate& c : due) {
      const Reachability& customer = customers[c.customer_id];
      const scheduler::ContactWindows& windows =
          c.channel == v1::CHANNEL_PHONE ? policy.call_windows : policy.message_windows;
      if (c.expires_us <= now_us) {
        EndRevisit(tx, c, v1::REVISIT_STATE_GAVE_UP, "expired before it could be made", now_us, flow);
      } else if (std::optional<std::string> obstacle = customer.Obstacle(c.channel)) {
        EndRevisit(tx, c, v1::REVISIT_STATE_STOPPED, *obstacle, now_us, flow);
      } else if (absl::TimeZone zone = ZoneOf(customer.time_zone); !windows.Allows(now, zone)) {
        std::optional<absl::Time> next = windows.NextAllowed(now, zone);
        if (!next || absl::ToUnixMicros(*next) >= c.expires_us) {
          EndRevisit(tx, c, v1::REVISIT_STATE_GAVE_UP, "no contact hours left before it expires", now_us, flow);
        } else {
          MoveDue(tx, c.id, absl::ToUnixMicros(*next), now_us);
        }
      } else {
        taken.push_back(c.id);
      }
    }
    Lease(tx, grant, taken, now_us);
    claimed.insert(claimed.end(), taken.begin(), taken.end());
    if (static_cast<int>(due.size()) < wanted) break;  // this part of the level has no more due now
  }
  return claimed;
}

}  // namespace

std::vector<long long> ClaimDue(storage::Transaction& tx, const ClaimScope& scope,
                                const scheduler::ContactPolicy& policy, const LeaseGrant& grant, int max_count,
                                long long now_us, ClaimCursors& cursors, FlowObserver* flow) {
  std::optional<ClaimShare> own = OwnShare(tx.cluster_node(), absl::FromUnixMicros(now_us));
  std::vector<long long> claimed;
  auto claim = [&](int level, const std::optional<ClaimShare>& share) {
    std::vector<long long> taken = ClaimFromLevel(tx, scope, policy, grant, level, share,
                                                  max_count - static_cast<int>(claimed.size()), now_us, cursors, flow);
    claimed.insert(claimed.end(), taken.begin(), taken.end());
  };
  // A claim run again lost at commit to other nodes' claims, mostly helpers
  // at a queue's end, and could lose every time. It keeps to its own share,
  // whose rows no other node's own claims take, and stops where that runs
  // short, so that nothing of lower priority goes ahead: a fetch may bring
  // fewer, but it is not refused.
  bool help = !own || tx.attempt() == 1;
  for (std::optional<int> level = NextPriorityLevel(tx, scope, std::nullopt);
       level && static_cast<int>(claimed.size()) < max_count; level = NextPriorityLevel(tx, scope, level)) {
    if (own) claim(*level, own);
    if (static_cast<int>(claimed.size()) >= max_count) break;
    if (!help) break;
    // All of the level, from its head: helping the other shares, or the only one.
    claim(*level, std::nullopt);
  }
  return claimed;
}

int ReturnLapsedLeases(storage::Transaction& tx, long long now_us, int limit, std::optional<ClaimShare> share) {
  int leased = kLeased, planned = kPlanned;
  // Row by row: SOCI's SQLite backend fills no vector of one row.
  std::vector<long long> ids;
  long long id = 0;
  storage::Query lapsed(tx, absl::StrCat("SELECT id FROM revisits WHERE state = :state AND lease_expires_at_us <= :now",
                                         InShare(tx, share), " LIMIT :limit", tx.SkipLocked()));
  lapsed.Bind("state", leased).Bind("now", now_us).Bind("limit", limit).Into(id);
  BindShare(lapsed, share);
  lapsed.Start();
  while (lapsed.Next()) ids.push_back(id);
  ExecuteForIds(tx,
                absl::StrCat("UPDATE revisits SET state = :state, ", kNoLease, ", updated_at_us = :now WHERE id IN (",
                             Placeholders("i", ids.size()), ")"),
                ids, [&](storage::Query& query) { query.Bind("state", planned).Bind("now", now_us); });
  return static_cast<int>(ids.size());
}

absl::Status NotFound(LeaseKind kind, long long id) {
  return absl::NotFoundError(absl::StrCat(NounOf(kind), " '", id, "' not found"));
}

absl::StatusOr<LeasedRow> LockLeased(storage::Transaction& tx, LeaseKind kind, long long id) {
  LeasedRow row;
  storage::Query query(tx, absl::StrCat("SELECT customer_id, lease_expires_at_us, expires_at_us, channel, state,"
                                        " attempts, max_attempts, lease_token_hash, lease_holder, rule_id"
                                        " FROM revisits WHERE id = :id",
                                        tx.ForUpdate()));
  query.Bind("id", id).Into(row.customer_id).Into(row.lease_expires_us).Into(row.expires_us).Into(row.channel);
  query.Into(row.state).Into(row.attempts).Into(row.max_attempts).Into(row.lease_hash).Into(row.lease_holder);
  if (!query.Into(row.rule_id).Execute()) return NotFound(kind, id);
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

absl::StatusOr<LeasedRow> LockHeld(storage::Transaction& tx, LeaseKind kind, long long id, const std::string& token,
                                   long long now_us) {
  absl::StatusOr<LeasedRow> row = LockLeased(tx, kind, id);
  if (!row.ok()) return row.status();
  absl::StatusOr<std::string> hash = HashOfToken(token, kind, id);
  if (!hash.ok()) return hash.status();
  if (absl::Status s = CheckLease(*row, kind, id, *hash, now_us); !s.ok()) return s;
  return row;
}

void PutBack(storage::Transaction& tx, long long id, long long now_us) {
  int planned = kPlanned;
  storage::Query update(
      tx, absl::StrCat("UPDATE revisits SET state = :state, ", kNoLease, ", updated_at_us = :now WHERE id = :id"));
  update.Bind("state", planned).Bind("now", now_us).Bind("id", id).Execute();
}

}  // namespace satisfaction::leases
