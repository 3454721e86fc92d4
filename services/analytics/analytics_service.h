#ifndef SATISFACTION_SERVICES_ANALYTICS_ANALYTICS_SERVICE_H_
#define SATISFACTION_SERVICES_ANALYTICS_ANALYTICS_SERVICE_H_

#include "satisfaction/v1/analytics.pb.h"
#include "services/access/access_policy.h"
#include "services/analytics/response_export.h"
#include "services/analytics/response_funnel.h"
#include "services/analytics/satisfaction_reports.h"
#include "services/common/handler_io.h"

namespace satisfaction::analytics {

// The handlers of AnalyticsService: validate, then read (or rebuild) the
// aggregates.
class AnalyticsService final {
 public:
  AnalyticsService(storage::Database& database, SatisfactionReports& reports, ResponseFunnel& funnel)
      : database_(database), reports_(reports), funnel_(funnel) {}

  absl::StatusOr<v1::GetSatisfactionResponse> GetSatisfaction(const access::Caller& caller,
                                                              const v1::GetSatisfactionRequest& request);
  absl::Status ExportResponses(const access::Caller& caller, const v1::ExportResponsesRequest& request,
                               MessageWriter<v1::ExportResponsesPage>& pages);
  absl::StatusOr<v1::GetResponseFunnelResponse> GetResponseFunnel(const access::Caller& caller,
                                                                  const v1::GetResponseFunnelRequest& request);
  absl::StatusOr<v1::RebuildAggregatesResponse> RebuildAggregates(const access::Caller& caller,
                                                                  const v1::RebuildAggregatesRequest& request);

 private:
  storage::Database& database_;
  SatisfactionReports& reports_;
  ResponseFunnel& funnel_;
};

}  // namespace satisfaction::analytics

#endif  // SATISFACTION_SERVICES_ANALYTICS_ANALYTICS_SERVICE_H_
