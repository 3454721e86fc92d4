#include "services/common/field_checks.h"

#include "absl/strings/str_cat.h"

namespace satisfaction {

absl::Status FieldError(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

absl::Status CheckReportedTime(absl::string_view field, bool present, const google::protobuf::Timestamp& time,
                               absl::Time now) {
  if (!present) return FieldError(field, "required");
  if (time.seconds() < 0 || time.nanos() < 0 || time.nanos() > 999'999'999)
    return FieldError(field, "not a valid time");
  if (absl::FromUnixSeconds(time.seconds()) + absl::Nanoseconds(time.nanos()) > now + absl::Hours(24)) {
    return FieldError(field, "more than a day in the future");
  }
  return absl::OkStatus();
}

}  // namespace satisfaction
