#include "services/server/grpc_services.h"

namespace satisfaction::server {

std::unique_ptr<rpc::AdmittedService> AccessGrpcService(access::AccessService& service, rpc::CallGate& gate) {
  using access::AccessService;
  auto grpc_service = std::make_unique<rpc::AdmittedService>("satisfaction.v1.AccessService", gate);
  grpc_service->Unary("CreateApiKey", service, &AccessService::CreateApiKey)
      .Unary("ListApiKeys", service, &AccessService::ListApiKeys)
      .Unary("RevokeApiKey", service, &AccessService::RevokeApiKey)
      .Unary("ListAuditEvents", service, &AccessService::ListAuditEvents);
  return grpc_service;
}

std::unique_ptr<rpc::AdmittedService> QuestionnaireGrpcService(questionnaires::QuestionnaireService& service,
                                                               rpc::CallGate& gate) {
  using questionnaires::QuestionnaireService;
  auto grpc_service = std::make_unique<rpc::AdmittedService>("satisfaction.v1.QuestionnaireService", gate);
  grpc_service->Unary("CreateQuestionnaire", service, &QuestionnaireService::CreateQuestionnaire)
      .Unary("UpdateQuestionnaireDraft", service, &QuestionnaireService::UpdateQuestionnaireDraft)
      .Unary("PublishQuestionnaire", service, &QuestionnaireService::PublishQuestionnaire)
      .Unary("CreateQuestionnaireVersion", service, &QuestionnaireService::CreateQuestionnaireVersion)
      .Unary("GetQuestionnaire", service, &QuestionnaireService::GetQuestionnaire)
      .Unary("ListQuestionnaires", service, &QuestionnaireService::ListQuestionnaires)
      .Unary("ArchiveQuestionnaire", service, &QuestionnaireService::ArchiveQuestionnaire);
  return grpc_service;
}

std::unique_ptr<rpc::AdmittedService> CustomerGrpcService(customers::CustomerService& service, rpc::CallGate& gate) {
  using customers::CustomerService;
  auto grpc_service = std::make_unique<rpc::AdmittedService>("satisfaction.v1.CustomerService", gate);
  grpc_service->Unary("UpsertCustomer", service, &CustomerService::UpsertCustomer)
      .Unary("GetCustomer", service, &CustomerService::GetCustomer)
      .Unary("ListCustomers", service, &CustomerService::ListCustomers)
      .ClientStream("ImportCustomers", service, &CustomerService::ImportCustomers)
      .Unary("RecordOrder", service, &CustomerService::RecordOrder)
      .Unary("AddDoNotCall", service, &CustomerService::AddDoNotCall)
      .Unary("RemoveDoNotCall", service, &CustomerService::RemoveDoNotCall)
      .Unary("ListDoNotCall", service, &CustomerService::ListDoNotCall)
      .Unary("GetClassificationSettings", service, &CustomerService::GetClassificationSettings)
      .Unary("UpdateClassificationSettings", service, &CustomerService::UpdateClassificationSettings);
  return grpc_service;
}

std::unique_ptr<rpc::AdmittedService> RevisitPolicyGrpcService(revisits::RevisitPolicyService& service,
                                                               rpc::CallGate& gate) {
  using revisits::RevisitPolicyService;
  auto grpc_service = std::make_unique<rpc::AdmittedService>("satisfaction.v1.RevisitPolicyService", gate);
  grpc_service->Unary("CreateRevisitRule", service, &RevisitPolicyService::CreateRevisitRule)
      .Unary("UpdateRevisitRule", service, &RevisitPolicyService::UpdateRevisitRule)
      .Unary("GetRevisitRule", service, &RevisitPolicyService::GetRevisitRule)
      .Unary("ListRevisitRules", service, &RevisitPolicyService::ListRevisitRules)
      .Unary("DisableRevisitRule", service, &RevisitPolicyService::DisableRevisitRule)
      .Unary("GetContactPolicy", service, &RevisitPolicyService::GetContactPolicy)
      .Unary("UpdateContactPolicy", service, &RevisitPolicyService::UpdateContactPolicy);
  return grpc_service;
}

std::unique_ptr<rpc::AdmittedService> RevisitGrpcService(revisits::RevisitService& service, rpc::CallGate& gate) {
  using revisits::RevisitService;
  auto grpc_service = std::make_unique<rpc::AdmittedService>("satisfaction.v1.RevisitService", gate);
  grpc_service->Unary("RecordEvent", service, &RevisitService::RecordEvent)
      .Unary("ListRevisits", service, &RevisitService::ListRevisits);
  return grpc_service;
}

std::unique_ptr<rpc::AdmittedService> CallbackGrpcService(callbacks::CallbackService& service, rpc::CallGate& gate) {
  using callbacks::CallbackService;
  auto grpc_service = std::make_unique<rpc::AdmittedService>("satisfaction.v1.CallbackService", gate);
  grpc_service->Unary("FetchDueCallbacks", service, &CallbackService::FetchDueCallbacks)
      .Unary("ReportDisposition", service, &CallbackService::ReportDisposition)
      .Unary("ReportDispositions", service, &CallbackService::ReportDispositions)
      .Unary("ExtendCallbackLease", service, &CallbackService::ExtendCallbackLease)
      .Unary("ReleaseCallback", service, &CallbackService::ReleaseCallback)
      .ServerStream("WatchCallbacks", service, &CallbackService::WatchCallbacks);
  return grpc_service;
}

std::unique_ptr<rpc::AdmittedService> MessageGrpcService(messages::MessageService& service, rpc::CallGate& gate) {
  using messages::MessageService;
  auto grpc_service = std::make_unique<rpc::AdmittedService>("satisfaction.v1.MessageService", gate);
  grpc_service->Unary("FetchOutbox", service, &MessageService::FetchOutbox)
      .Unary("ReportDelivery", service, &MessageService::ReportDelivery)
      .Unary("ReleaseMessage", service, &MessageService::ReleaseMessage)
      .Unary("ReportReply", service, &MessageService::ReportReply)
      .Unary("GetMessageSettings", service, &MessageService::GetMessageSettings)
      .Unary("UpdateMessageSettings", service, &MessageService::UpdateMessageSettings);
  return grpc_service;
}

std::unique_ptr<rpc::AdmittedService> ResponseGrpcService(responses::ResponseService& service, rpc::CallGate& gate) {
  using responses::ResponseService;
  auto grpc_service = std::make_unique<rpc::AdmittedService>("satisfaction.v1.ResponseService", gate);
  grpc_service->AsyncUnary("SubmitResponse", service, &ResponseService::SubmitResponse)
      .Unary("GetResponse", service, &ResponseService::GetResponse);
  return grpc_service;
}

std::unique_ptr<rpc::AdmittedService> AnalyticsGrpcService(analytics::AnalyticsService& service, rpc::CallGate& gate) {
  using analytics::AnalyticsService;
  auto grpc_service = std::make_unique<rpc::AdmittedService>("satisfaction.v1.AnalyticsService", gate);
  grpc_service->Unary("GetSatisfaction", service, &AnalyticsService::GetSatisfaction)
      .ServerStream("ExportResponses", service, &AnalyticsService::ExportResponses)
      .Unary("GetResponseFunnel", service, &AnalyticsService::GetResponseFunnel)
      .Unary("RebuildAggregates", service, &AnalyticsService::RebuildAggregates);
  return grpc_service;
}

}  // namespace satisfaction::server
