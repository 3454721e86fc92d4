#ifndef SATISFACTION_SERVICES_DASHBOARD_DASHBOARD_REPORT_H_
#define SATISFACTION_SERVICES_DASHBOARD_DASHBOARD_REPORT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "satisfaction/v1/analytics.pb.h"
#include "services/access/access_policy.h"
#include "services/analytics/analytics_service.h"
#include "services/dashboard/dashboard_query.h"
#include "services/dashboard/dashboard_text.h"
#include "services/dashboard/low_scores.h"
#include "services/storage/database.h"

namespace satisfaction::dashboard {

// Everything one questionnaire's page shows, read for one range.
struct DashboardReport {
  // The whole range as one group, with its comparison when asked; unset
  // when the range has no responses.
  std::optional<v1::SatisfactionGroup> headline;
  // By the query's period, every period of the range.
  std::vector<v1::SatisfactionGroup> trend;
  struct Breakdown {
    Phrase title;
    v1::Grouping grouping;
    std::vector<v1::SatisfactionGroup> groups;
  };
  // By customer type, channel, agent and dimension.
  std::vector<Breakdown> breakdowns;
  v1::GetResponseFunnelResponse funnel;
  std::optional<v1::GetResponseFunnelResponse> compare_funnel;
  std::vector<LowScore> low_scores;
  // How long each part took to read (headline, trend, by_customer_type,
  // ..., funnel, compare_funnel, low_scores): the page's Server-Timing.
  std::vector<std::pair<std::string, absl::Duration>> timings;
};

// How many low scores the page lists.
inline constexpr int kLowScoresShown = 10;

// Reads a page's figures through AnalyticsService's handlers, so that the
// dashboard shows what GetSatisfaction and GetResponseFunnel answer.
class DashboardReports {
 public:
  DashboardReports(analytics::AnalyticsService& analytics, storage::Database& database, absl::TimeZone zone)
      : analytics_(analytics), database_(database), zone_(zone) {}

  // NOT_FOUND for an unknown questionnaire; the handlers' errors otherwise.
  absl::StatusOr<DashboardReport> Read(const access::Caller& caller, const std::string& questionnaire_id,
                                       const DashboardQuery& query);

 private:
  analytics::AnalyticsService& analytics_;
  storage::Database& database_;
  const absl::TimeZone zone_;
};

}  // namespace satisfaction::dashboard

#endif  // SATISFACTION_SERVICES_DASHBOARD_DASHBOARD_REPORT_H_
