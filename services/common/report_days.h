#ifndef SATISFACTION_SERVICES_COMMON_REPORT_DAYS_H_
#define SATISFACTION_SERVICES_COMMON_REPORT_DAYS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

// The operator's days as responses and aggregates store them: YYYYMMDD
// numbers, which sort and compare as the days do.
namespace satisfaction {

inline int ReportDayNumber(absl::CivilDay day) {
  return static_cast<int>(day.year() * 10000 + day.month() * 100 + day.day());
}

inline absl::CivilDay CivilDayOf(int report_day) {
  return absl::CivilDay(report_day / 10000, report_day / 100 % 100, report_day % 100);
}

// "YYYY-MM-DD" exactly, and a day that exists.
inline bool ParseReportDay(absl::string_view text, absl::CivilDay* day) {
  return text.size() == 10 && absl::ParseCivilTime(text, day);
}

}  // namespace satisfaction

#endif  // SATISFACTION_SERVICES_COMMON_REPORT_DAYS_H_
