#ifndef SATISFACTION_SERVICES_LEASES_REVISIT_LEASES_H_
#define SATISFACTION_SERVICES_LEASES_REVISIT_LEASES_H_

#include <soci/soci.h>

#include <array>
#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "satisfaction/v1/revisit.pb.h"
#include "scheduler/revisit_planner.h"
#include "services/common/flow_observer.h"
#include "services/storage/query.h"
#include "services/storage/transaction.h"

// Planned revisits claimed under leases, with the database's own row locks
// (FOR UPDATE SKIP LOCKED on MariaDB; SQLite serialises writers): what
// dialers' callbacks and gateways' outbox share.
namespace satisfaction::leases {

inline constexpr int kPlanned = v1::REVISIT_STATE_PLANNED;
inline constexpr int kLeased = v1::REVISIT_STATE_LEASED;

// What a lease is on, as errors name it: phone revisits are callbacks, the
// others messages.
enum class LeaseKind { kCallback, kMessage };
const char* NounOf(LeaseKind kind);

// The SET clause that ends a revisit's lease.
inline constexpr char kNoLease[] = "lease_token_hash = '', lease_holder = '', lease_expires_at_us = 0";

// Runs `sql`, which ends in an IN list of `ids` (named by storage::Placeholders("i", n)),
// after `before` has bound its other placeholders.
void ExecuteForIds(storage::Transaction& tx, const std::string& sql, const std::vector<long long>& ids,
                   const std::function<void(storage::Query&)>& before = nullptr);

// The zone, or UTC for a name that does not load (customers' zones are validated).
absl::TimeZone ZoneOf(const std::string& name);

// Which planned revisits a claimant may take, as SQL over the revisits table.
struct ClaimScope {
  // Conditions after "WHERE state = :state AND ".
  std::string where;
  // The leading conditions of an index ending in (priority, due_at_us), for
  // the priority levels.
  std::string levels_where;
  // Binds the placeholders of `where`, or of `levels_where` when `levels`, by
  // name to values that live as long as the scope (its own captures).
  std::function<void(storage::Query&, bool levels)> bind;
  // Names the scope among the claim cursors.
  std::string cursor_key;
};

// Where this server's last claims of a scope stopped in each priority level.
// A claimed row leaves the claim index, but InnoDB keeps its old entry,
// delete-marked, until purge gets to it: under a steady stream of claims the
// head of a queue is thick with such entries, and walking over them again
// with every claim doubled its cost. A claim starts where the last one
// stopped; a pass over a level starts again at its head once it comes up
// short and every kCursorLifetime, so that callbacks put back (released, or
// lease lapsed) are seen again within seconds.
class ClaimCursors {
 public:
  static constexpr absl::Duration kCursorLifetime = absl::Seconds(2);

  struct Position {
    long long due_us = 0, id = 0;
  };

  std::optional<Position> Get(const std::string& scope, int priority, absl::Time now);
  void Advance(const std::string& scope, int priority, Position position, absl::Time now);
  void Reset(const std::string& scope, int priority);

 private:
  struct Pass {
    Position position;
    absl::Time started;
  };
  absl::Mutex mutex_;
  absl::flat_hash_map<std::pair<std::string, int>, Pass> passes_ ABSL_GUARDED_BY(mutex_);
};

// Claims of one scope on this server take turns: claimers that run together
// only skip each other's locked rows at the head of the queue, which costs the
// database far more than waiting here. A turn ends when the claim has chosen
// its rows, before it commits. Other servers still claim alongside, by SKIP
// LOCKED.
class ClaimTurns {
 public:
  class Turn {
   public:
    explicit Turn(absl::Mutex& stripe) : stripe_(&stripe) { stripe_->Lock(); }
    ~Turn() { Release(); }
    Turn(const Turn&) = delete;
    Turn& operator=(const Turn&) = delete;
    void Release() {
      if (stripe_ != nullptr) stripe_->Unlock();
      stripe_ = nullptr;
    }

   private:
    absl::Mutex* stripe_;
  };

  Turn Take(const std::string& scope) { return Turn(stripes_[absl::HashOf(scope) % stripes_.size()]); }

 private:
  std::array<absl::Mutex, 16> stripes_;
};

// Who a claim leases to, and until when.
struct LeaseGrant {
  std::string token_hash;
  std::string holder;
  long long until_us = 0;
};

// What reaching a customer takes.
struct Reachability {
  std::string time_zone, phone, email, im_handle;
  int consent_mask = 0, opt_out_mask = 0, on_do_not_call_list = 0;

