#ifndef SATISFACTION_SERVICES_COMMON_FIELD_CHECKS_H_
#define SATISFACTION_SERVICES_COMMON_FIELD_CHECKS_H_

#include <google/protobuf/duration.pb.h>
#include <google/protobuf/timestamp.pb.h>

#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace satisfaction {

// INVALID_ARGUMENT "field: why": how every request field error reads.
absl::Status FieldError(absl::string_view field, absl::string_view why);

// A timestamp between 1970 and the end of 9999, with valid nanoseconds.
absl::Status CheckTimestamp(absl::string_view field, const google::protobuf::Timestamp& time);

// Checks a time a shop reports as having happened (an order placed, an event):
// present, a valid timestamp, and not more than a day after `now` (clocks
// differ a little, days do not).
absl::Status CheckReportedTime(absl::string_view field, bool present, const google::protobuf::Timestamp& time,
                               absl::Time now);

// A local date and time as shop systems write it: "YYYY-MM-DDTHH:MM:SS", or
// with a space for the T. Nothing if the text is not exactly that or names no
// real time of day (2026-02-30, 24:00:00).
std::optional<absl::CivilSecond> ParseLocalDateTime(absl::string_view text);

absl::Duration FromProtoDuration(const google::protobuf::Duration& duration);
google::protobuf::Duration ToProtoDuration(absl::Duration duration);

// INVALID_ARGUMENT naming `field` unless `duration` is a valid duration within
// [min, max].
absl::Status CheckDuration(absl::string_view field, const google::protobuf::Duration& duration, absl::Duration min,
                           absl::Duration max);

}  // namespace satisfaction

#endif  // SATISFACTION_SERVICES_COMMON_FIELD_CHECKS_H_
