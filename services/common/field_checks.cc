#include "services/common/field_checks.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"

namespace satisfaction {

absl::Status FieldError(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

absl::Status CheckTimestamp(absl::string_view field, const google::protobuf::Timestamp& time) {
  // From 1970 to the end of 9999, so that microseconds cannot overflow.
  if (time.seconds() < 0 || time.seconds() > google::protobuf::util::TimeUtil::kTimestampMaxSeconds ||
      time.nanos() < 0 || time.nanos() > 999'999'999) {
    return FieldError(field, "not a valid time");
  }
  return absl::OkStatus();
}

absl::Status CheckReportedTime(absl::string_view field, bool present, const google::protobuf::Timestamp& time,
                               absl::Time now) {
  if (!present) return FieldError(field, "required");
  if (absl::Status s = CheckTimestamp(field, time); !s.ok()) return s;
  if (absl::FromUnixSeconds(time.seconds()) + absl::Nanoseconds(time.nanos()) > now + absl::Hours(24)) {
    return FieldError(field, "more than a day in the future");
  }
  return absl::OkStatus();
}

absl::Duration FromProtoDuration(const google::protobuf::Duration& duration) {
  return absl::Seconds(duration.seconds()) + absl::Nanoseconds(duration.nanos());
}

google::protobuf::Duration ToProtoDuration(absl::Duration duration) {
  return google::protobuf::util::TimeUtil::MicrosecondsToDuration(absl::ToInt64Microseconds(duration));
}

absl::Status CheckDuration(absl::string_view field, const google::protobuf::Duration& duration, absl::Duration min,
                           absl::Duration max) {
  if (duration.seconds() < 0 || duration.nanos() < 0 || duration.nanos() > 999'999'999) {
    return FieldError(field, "must not be negative");
  }
  absl::Duration value = FromProtoDuration(duration);
  if (value < min) return FieldError(field, absl::StrCat("at least ", absl::FormatDuration(min)));
  if (value > max) return FieldError(field, absl::StrCat("at most ", absl::FormatDuration(max)));
  return absl::OkStatus();
}

std::optional<absl::CivilSecond> ParseLocalDateTime(absl::string_view text) {
  std::string normalised(text);
  if (normalised.size() == 19 && normalised[10] == ' ') normalised[10] = 'T';
  absl::CivilSecond time;
  // Formatting gives the text back only for a real date and time.
  if (!absl::ParseCivilTime(normalised, &time) || absl::FormatCivilTime(time) != normalised) return std::nullopt;
  return time;
}

}  // namespace satisfaction
