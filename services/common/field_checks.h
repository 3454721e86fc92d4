#ifndef SATISFACTION_SERVICES_COMMON_FIELD_CHECKS_H_
#define SATISFACTION_SERVICES_COMMON_FIELD_CHECKS_H_

#include <google/protobuf/duration.pb.h>
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

absl::Duration FromProtoDuration(const google::protobuf::Duration& duration);
google::protobuf::Duration ToProtoDuration(absl::Duration duration);

// INVALID_ARGUMENT naming `field` unless `duration` is a valid duration within
// [min, max].
absl::Status CheckDuration(absl::string_view field, const google::protobuf::Duration& duration, absl::Duration min,
                           absl::Duration max);

}  // namespace satisfaction

#endif  // SATISFACTION_SERVICES_COMMON_FIELD_CHECKS_H_
