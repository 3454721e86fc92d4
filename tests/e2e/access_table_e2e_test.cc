// Who may call what, end to end: every RPC of satisfaction.v1, called through
// a real gRPC channel as every role, with no key, a wrong key and a revoked
// key, must be allowed or refused exactly as the table below says. The table
// is written out here, apart from the server's own (access_policy.cc), so that
// a change to either shows up as a failure.
#include <google/protobuf/descriptor.h>
#include <grpcpp/grpcpp.h>

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "satisfaction/v1/access.grpc.pb.h"
#include "satisfaction/v1/agent.grpc.pb.h"
#include "satisfaction/v1/analytics.grpc.pb.h"
#include "satisfaction/v1/callback.grpc.pb.h"
#include "satisfaction/v1/customer.grpc.pb.h"
#include "satisfaction/v1/message.grpc.pb.h"
#include "satisfaction/v1/questionnaire.grpc.pb.h"
#include "satisfaction/v1/response.grpc.pb.h"
#include "satisfaction/v1/revisit.grpc.pb.h"
#include "satisfaction/v1/revisit_policy.grpc.pb.h"
#include "tests/e2e/access_test_keys.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/generic_call.h"

namespace satisfaction {
namespace {

enum Caller { kAdmin, kOperator, kDialer, kGateway, kAnalyst, kNoKey, kWrongKey, kRevokedKey };

std::string CallerName(Caller caller) {
  switch (caller) {
    case kAdmin:
      return "admin";
    case kOperator:
      return "operator";
    case kDialer:
      return "dialer";
    case kGateway:
      return "gateway";
    case kAnalyst:
      return "analyst";
    case kNoKey:
      return "no key";
    case kWrongKey:
      return "a wrong key";
    case kRevokedKey:
      return "a revoked key";
  }
  return "?";
}

// Besides admin, who may call each method.
const std::map<std::string, std::set<Caller>>& Expected() {
  static const auto* expected = new std::map<std::string, std::set<Caller>>{
      {"AccessService/CreateApiKey", {}},
      {"AccessService/ListApiKeys", {}},
      {"AccessService/RevokeApiKey", {}},
      {"AccessService/ListAuditEvents", {}},
      {"AgentService/CreateAgent", {kOperator}},
      {"AgentService/UpdateAgent", {kOperator}},
      {"AgentService/GetAgent", {kOperator, kDialer}},
      {"AgentService/ListAgents", {kOperator}},
      {"AgentService/SignIn", {kOperator, kDialer}},
      {"AgentService/SignOut", {kOperator, kDialer}},
      {"AgentService/SetAvailability", {kOperator, kDialer}},
      {"AgentService/GetQueueAssignment", {kOperator}},
      {"AgentService/UpdateQueueAssignment", {kOperator}},
      {"AgentService/ListQueueAssignments", {kOperator}},
      {"AnalyticsService/GetSatisfaction", {kAnalyst}},
      {"AnalyticsService/RebuildAggregates", {}},
      {"AnalyticsService/ExportResponses", {kAnalyst}},
      {"AnalyticsService/GetResponseFunnel", {kAnalyst}},
      {"CallbackService/FetchDueCallbacks", {kDialer}},
      {"CallbackService/ReportDisposition", {kDialer}},
      {"CallbackService/ReportDispositions", {kDialer}},
      {"CallbackService/ExtendCallbackLease", {kDialer}},
      {"CallbackService/ReleaseCallback", {kDialer}},
      {"CallbackService/WatchCallbacks", {kDialer}},
      {"CustomerService/UpsertCustomer", {kOperator}},
      {"CustomerService/GetCustomer", {kOperator}},
      {"CustomerService/ListCustomers", {kOperator}},
      {"CustomerService/ImportCustomers", {kOperator}},
      {"CustomerService/RecordOrder", {kOperator}},
      {"CustomerService/AddDoNotCall", {kOperator}},
      {"CustomerService/RemoveDoNotCall", {kOperator}},
      {"CustomerService/ListDoNotCall", {kOperator}},
      {"CustomerService/GetContactHistory", {kOperator, kDialer}},
      {"CustomerService/GetClassificationSettings", {kOperator}},
      {"CustomerService/UpdateClassificationSettings", {kOperator}},
      {"MessageService/FetchOutbox", {kGateway}},
      {"MessageService/ReportDelivery", {kGateway}},
      {"MessageService/ReleaseMessage", {kGateway}},
      {"MessageService/ReportReply", {kGateway}},
      {"MessageService/GetMessageSettings", {kOperator}},
      {"MessageService/UpdateMessageSettings", {kOperator}},
      {"QuestionnaireService/CreateQuestionnaire", {kOperator}},
      {"QuestionnaireService/UpdateQuestionnaireDraft", {kOperator}},
      {"QuestionnaireService/PublishQuestionnaire", {kOperator}},
      {"QuestionnaireService/CreateQuestionnaireVersion", {kOperator}},
      {"QuestionnaireService/GetQuestionnaire", {kOperator, kDialer, kAnalyst}},
      {"QuestionnaireService/ListQuestionnaires", {kOperator, kDialer, kAnalyst}},
      {"QuestionnaireService/ArchiveQuestionnaire", {kOperator}},
      {"ResponseService/SubmitResponse", {kDialer, kGateway}},
      {"ResponseService/GetResponse", {kOperator, kAnalyst}},
      {"RevisitService/RecordEvent", {kOperator}},
      {"RevisitService/ListRevisits", {kOperator}},
      {"RevisitPolicyService/CreateRevisitRule", {kOperator}},
      {"RevisitPolicyService/UpdateRevisitRule", {kOperator}},
      {"RevisitPolicyService/GetRevisitRule", {kOperator}},
      {"RevisitPolicyService/ListRevisitRules", {kOperator}},
      {"RevisitPolicyService/DisableRevisitRule", {kOperator}},
      {"RevisitPolicyService/GetContactPolicy", {kOperator}},
      {"RevisitPolicyService/UpdateContactPolicy", {kOperator}},
  };
  return *expected;
}

// Every method of every service in the API, as "Service/Method".
std::vector<std::string> ApiMethods() {
  std::vector<std::string> methods;
  for (const char* service : {v1::AccessService::service_full_name(), v1::AgentService::service_full_name(),
                              v1::AnalyticsService::service_full_name(), v1::CallbackService::service_full_name(),
                              v1::CustomerService::service_full_name(), v1::MessageService::service_full_name(),
                              v1::QuestionnaireService::service_full_name(), v1::ResponseService::service_full_name(),
                              v1::RevisitService::service_full_name(), v1::RevisitPolicyService::service_full_name()}) {
    const google::protobuf::ServiceDescriptor* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
    EXPECT_NE(descriptor, nullptr) << service;
    if (descriptor == nullptr) continue;
    for (int i = 0; i < descriptor->method_count(); ++i) {
      methods.push_back(absl::StrCat(descriptor->name(), "/", descriptor->method(i)->name()));
    }
  }
  return methods;
}

class AccessTableE2eTest : public test_support::E2eTest {};

TEST_P(AccessTableE2eTest, EveryMethodAsEveryCallerIsAllowedOrRefusedAsTheTableSays) {
  std::vector<std::string> methods = ApiMethods();
  ASSERT_EQ(methods.size(), Expected().size()) << "every method has a row in the table, and no more";
  std::map<Caller, std::shared_ptr<grpc::Channel>> channels = {
      {kAdmin, channel()},
      {kOperator, ChannelAs(v1::ROLE_OPERATOR)},
      {kDialer, ChannelAs(v1::ROLE_DIALER)},
      {kGateway, ChannelAs(v1::ROLE_GATEWAY)},
      {kAnalyst, ChannelAs(v1::ROLE_ANALYST)},
      {kNoKey, server_->ChannelWithKey("")},
      {kWrongKey, server_->ChannelWithKey("sat_not-a-key-this-server-ever-made-000000000")},
      {kRevokedKey, server_->ChannelWithKey(keys_->CreateRevoked(v1::ROLE_OPERATOR))},
  };

  for (const std::string& method : methods) {
    auto row = Expected().find(method);
    ASSERT_NE(row, Expected().end()) << method << " is missing from the table";
    for (const auto& [caller, channel] : channels) {
      grpc::Status status = test_support::GenericCall(channel, absl::StrCat("/satisfaction.v1.", method), "");
      std::string what =
          absl::StrCat(method, " as ", CallerName(caller), ": ", status.error_code(), " ", status.error_message());
      if (caller == kNoKey || caller == kWrongKey || caller == kRevokedKey) {
        EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << what;
      } else if (caller == kAdmin || row->second.contains(caller)) {
        EXPECT_NE(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << what;
        EXPECT_NE(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << what;
        EXPECT_NE(status.error_code(), grpc::StatusCode::UNIMPLEMENTED) << what;
      } else {
        EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << what;
      }
    }
  }
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(AccessTableE2eTest);

}  // namespace
}  // namespace satisfaction
