#ifndef SATISFACTION_SERVICES_SERVER_GRPC_SERVICES_H_
#define SATISFACTION_SERVICES_SERVER_GRPC_SERVICES_H_

#include <memory>

#include "services/access/access_service.h"
#include "services/analytics/analytics_service.h"
#include "services/callbacks/callback_service.h"
#include "services/customers/customer_service.h"
#include "services/messages/message_service.h"
#include "services/questionnaires/questionnaire_service.h"
#include "services/responses/response_service.h"
#include "services/revisits/revisit_policy_service.h"
#include "services/revisits/revisit_service.h"
#include "services/rpc/admitted_service.h"

// Each area's handlers bound to the methods of its gRPC service, every one
// through the CallGate.
namespace satisfaction::server {

std::unique_ptr<rpc::AdmittedService> AccessGrpcService(access::AccessService& service, rpc::CallGate& gate);
std::unique_ptr<rpc::AdmittedService> QuestionnaireGrpcService(questionnaires::QuestionnaireService& service,
                                                               rpc::CallGate& gate);
std::unique_ptr<rpc::AdmittedService> CustomerGrpcService(customers::CustomerService& service, rpc::CallGate& gate);
std::unique_ptr<rpc::AdmittedService> RevisitPolicyGrpcService(revisits::RevisitPolicyService& service,
                                                               rpc::CallGate& gate);
std::unique_ptr<rpc::AdmittedService> RevisitGrpcService(revisits::RevisitService& service, rpc::CallGate& gate);
std::unique_ptr<rpc::AdmittedService> CallbackGrpcService(callbacks::CallbackService& service, rpc::CallGate& gate);
std::unique_ptr<rpc::AdmittedService> MessageGrpcService(messages::MessageService& service, rpc::CallGate& gate);
std::unique_ptr<rpc::AdmittedService> ResponseGrpcService(responses::ResponseService& service, rpc::CallGate& gate);
std::unique_ptr<rpc::AdmittedService> AnalyticsGrpcService(analytics::AnalyticsService& service, rpc::CallGate& gate);

}  // namespace satisfaction::server

#endif  // SATISFACTION_SERVICES_SERVER_GRPC_SERVICES_H_