  // Why the customer cannot be reached on `channel`, or nothing.
  std::optional<std::string> Obstacle(int channel) const;
};

absl::flat_hash_map<long long, Reachability> LoadReachability(storage::Transaction& tx,
                                                              std::vector<long long> customer_ids);

// Which share of the queues a claim reads first. On a cluster of several
// nodes, servers on different nodes that claim from the head of one queue
// choose the same rows (SKIP LOCKED skips only rows locked on its own node),
// and all but one of them fail at commit. So the servers of each node claim
// first from their node's share of a queue, and help with the other shares
// only when theirs runs short in a priority level. The shares turn among the
// nodes every kTurn, so that the share of a node whose server is down waits
// at most that long.
struct ClaimShare {
  static constexpr absl::Duration kTurn = absl::Seconds(5);
  int share = 0, count = 1;
};

// The share of `node`'s servers now; none for a database of one node.
std::optional<ClaimShare> OwnShare(storage::ClusterNode node, absl::Time now);

// Leases up to `max_count` revisits of `scope` that are due now and inside
// their channel's hours in the customer's zone now: highest priority first,
// then the longest due (within a level, from where this server's last claim
// stopped: see ClaimCursors), from the node's own share first (see
// ClaimShare). On the way it moves those outside their hours to
// their next opening, gives up on expired ones and stops those whose customer
// can no longer be reached on their channel (telling `flow`, if given).
// A claim run again after a conflict (attempt 2 on) on a cluster claims only
// from its own share. Returns the leased ids.
std::vector<long long> ClaimDue(storage::Transaction& tx, const ClaimScope& scope,
                                const scheduler::ContactPolicy& policy, const LeaseGrant& grant, int max_count,
                                long long now_us, ClaimCursors& cursors, FlowObserver* flow = nullptr);

// At most once a second per server, a claim first puts lapsed leases back
// (the maintenance loop does it too, but only every minute).
class LapsedLeaseSweeps {
 public:
  bool Due(absl::Time now) {
    long long now_us = absl::ToUnixMicros(now), next = next_us_.load();
    return now_us >= next && next_us_.compare_exchange_strong(next, now_us + 1'000'000);
  }

 private:
  std::atomic<long long> next_us_{0};
};

// Puts up to `limit` revisits whose lease has ended back as planned, with no
// attempt counted (a dialer or gateway that vanished), of `share` if given;
// returns how many.
int ReturnLapsedLeases(storage::Transaction& tx, long long now_us, int limit,
                       std::optional<ClaimShare> share = std::nullopt);

// A leased revisit's row, locked, as a lease holder's request finds it.
struct LeasedRow {
  long long customer_id = 0, lease_expires_us = 0, expires_us = 0;
  int channel = 0, state = 0, attempts = 0, max_attempts = 0;
  std::string lease_hash, lease_holder, rule_id;
};

absl::Status NotFound(LeaseKind kind, long long id);

// NOT_FOUND, or FAILED_PRECONDITION for a revisit of the other kind.
absl::StatusOr<LeasedRow> LockLeased(storage::Transaction& tx, LeaseKind kind, long long id);

// Whether `hash` held the lease of a revisit whose survey the customer
// answered online meanwhile: the answer completes the revisit but keeps the
// lease's token on it, so that the holder's report of the call or the
// delivery is still taken and recorded (once), though nothing follows from it.
bool EndedByAnswer(const LeasedRow& row, const std::string& hash);
// The state reason of a revisit its survey's online answer completed.
inline constexpr char kAnsweredOnline[] = "answered online";

// Checks that `hash` (of the request's token) holds the revisit's lease now.
absl::Status CheckLease(const LeasedRow& row, LeaseKind kind, long long id, const std::string& hash, long long now_us);

// The stored hash a token must match: INVALID_ARGUMENT if it is no token of this revisit.
absl::StatusOr<std::string> HashOfToken(const std::string& token, LeaseKind kind, long long id);

// Locks a revisit whose lease `token` holds now: LockLeased, HashOfToken and
// CheckLease in turn, with their errors.
absl::StatusOr<LeasedRow> LockHeld(storage::Transaction& tx, LeaseKind kind, long long id, const std::string& token,
                                   long long now_us);

// Puts a leased revisit back as planned, its lease ended, with no attempt counted.
void PutBack(storage::Transaction& tx, long long id, long long now_us);

// How messages and reasons name a channel: phone, SMS, IM, email.
const char* ChannelWord(int channel);

}  // namespace satisfaction::leases

#endif  // SATISFACTION_SERVICES_LEASES_REVISIT_LEASES_H_
