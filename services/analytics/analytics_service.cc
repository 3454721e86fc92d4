#include "services/analytics/analytics_service.h"

#include "services/access/admission.h"
#include "services/analytics/aggregate_rebuild.h"
#include "services/common/grpc_status.h"
#include "services/common/request_checks.h"
#include "services/questionnaires/questionnaire_validation.h"

namespace satisfaction::analytics {

grpc::Status AnalyticsService::GetSatisfaction(grpc::ServerContext* context, const v1::GetSatisfactionRequest* request,
                                               v1::GetSatisfactionResponse* response) {
  absl::StatusOr<access::Caller> caller = access::AdmittedCaller(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (absl::Status s = ValidateSatisfactionRequest(*request); !s.ok()) return ToGrpcStatus(s);
  if (absl::Status s = CheckCallerStillWaiting(*context); !s.ok()) return ToGrpcStatus(s);
  return Reply(reports_.Get(*request), response);
}

grpc::Status AnalyticsService::ExportResponses(grpc::ServerContext* context, const v1::ExportResponsesRequest* request,
                                               grpc::ServerWriter<v1::ExportResponsesPage>* writer) {
  absl::StatusOr<access::Caller> caller = access::AdmittedCaller(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (absl::Status s = ValidateExportRequest(*request); !s.ok()) return ToGrpcStatus(s);
  if (absl::Status s = CheckCallerStillWaiting(*context); !s.ok()) return ToGrpcStatus(s);
  return ToGrpcStatus(ResponseExport(database_).Export(
      *request, [&](const v1::ExportResponsesPage& page) { return !context->IsCancelled() && writer->Write(page); }));
}

grpc::Status AnalyticsService::GetResponseFunnel(grpc::ServerContext* context,
                                                 const v1::GetResponseFunnelRequest* request,
                                                 v1::GetResponseFunnelResponse* response) {
  absl::StatusOr<access::Caller> caller = access::AdmittedCaller(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (absl::Status s = ValidateFunnelRequest(*request); !s.ok()) return ToGrpcStatus(s);
  if (absl::Status s = CheckCallerStillWaiting(*context); !s.ok()) return ToGrpcStatus(s);
  return Reply(funnel_.Get(*request), response);
}

grpc::Status AnalyticsService::RebuildAggregates(grpc::ServerContext* context,
                                                 const v1::RebuildAggregatesRequest* request,
                                                 v1::RebuildAggregatesResponse* response) {
  absl::StatusOr<access::Caller> caller = access::AdmittedCaller(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (absl::Status s = questionnaires::ValidateQuestionnaireRef("questionnaire_id", request->questionnaire_id());
      !s.ok()) {
    return ToGrpcStatus(s);
  }
  if (absl::Status s = CheckCallerStillWaiting(*context); !s.ok()) return ToGrpcStatus(s);
  absl::StatusOr<RebuildCounts> counts = analytics::RebuildAggregates(database_, request->questionnaire_id());
  if (!counts.ok()) return ToGrpcStatus(counts.status());
  response->set_responses(counts->responses);
  response->set_buckets(counts->buckets);
  return grpc::Status::OK;
}

}  // namespace satisfaction::analytics
