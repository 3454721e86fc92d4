#ifndef SATISFACTION_SERVICES_COMMON_FIELD_CHECKS_H_
#define SATISFACTION_SERVICES_COMMON_FIELD_CHECKS_H_

#include <google/protobuf/timestamp.pb.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace satisfaction {

// INVALID_ARGUMENT "field: why": how every request field error reads.
absl::Status FieldError(absl::string_view field, absl::string_view why);

// Checks a time a shop reports as having happened (an order placed, an event):
// present, a valid timestamp, and not more than a day after `now` (clocks
// differ a little, days do not).
absl::Status CheckReportedTime(absl::string_view field, bool present, const google::protobuf::Timestamp& time,
                               absl::Time now);

}  // namespace satisfaction

#endif  // SATISFACTION_SERVICES_COMMON_FIELD_CHECKS_H_
