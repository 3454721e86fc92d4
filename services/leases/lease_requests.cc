#include "services/leases/lease_requests.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/field_checks.h"
#include "services/common/text_limits.h"

namespace satisfaction::leases {

absl::Status ValidateClaimCount(int max_count) {
  if (max_count < 1 || max_count > kMaxClaim) {
    return FieldError("max_count", absl::StrCat("must be 1 to ", kMaxClaim, "; got ", max_count));
  }
  return absl::OkStatus();
}

absl::StatusOr<absl::Duration> ValidateLeaseDuration(const char* field, bool present,
                                                     const google::protobuf::Duration& lease) {
  if (!present) return FieldError(field, "required");
  if (absl::Status s = CheckDuration(field, lease, kMinLease, kMaxLease); !s.ok()) return s;
  return FromProtoDuration(lease);
}

absl::StatusOr<long long> ValidateRevisitId(const char* field, const std::string& id, const char* noun) {
  long long value = 0;
  if (id.empty()) return FieldError(field, "required");
  if (!absl::SimpleAtoi(id, &value) || value <= 0) {
    return FieldError(field, absl::StrCat("not a ", noun, " id: ", Quote(id)));
  }
  return value;
}

absl::Status ValidateLeaseToken(const std::string& token) {
  if (token.empty()) return FieldError("lease_token", "required");
  return absl::OkStatus();
}

}  // namespace satisfaction::leases
