#ifndef SATISFACTION_SERVICES_ANALYTICS_SATISFACTION_REPORTS_H_
#define SATISFACTION_SERVICES_ANALYTICS_SATISFACTION_REPORTS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "satisfaction/v1/analytics.pb.h"
#include "services/storage/database.h"

namespace satisfaction::analytics {

inline constexpr int kMaxReportDays = 1100;
inline constexpr int kMaxGroups = 10000;
inline constexpr int kDefaultMinResponses = 30;

// Checks what needs no database: the questionnaire named, the days (parsed,
// in order, at most kMaxReportDays), the groupings (known, each once, one
// period at most), the filters' values. INVALID_ARGUMENT naming the field.
absl::Status ValidateSatisfactionRequest(const v1::GetSatisfactionRequest& request);

// Satisfaction figures read from the response aggregates (response_rollups):
// one query over the buckets of the range, folded into groups here.
class SatisfactionReports {
 public:
  // Days are the operator's, in the zone named `time_zone` (the one the
  // aggregates were counted in).
  SatisfactionReports(storage::Database& database, std::string time_zone)
      : database_(database), time_zone_(std::move(time_zone)) {}

  // For a validated request. NOT_FOUND for an unknown questionnaire or
  // version; INVALID_ARGUMENT naming group_by when the grouping would give
  // more than kMaxGroups groups.
  absl::StatusOr<v1::GetSatisfactionResponse> Get(const v1::GetSatisfactionRequest& request);

 private:
  storage::Database& database_;
  const std::string time_zone_;
};

}  // namespace satisfaction::analytics

#endif  // SATISFACTION_SERVICES_ANALYTICS_SATISFACTION_REPORTS_H_
