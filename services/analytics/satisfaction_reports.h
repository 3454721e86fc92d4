#ifndef SATISFACTION_SERVICES_ANALYTICS_SATISFACTION_REPORTS_H_
#define SATISFACTION_SERVICES_ANALYTICS_SATISFACTION_REPORTS_H_

#include <array>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "satisfaction/v1/analytics.pb.h"
#include "services/storage/database.h"

namespace satisfaction::analytics {

inline constexpr int kMaxReportDays = 1100;
inline constexpr int kMaxGroups = 10000;
inline constexpr int kDefaultMinResponses = 30;
// Values one filter list may name (an IN list each).
inline constexpr int kMaxFilterValues = 100;

// The checks reports share; INVALID_ARGUMENT naming the field.
// A questionnaire id, and a version (0 for all).
absl::Status ValidateReportQuestionnaire(const std::string& id, int version);
// Both days given as YYYY-MM-DD, in order, at most kMaxReportDays.
absl::Status ValidateReportDays(const std::string& first_day, const std::string& last_day);
// Known values, agent ids of at most 64 characters, context values within
// their lengths, at most kMaxFilterValues a list.
absl::Status ValidateSatisfactionFilter(const v1::SatisfactionFilter& filter);

// A filter's business context values: platforms, stores, product
// categories, couriers and causes, in that order.
using ContextFilter = std::array<std::vector<std::string>, 5>;
ContextFilter ContextFilterOf(const v1::SatisfactionFilter& filter);

// Checks what needs no database: the questionnaire named, the days, the
// groupings (known, each once, one period at most), the filter.
// INVALID_ARGUMENT naming the field.
absl::Status ValidateSatisfactionRequest(const v1::GetSatisfactionRequest& request);

// Satisfaction figures read from the response aggregates (response_rollups):
// one query over the buckets of the range, folded into groups here.
class SatisfactionReports {
 public:
  // Days are the operator's, in `zone` (the one the aggregates were counted in).
  SatisfactionReports(storage::Database& database, absl::TimeZone zone) : database_(database), zone_(zone) {}

  // For a validated request. NOT_FOUND for an unknown questionnaire or
  // version; INVALID_ARGUMENT naming group_by when the grouping would give
  // more than kMaxGroups groups.
  absl::StatusOr<v1::GetSatisfactionResponse> Get(const v1::GetSatisfactionRequest& request);

 private:
  storage::Database& database_;
  const absl::TimeZone zone_;
};

}  // namespace satisfaction::analytics

#endif  // SATISFACTION_SERVICES_ANALYTICS_SATISFACTION_REPORTS_H_
