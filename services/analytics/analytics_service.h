#ifndef SATISFACTION_SERVICES_ANALYTICS_ANALYTICS_SERVICE_H_
#define SATISFACTION_SERVICES_ANALYTICS_ANALYTICS_SERVICE_H_

#include "satisfaction/v1/analytics.grpc.pb.h"
#include "services/analytics/response_export.h"
#include "services/analytics/response_funnel.h"
#include "services/analytics/satisfaction_reports.h"

namespace satisfaction::analytics {

// The gRPC face of the satisfaction figures: validates, checks the deadline,
// then reads (or rebuilds) the aggregates.
class AnalyticsService final : public v1::AnalyticsService::Service {
 public:
  AnalyticsService(storage::Database& database, SatisfactionReports& reports, ResponseFunnel& funnel)
      : database_(database), reports_(reports), funnel_(funnel) {}

  grpc::Status GetSatisfaction(grpc::ServerContext* context, const v1::GetSatisfactionRequest* request,
                               v1::GetSatisfactionResponse* response) override;
  grpc::Status ExportResponses(grpc::ServerContext* context, const v1::ExportResponsesRequest* request,
                               grpc::ServerWriter<v1::ExportResponsesPage>* writer) override;
  grpc::Status GetResponseFunnel(grpc::ServerContext* context, const v1::GetResponseFunnelRequest* request,
                                 v1::GetResponseFunnelResponse* response) override;
  grpc::Status RebuildAggregates(grpc::ServerContext* context, const v1::RebuildAggregatesRequest* request,
                                 v1::RebuildAggregatesResponse* response) override;

 private:
  storage::Database& database_;
  SatisfactionReports& reports_;
  ResponseFunnel& funnel_;
};

}  // namespace satisfaction::analytics

#endif  // SATISFACTION_SERVICES_ANALYTICS_ANALYTICS_SERVICE_H_
