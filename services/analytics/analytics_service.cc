#include "services/analytics/analytics_service.h"

#include "services/analytics/aggregate_rebuild.h"
#include "services/questionnaires/questionnaire_validation.h"

namespace satisfaction::analytics {

absl::StatusOr<v1::GetSatisfactionResponse> AnalyticsService::GetSatisfaction(
    const access::Caller& /*caller*/, const v1::GetSatisfactionRequest& request) {
  if (absl::Status s = ValidateSatisfactionRequest(request); !s.ok()) return s;
  return reports_.Get(request);
}

absl::Status AnalyticsService::ExportResponses(const access::Caller& /*caller*/,
                                               const v1::ExportResponsesRequest& request,
                                               MessageWriter<v1::ExportResponsesPage>& pages) {
  if (absl::Status s = ValidateExportRequest(request); !s.ok()) return s;
  return ResponseExport(database_).Export(request,
                                          [&pages](const v1::ExportResponsesPage& page) { return pages.Write(page); });
}

absl::StatusOr<v1::GetResponseFunnelResponse> AnalyticsService::GetResponseFunnel(
    const access::Caller& /*caller*/, const v1::GetResponseFunnelRequest& request) {
  if (absl::Status s = ValidateFunnelRequest(request); !s.ok()) return s;
  return funnel_.Get(request);
}

absl::StatusOr<v1::RebuildAggregatesResponse> AnalyticsService::RebuildAggregates(
    const access::Caller& /*caller*/, const v1::RebuildAggregatesRequest& request) {
  v1::RebuildAggregatesResponse response;
  if (absl::Status s = questionnaires::ValidateQuestionnaireRef("questionnaire_id", request.questionnaire_id());
      !s.ok()) {
    return s;
  }
  absl::StatusOr<RebuildCounts> counts = analytics::RebuildAggregates(database_, request.questionnaire_id());
  if (!counts.ok()) return counts.status();
  response.set_responses(counts->responses);
  response.set_buckets(counts->buckets);
  response.set_funnel_revisits(counts->funnel_revisits);
  return response;
}

}  // namespace satisfaction::analytics
