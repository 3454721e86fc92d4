// RevisitPolicyService end to end, on each backend, with the standard templates.
#include <grpcpp/grpcpp.h>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "satisfaction/v1/questionnaire.grpc.pb.h"
#include "satisfaction/v1/revisit_policy.grpc.pb.h"
#include "tests/e2e/e2e_fixture.h"

namespace satisfaction {
namespace {

using test_support::Context;
using test_support::ExpectError;

class RevisitPolicyE2eTest : public test_support::ServiceE2eTest<v1::RevisitPolicyService> {
 protected:
  RevisitPolicyE2eTest() : ServiceE2eTest({.templates = test_support::Templates::kRepository}) {}

  static v1::RevisitRule Rule() {
    v1::RevisitRule rule;
    rule.set_id("vip-sms");
    rule.add_customer_types(v1::CUSTOMER_TYPE_LOYAL);
    rule.set_trigger(v1::TRIGGER_AFTER_SALES_CLOSED);
    rule.add_channels(v1::CHANNEL_SMS);
    rule.mutable_delay()->set_seconds(3600);
    rule.set_questionnaire_id("post-delivery");
    return rule;
  }

  grpc::Status Create(const v1::RevisitRule& rule, v1::RevisitRule* out) {
    v1::CreateRevisitRuleRequest request;
    *request.mutable_rule() = rule;
    return stub_->CreateRevisitRule(Context().get(), request, out);
  }
};

TEST_P(RevisitPolicyE2eTest, TheDefaultRulesAreLoaded) {
  v1::ListRevisitRulesRequest request;
  v1::ListRevisitRulesResponse response;
  ASSERT_TRUE(stub_->ListRevisitRules(Context().get(), request, &response).ok());
  EXPECT_EQ(response.rules_size(), 8);
  request.set_trigger(v1::TRIGGER_COMPLAINT_CLOSED);
  ASSERT_TRUE(stub_->ListRevisitRules(Context().get(), request, &response).ok());
  ASSERT_EQ(response.rules_size(), 1);
  EXPECT_EQ(response.rules(0).id(), "complaint-closed-call");
  EXPECT_EQ(response.rules(0).channels(0), v1::CHANNEL_PHONE);
  EXPECT_TRUE(response.rules(0).reserve_for_serving_agent());
}

TEST_P(RevisitPolicyE2eTest, CreateUpdateDisable) {
  // The default after-sales rule covers every type: disable it first.
  v1::DisableRevisitRuleRequest disable;
  disable.set_id("after-sales-closed-call");
  v1::RevisitRule out;
  ASSERT_TRUE(stub_->DisableRevisitRule(Context().get(), disable, &out).ok());
  EXPECT_FALSE(out.enabled());
  ASSERT_TRUE(Create(Rule(), &out).ok());
  EXPECT_TRUE(out.enabled());
  v1::UpdateRevisitRuleRequest update;
  *update.mutable_rule() = Rule();
  update.mutable_rule()->set_priority(70);
  ASSERT_TRUE(stub_->UpdateRevisitRule(Context().get(), update, &out).ok());
  EXPECT_EQ(out.priority(), 70);
  v1::GetRevisitRuleRequest get;
  get.set_id("vip-sms");
  ASSERT_TRUE(stub_->GetRevisitRule(Context().get(), get, &out).ok());
  EXPECT_EQ(out.priority(), 70);
}

TEST_P(RevisitPolicyE2eTest, BadRulesAreRefused) {
  struct Case {
    std::string name;
    std::function<void(v1::RevisitRule&)> spoil;
    grpc::StatusCode code;
    std::string field;
  };
  std::vector<Case> cases = {
      {"bad id", [](auto& r) { r.set_id("Bad Id"); }, grpc::StatusCode::INVALID_ARGUMENT, "rule.id:"},
      {"no types", [](auto& r) { r.clear_customer_types(); }, grpc::StatusCode::INVALID_ARGUMENT,
       "rule.customer_types:"},
      {"unknown type", [](auto& r) { r.add_customer_types(static_cast<v1::CustomerType>(40)); },
       grpc::StatusCode::INVALID_ARGUMENT, "rule.customer_types:"},
      {"no trigger", [](auto& r) { r.set_trigger(v1::TRIGGER_UNSPECIFIED); }, grpc::StatusCode::INVALID_ARGUMENT,
       "rule.trigger:"},
      {"no channels", [](auto& r) { r.clear_channels(); }, grpc::StatusCode::INVALID_ARGUMENT, "rule.channels:"},
      {"channel twice", [](auto& r) { r.add_channels(v1::CHANNEL_SMS); }, grpc::StatusCode::INVALID_ARGUMENT,
       "rule.channels:"},
      {"negative delay", [](auto& r) { r.mutable_delay()->set_seconds(-5); }, grpc::StatusCode::INVALID_ARGUMENT,
       "rule.delay:"},
      {"expiry before delay", [](auto& r) { r.mutable_expiry()->set_seconds(60); }, grpc::StatusCode::INVALID_ARGUMENT,
       "rule.expiry:"},
      {"care without interval", [](auto& r) { r.set_trigger(v1::TRIGGER_PERIODIC_CARE); },
       grpc::StatusCode::INVALID_ARGUMENT, "rule.care_interval:"},
      {"reserved sms", [](auto& r) { r.set_reserve_for_serving_agent(true); }, grpc::StatusCode::INVALID_ARGUMENT,
       "rule.reserve_for_serving_agent:"},
      {"priority", [](auto& r) { r.set_priority(101); }, grpc::StatusCode::INVALID_ARGUMENT, "rule.priority:"},
      {"attempts", [](auto& r) { r.set_max_attempts(50); }, grpc::StatusCode::INVALID_ARGUMENT, "rule.max_attempts:"},
      {"unknown questionnaire", [](auto& r) { r.set_questionnaire_id("no-such-survey"); }, grpc::StatusCode::NOT_FOUND,
       "rule.questionnaire_id:"},
      {"overlaps a default rule", [](auto&) {}, grpc::StatusCode::FAILED_PRECONDITION, "rule.customer_types:"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    v1::RevisitRule rule = Rule();
    c.spoil(rule);
    v1::RevisitRule out;
    ExpectError(Create(rule, &out), c.code, c.field);
  }
  v1::CreateRevisitRuleRequest empty;
  v1::RevisitRule out;
  ExpectError(stub_->CreateRevisitRule(Context().get(), empty, &out), grpc::StatusCode::INVALID_ARGUMENT, "rule:");

  auto questionnaires = v1::QuestionnaireService::NewStub(channel());
  v1::ArchiveQuestionnaireRequest archive;
  archive.set_id("loyalty-care");
  v1::Questionnaire archived;
  ASSERT_TRUE(questionnaires->ArchiveQuestionnaire(Context().get(), archive, &archived).ok());
  v1::RevisitRule uses_archived = Rule();
  uses_archived.set_trigger(v1::TRIGGER_ORDER_DELIVERED);
  uses_archived.set_questionnaire_id("loyalty-care");
  ExpectError(Create(uses_archived, &out), grpc::StatusCode::FAILED_PRECONDITION, "rule.questionnaire_id:");

  v1::GetRevisitRuleRequest get;
  get.set_id("no-such-rule");
  ExpectError(stub_->GetRevisitRule(Context().get(), get, &out), grpc::StatusCode::NOT_FOUND);
  get.set_id("");
  ExpectError(stub_->GetRevisitRule(Context().get(), get, &out), grpc::StatusCode::INVALID_ARGUMENT, "id:");
  v1::UpdateRevisitRuleRequest update;
  *update.mutable_rule() = Rule();
  update.mutable_rule()->set_id("no-such-rule");
  ExpectError(stub_->UpdateRevisitRule(Context().get(), update, &out), grpc::StatusCode::NOT_FOUND);
  v1::DisableRevisitRuleRequest disable;
  disable.set_id("no-such-rule");
  ExpectError(stub_->DisableRevisitRule(Context().get(), disable, &out), grpc::StatusCode::NOT_FOUND);
  v1::ListRevisitRulesRequest list;
  list.set_trigger(static_cast<v1::Trigger>(33));
  v1::ListRevisitRulesResponse listed;
  ExpectError(stub_->ListRevisitRules(Context().get(), list, &listed), grpc::StatusCode::INVALID_ARGUMENT, "trigger:");
  list.set_trigger(v1::TRIGGER_UNSPECIFIED);
  list.set_page_token("xyz");
  ExpectError(stub_->ListRevisitRules(Context().get(), list, &listed), grpc::StatusCode::INVALID_ARGUMENT,
              "page_token:");
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(RevisitPolicyE2eTest);

}  // namespace
}  // namespace satisfaction
