#ifndef SATISFACTION_SERVICES_LEASES_REVISIT_LEASES_H_
#define SATISFACTION_SERVICES_LEASES_REVISIT_LEASES_H_

#include <soci/soci.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "satisfaction/v1/revisit.pb.h"
#include "scheduler/revisit_planner.h"

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
// after binding `before` to its earlier placeholders.
void ExecuteForIds(soci::session& session, const std::string& sql, std::vector<long long>& ids,
                   const std::function<void(soci::statement&)>& before = nullptr);

// The zone, or UTC for a name that does not load (customers' zones are validated).
absl::TimeZone ZoneOf(const std::string& name);

// Which planned revisits a claimant may take, as SQL over the revisits table.
struct ClaimScope {
  // Conditions after "WHERE state = :state AND ".
  std::string where;
  // The leading conditions of an index ending in (priority, due_at_us), for
  // the priority levels.
  std::string levels_where;
  // Binds the placeholders of `where`, or of `levels_where` when `levels`.
  std::function<void(soci::statement&, bool levels)> bind;
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

absl::flat_hash_map<long long, Reachability> LoadReachability(soci::session& session,
                                                              std::vector<long long> customer_ids);

// Leases up to `max_count` revisits of `scope` that are due now and inside
// their channel's hours in the customer's zone now: highest priority first,
// then the longest due. On the way it moves those outside their hours to
// their next opening, gives up on expired ones and stops those whose customer
// can no longer be reached on their channel. Returns the leased ids.
std::vector<long long> ClaimDue(soci::session& session, const ClaimScope& scope, const scheduler::ContactPolicy& policy,
                                const LeaseGrant& grant, int max_count, long long now_us);

// Puts up to `limit` revisits whose lease has ended back as planned, with no
// attempt counted (a dialer or gateway that vanished); returns how many.
int ReturnLapsedLeases(soci::session& session, long long now_us, int limit);

// A leased revisit's row, locked, as a lease holder's request finds it.
struct LeasedRow {
  long long customer_id = 0, lease_expires_us = 0, expires_us = 0;
  int channel = 0, state = 0, attempts = 0, max_attempts = 0;
  std::string lease_hash, lease_holder, rule_id;
};

absl::Status NotFound(LeaseKind kind, long long id);

// NOT_FOUND, or FAILED_PRECONDITION for a revisit of the other kind.
absl::StatusOr<LeasedRow> LockLeased(soci::session& session, LeaseKind kind, long long id);

// Checks that `hash` (of the request's token) holds the revisit's lease now.
absl::Status CheckLease(const LeasedRow& row, LeaseKind kind, long long id, const std::string& hash, long long now_us);

// The stored hash a token must match: INVALID_ARGUMENT if it is no token of this revisit.
absl::StatusOr<std::string> HashOfToken(const std::string& token, LeaseKind kind, long long id);

}  // namespace satisfaction::leases

#endif  // SATISFACTION_SERVICES_LEASES_REVISIT_LEASES_H_
