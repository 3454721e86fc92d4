#include "services/dashboard/dashboard_query.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/analytics/satisfaction_reports.h"
#include "services/common/report_days.h"

namespace satisfaction::dashboard {
namespace {

constexpr int kDefaultDays = 28;
constexpr int kDailyUpTo = 62, kWeeklyUpTo = 366;
const absl::CivilDay kEarliestDay(2000, 1, 1);

absl::Status Refuse(absl::string_view parameter, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(parameter, ": ", why));
}

absl::StatusOr<absl::CivilDay> ParseDay(const http::FormFields& fields, absl::string_view name,
                                        absl::CivilDay fallback) {
  std::optional<std::string> text = http::FieldValue(fields, name);
  if (!text) return fallback;
  absl::CivilDay day;
  if (!ParseReportDay(*text, &day)) return Refuse(name, "expected a day as YYYY-MM-DD");
  if (day < kEarliestDay) return Refuse(name, "expected a day in 2000 or later");
  return day;
}

// The same day of the month a year before (28 February for 29 February).
absl::CivilDay YearBefore(absl::CivilDay day) {
  absl::CivilDay before(day.year() - 1, day.month(), day.day());
  return before.month() == day.month() ? before : absl::CivilDay(day.year() - 1, day.month(), 28);
}

}  // namespace

std::string DayText(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

std::string DashboardQuery::QueryString(const std::string& other_language) const {
  const char* compare_text = compare == Compare::kPrevious ? "previous" : compare == Compare::kYear ? "year" : "none";
  const char* by = period == v1::GROUPING_MONTH ? "month" : period == v1::GROUPING_WEEK ? "week" : "day";
  return absl::StrCat("from=", DayText(first_day), "&to=", DayText(last_day), "&compare=", compare_text, "&by=", by,
                      weighted ? "&weight=registry" : "", "&lang=", other_language);
}

absl::StatusOr<DashboardQuery> ParseDashboardQuery(const http::FormFields& fields, absl::CivilDay today,
                                                   const std::string& browser_language) {
  for (const auto& [name, value] : fields) {
    if (name != "from" && name != "to" && name != "compare" && name != "by" && name != "weight" && name != "lang") {
      return Refuse(name.substr(0, 32), "unknown parameter; expected from, to, compare, by, weight or lang");
    }
  }
  DashboardQuery query;
  absl::StatusOr<absl::CivilDay> last = ParseDay(fields, "to", today);
  if (!last.ok()) return last.status();
  absl::StatusOr<absl::CivilDay> first = ParseDay(fields, "from", *last - (kDefaultDays - 1));
  if (!first.ok()) return first.status();
  if (*first > *last) return Refuse("from", "the range starts after it ends (to)");
  long days = *last - *first + 1;
  if (days > analytics::kMaxReportDays) {
    return Refuse("to", absl::StrCat("the range is over ", analytics::kMaxReportDays, " days"));
  }
  query.first_day = *first;
  query.last_day = *last;

  std::string compare = http::FieldValue(fields, "compare").value_or("previous");
  if (compare == "previous") {
    query.compare = DashboardQuery::Compare::kPrevious;
    query.compare_last_day = *first - 1;
    query.compare_first_day = *first - days;
  } else if (compare == "year") {
    query.compare = DashboardQuery::Compare::kYear;
    query.compare_first_day = YearBefore(*first);
    query.compare_last_day = YearBefore(*last);
  } else if (compare == "none") {
    query.compare = DashboardQuery::Compare::kNone;
  } else {
    return Refuse("compare", "expected previous, year or none");
  }
  if (query.comparing() && query.compare_first_day < kEarliestDay) {
    return Refuse("compare", "the comparison range starts before 2000");
  }

  std::optional<std::string> by = http::FieldValue(fields, "by");
  if (!by) {
    query.period = days <= kDailyUpTo ? v1::GROUPING_DAY : days <= kWeeklyUpTo ? v1::GROUPING_WEEK : v1::GROUPING_MONTH;
  } else if (*by == "day") {
    query.period = v1::GROUPING_DAY;
  } else if (*by == "week") {
    query.period = v1::GROUPING_WEEK;
  } else if (*by == "month") {
    query.period = v1::GROUPING_MONTH;
  } else {
    return Refuse("by", "expected day, week or month");
  }

  std::string weight = http::FieldValue(fields, "weight").value_or("none");
  if (weight != "none" && weight != "registry") return Refuse("weight", "expected registry or none");
  query.weighted = weight == "registry";

  std::string language = http::FieldValue(fields, "lang").value_or(browser_language);
  if (language != "zh-CN" && language != "en") return Refuse("lang", "expected zh-CN or en");
  query.language = language;
  return query;
}

}  // namespace satisfaction::dashboard
