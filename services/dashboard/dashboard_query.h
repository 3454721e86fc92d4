#ifndef SATISFACTION_SERVICES_DASHBOARD_DASHBOARD_QUERY_H_
#define SATISFACTION_SERVICES_DASHBOARD_DASHBOARD_QUERY_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "satisfaction/v1/analytics.pb.h"
#include "services/http/form_fields.h"

namespace satisfaction::dashboard {

// How a questionnaire's page is asked for, from its query string:
//   from, to  the range shown, YYYY-MM-DD, both included (default: the 28
//             days to today);
//   compare   previous (default: the same number of days just before),
//             year (the same days a year before) or none;
//   by        day, week or month: the trend's periods (default: by day up
//             to 62 days, by week up to 366, by month beyond);
//   weight    registry: the headline also weighted to the registry's mix of
//             customer types (default: none);
//   lang      zh-CN or en (default: the browser's).
struct DashboardQuery {
  absl::CivilDay first_day, last_day;
  enum class Compare { kPrevious, kYear, kNone } compare = Compare::kPrevious;
  absl::CivilDay compare_first_day, compare_last_day;
  v1::Grouping period = v1::GROUPING_DAY;
  bool weighted = false;
  std::string language;

  bool comparing() const { return compare != Compare::kNone; }
  // The query string that asks for this view, with `language` instead.
  std::string QueryString(const std::string& other_language) const;
  std::string QueryString() const { return QueryString(language); }
};

// The longest query string the dashboard reads (its own links are under
// 100 bytes).
inline constexpr size_t kMaxQueryBytes = 512;

// INVALID_ARGUMENT naming the parameter: unknown parameters, values, a day
// that is not YYYY-MM-DD, `from` after `to`, a range (or its comparison)
// over the reports' longest, or before year 2000.
absl::StatusOr<DashboardQuery> ParseDashboardQuery(const http::FormFields& fields, absl::CivilDay today,
                                                   const std::string& browser_language);

std::string DayText(absl::CivilDay day);

}  // namespace satisfaction::dashboard

#endif  // SATISFACTION_SERVICES_DASHBOARD_DASHBOARD_QUERY_H_
