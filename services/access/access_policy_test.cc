#include "services/access/access_policy.h"

#include <google/protobuf/descriptor.h>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "satisfaction/v1/agent.pb.h"
#include "satisfaction/v1/analytics.pb.h"
#include "satisfaction/v1/callback.pb.h"
#include "satisfaction/v1/customer.pb.h"
#include "satisfaction/v1/message.pb.h"
#include "satisfaction/v1/questionnaire.pb.h"
#include "satisfaction/v1/response.pb.h"
#include "satisfaction/v1/revisit.pb.h"
#include "satisfaction/v1/revisit_policy.pb.h"

namespace satisfaction::access {
namespace {

Caller As(v1::Role role, std::string queue = "", std::string agent = "") {
  return Caller{.key_id = "0123456789abcdef", .role = role, .queue = std::move(queue), .agent_id = std::move(agent)};
}

TEST(AuthorizeTest, AdminsMayCallEverythingOthersWhatTheTableSays) {
  constexpr char kGetCustomer[] = "/satisfaction.v1.CustomerService/GetCustomer";
  EXPECT_TRUE(Authorize(As(v1::ROLE_ADMIN), kGetCustomer).ok());
  EXPECT_TRUE(Authorize(As(v1::ROLE_OPERATOR), kGetCustomer).ok());
  absl::Status refused = Authorize(As(v1::ROLE_ANALYST), kGetCustomer);
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(absl::StrContains(refused.message(), "analyst")) << refused;
  EXPECT_TRUE(absl::StrContains(refused.message(), kGetCustomer)) << refused;
}

TEST(AuthorizeTest, AMethodMissingFromTheTableIsForAdminsOnly) {
  constexpr char kNew[] = "/satisfaction.v1.CustomerService/SomethingNew";
  EXPECT_EQ(FindMethodPolicy(kNew), nullptr);
  EXPECT_TRUE(Authorize(As(v1::ROLE_ADMIN), kNew).ok());
  for (v1::Role role : {v1::ROLE_OPERATOR, v1::ROLE_DIALER, v1::ROLE_GATEWAY, v1::ROLE_ANALYST, v1::ROLE_UNSPECIFIED}) {
    EXPECT_EQ(Authorize(As(role), kNew).code(), absl::StatusCode::kPermissionDenied) << RoleName(role);
  }
}

TEST(AuthorizeTest, EveryMethodInTheTableIsARealMethodAndNamesRealResourceFields) {
  // Links every API file into the test, so that the pool knows its services.
  for (const google::protobuf::Descriptor* linked :
       {v1::ApiKey::descriptor(), v1::Agent::descriptor(), v1::GetSatisfactionRequest::descriptor(),
        v1::Callback::descriptor(), v1::Customer::descriptor(), v1::OutboxMessage::descriptor(),
        v1::Questionnaire::descriptor(), v1::Response::descriptor(), v1::Revisit::descriptor(),
        v1::RevisitRule::descriptor()}) {
    ASSERT_NE(linked, nullptr);
  }
  const google::protobuf::DescriptorPool* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const std::string& method : PolicyMethods()) {
    std::vector<std::string> parts = absl::StrSplit(method, '/', absl::SkipEmpty());
    ASSERT_EQ(parts.size(), 2u) << method;
    const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(parts[0]);
    ASSERT_NE(service, nullptr) << method;
    const google::protobuf::MethodDescriptor* descriptor = service->FindMethodByName(parts[1]);
    ASSERT_NE(descriptor, nullptr) << method;
    for (const std::string& path : FindMethodPolicy(method)->resource_fields) {
      const google::protobuf::Descriptor* message = descriptor->input_type();
      for (absl::string_view name : absl::StrSplit(path, '.')) {
        ASSERT_NE(message, nullptr) << method << " " << path;
        const google::protobuf::FieldDescriptor* field = message->FindFieldByName(std::string(name));
        ASSERT_NE(field, nullptr) << method << " " << path;
        message = field->message_type();
      }
    }
  }
}

TEST(AuthorizeTest, HealthAndReflectionAreOpen) {
  EXPECT_TRUE(IsOpenMethod("/grpc.health.v1.Health/Check"));
  EXPECT_TRUE(IsOpenMethod("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"));
  EXPECT_FALSE(IsOpenMethod("/satisfaction.v1.QuestionnaireService/ListQuestionnaires"));
  EXPECT_FALSE(IsOpenMethod("/grpc.health.v1.HealthX/Check"));
}

TEST(AuthorizeSubmissionTest, GatewaysByInvitationDialersByCallbackAdminsBoth) {
  EXPECT_TRUE(AuthorizeSubmission(As(v1::ROLE_GATEWAY), SubmissionSource::kInvitation).ok());
  EXPECT_TRUE(AuthorizeSubmission(As(v1::ROLE_DIALER), SubmissionSource::kCallback).ok());
  EXPECT_TRUE(AuthorizeSubmission(As(v1::ROLE_ADMIN), SubmissionSource::kInvitation).ok());
  EXPECT_TRUE(AuthorizeSubmission(As(v1::ROLE_ADMIN), SubmissionSource::kCallback).ok());
  absl::Status dialer = AuthorizeSubmission(As(v1::ROLE_DIALER), SubmissionSource::kInvitation);
  EXPECT_EQ(dialer.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(absl::StartsWith(dialer.message(), "invitation_token")) << dialer;
  absl::Status gateway = AuthorizeSubmission(As(v1::ROLE_GATEWAY), SubmissionSource::kCallback);
  EXPECT_TRUE(absl::StartsWith(gateway.message(), "callback")) << gateway;
  EXPECT_FALSE(AuthorizeSubmission(As(v1::ROLE_ANALYST), SubmissionSource::kCallback).ok());
}

TEST(BindingTest, ABoundKeyActsOnlyForItsQueueAndAgent) {
  Caller unbound = As(v1::ROLE_DIALER);
  EXPECT_TRUE(CheckBinding(unbound, "any", "").ok());
  EXPECT_TRUE(CheckBinding(unbound, "", "anyone").ok());

  Caller queue_bound = As(v1::ROLE_DIALER, "complaints");
  EXPECT_TRUE(CheckBinding(queue_bound, "complaints", "agent-1").ok());
  EXPECT_TRUE(absl::StartsWith(CheckBinding(queue_bound, "sales", "").message(), "queue"));
  EXPECT_FALSE(CheckBinding(queue_bound, "", "agent-1").ok()) << "an agent's callbacks of any queue";

  Caller agent_bound = As(v1::ROLE_DIALER, "", "agent-7");
  EXPECT_TRUE(CheckBinding(agent_bound, "complaints", "agent-7").ok());
  EXPECT_TRUE(absl::StartsWith(CheckBinding(agent_bound, "complaints", "").message(), "agent_id"));
  EXPECT_TRUE(CheckReportingAgent(agent_bound, "").ok()) << "the lease's holder";
  EXPECT_TRUE(CheckReportingAgent(agent_bound, "agent-7").ok());
  EXPECT_EQ(CheckReportingAgent(agent_bound, "agent-8").code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(CheckReportingAgent(queue_bound, "agent-8").ok());
}

TEST(ContactDetailsTest, OperatorsAndAnalystsSeeThemMasked) {
  EXPECT_TRUE(SeesContactDetails(As(v1::ROLE_ADMIN)));
  EXPECT_TRUE(SeesContactDetails(As(v1::ROLE_DIALER)));
  EXPECT_TRUE(SeesContactDetails(As(v1::ROLE_GATEWAY)));
  EXPECT_FALSE(SeesContactDetails(As(v1::ROLE_OPERATOR)));
  EXPECT_FALSE(SeesContactDetails(As(v1::ROLE_ANALYST)));
  EXPECT_FALSE(SeesContactDetails(Caller{}));
}

TEST(RoleNameTest, LowerCaseWithoutThePrefix) {
  EXPECT_EQ(RoleName(v1::ROLE_GATEWAY), "gateway");
  EXPECT_EQ(RoleName(v1::ROLE_UNSPECIFIED), "unspecified");
  EXPECT_EQ(RoleName(static_cast<v1::Role>(99)), "unspecified");
}

}  // namespace
}  // namespace satisfaction::access
