#ifndef SATISFACTION_SERVICES_LEASES_LEASE_REQUESTS_H_
#define SATISFACTION_SERVICES_LEASES_LEASE_REQUESTS_H_

#include <google/protobuf/duration.pb.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

// Checks of the fields that requests about leased revisits share; errors are
// INVALID_ARGUMENT naming the field.
namespace satisfaction::leases {

inline constexpr int kMaxClaim = 500;
inline constexpr absl::Duration kMinLease = absl::Seconds(10);
inline constexpr absl::Duration kMaxLease = absl::Hours(1);

// A claim's max_count: 1 to kMaxClaim.
absl::Status ValidateClaimCount(int max_count);

// Required, 10 seconds to 1 hour.
absl::StatusOr<absl::Duration> ValidateLeaseDuration(const char* field, bool present,
                                                     const google::protobuf::Duration& lease);

// A revisit's id as a callback or message id: a positive integer; `noun`
// ("callback", "message") words the error.
absl::StatusOr<long long> ValidateRevisitId(const char* field, const std::string& id, const char* noun);

// Present; whether it is the right one is the store's to say.
absl::Status ValidateLeaseToken(const std::string& token);

}  // namespace satisfaction::leases

#endif  // SATISFACTION_SERVICES_LEASES_LEASE_REQUESTS_H_
