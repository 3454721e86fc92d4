#include "services/analytics/analytics_service.h"

#include "services/common/grpc_status.h"
#include "services/common/request_checks.h"

namespace satisfaction::analytics {

grpc::Status AnalyticsService::GetSatisfaction(grpc::ServerContext* context, const v1::GetSatisfactionRequest* request,
                                               v1::GetSatisfactionResponse* response) {
  if (absl::Status s = ValidateSatisfactionRequest(*request); !s.ok()) return ToGrpcStatus(s);
  if (absl::Status s = CheckCallerStillWaiting(*context); !s.ok()) return ToGrpcStatus(s);
  return Reply(reports_.Get(*request), response);
}

}  // namespace satisfaction::analytics
