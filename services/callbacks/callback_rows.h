#ifndef SATISFACTION_SERVICES_CALLBACKS_CALLBACK_ROWS_H_
#define SATISFACTION_SERVICES_CALLBACKS_CALLBACK_ROWS_H_

#include <soci/soci.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "satisfaction/v1/callback.pb.h"

// Reading and locking callback rows: what fetching and reporting share.
namespace satisfaction::callbacks::rows {

inline constexpr int kPhone = v1::CHANNEL_PHONE;
inline constexpr int kPlanned = v1::REVISIT_STATE_PLANNED;
inline constexpr int kLeased = v1::REVISIT_STATE_LEASED;

// The SET clause that ends a callback's lease.
inline constexpr char kNoLease[] = "lease_token_hash = '', lease_holder = '', lease_expires_at_us = 0";

// Runs `sql`, which ends in an IN list of `ids` (named by storage::Placeholders("i", n)),
// after binding `before` to its earlier placeholders.
void ExecuteForIds(soci::session& session, const std::string& sql, std::vector<long long>& ids,
                   const std::function<void(soci::statement&)>& before = nullptr);

// The zone, or UTC for a name that does not load (customers' zones are validated).
absl::TimeZone ZoneOf(const std::string& name);

v1::CallAttempt AttemptProto(int number, int outcome, const std::string& agent, const std::string& notes,
                             long long reported_us);

// The callbacks with these ids as a dialer sees them, with their earlier
// attempts, in the order given.
std::vector<v1::Callback> LoadCallbacks(soci::session& session, std::vector<long long> ids);

// A callback's row, locked, as a lease holder's request finds it.
struct LeasedRow {
  long long customer_id = 0, lease_expires_us = 0, expires_us = 0;
  int channel = 0, state = 0, attempts = 0, max_attempts = 0;
  std::string lease_hash, lease_holder, rule_id;
};

absl::Status NotFound(long long id);

// NOT_FOUND, or FAILED_PRECONDITION for a message revisit.
absl::StatusOr<LeasedRow> LockCallback(soci::session& session, long long id);

// Checks that `hash` (of the request's token) holds the callback's lease now.
absl::Status CheckLease(const LeasedRow& row, long long id, const std::string& hash, long long now_us);

// The stored hash a token must match: INVALID_ARGUMENT if it is no token of this callback.
absl::StatusOr<std::string> HashOfToken(const std::string& token, long long id);

}  // namespace satisfaction::callbacks::rows

#endif  // SATISFACTION_SERVICES_CALLBACKS_CALLBACK_ROWS_H_
