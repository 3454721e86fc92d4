// ResponseService end to end, on each backend, through a real gRPC channel:
// a survey link from the outbox answered, and every kind of bad submission.
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "satisfaction/v1/analytics.grpc.pb.h"
#include "satisfaction/v1/callback.grpc.pb.h"
#include "satisfaction/v1/customer.grpc.pb.h"
#include "satisfaction/v1/message.grpc.pb.h"
#include "satisfaction/v1/questionnaire.grpc.pb.h"
#include "satisfaction/v1/response.grpc.pb.h"
#include "satisfaction/v1/revisit.grpc.pb.h"
#include "services/storage/database.h"
#include "tests/e2e/complaint_calls.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/revisit_lists.h"
#include "tests/e2e/survey_links.h"
#include "tests/support/http_client.h"
#include "tests/support/test_database.h"

namespace satisfaction {
namespace {

using google::protobuf::util::TimeUtil;
using test_support::Context;
using test_support::ExpectError;
using test_support::HttpGet;
using test_support::HttpPost;
using test_support::HttpReply;

constexpr char kPublicUrl[] = "https://survey.example.cn";

class ResponseE2eTest : public test_support::ServiceE2eTest<v1::ResponseService> {
 protected:
  ResponseE2eTest()
      : ServiceE2eTest({.config = {.public_url = kPublicUrl}, .templates = test_support::Templates::kRepository}) {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServiceE2eTest::SetUp());
    test_support::OpenAllDay(channel(), "message_windows");
    test_support::OpenAllDay(channel(), "call_windows");

    // The default rules survey a new customer's first delivery by SMS.
    message_ = test_support::SurveyMessage(*server_, "c1");
    ASSERT_TRUE(absl::StartsWith(message_.survey_url(), kPublicUrl)) << message_.survey_url();
    token_ = test_support::TokenOf(message_.survey_url());
  }

  // The revisit `id` of customer `customer`, as ListRevisits shows it.
  v1::Revisit RevisitOf(const std::string& customer, const std::string& id) {
    for (const v1::Revisit& revisit : test_support::ListedRevisits(channel(), customer)) {
      if (revisit.id() == id) return revisit;
    }
    ADD_FAILURE() << "no revisit " << id << " of " << customer;
    return {};
  }

  // Scores 4 for each of `codes`, then `overall` for the overall item.
  static void AddScores(v1::SubmitResponseRequest& request, std::initializer_list<const char*> codes, int overall) {
    for (const char* code : codes) {
      v1::Answer& answer = *request.add_answers();
      answer.set_item_code(code);
      answer.set_score(4);
    }
    v1::Answer& answer = *request.add_answers();
    answer.set_item_code("overall");
    answer.set_score(overall);
  }

  // Answers to every required item of the standard after-sales follow-up.
  static void AnswerFollowUp(v1::SubmitResponseRequest& request, int overall) {
    AddScores(request, {"problem_solved", "response_speed", "solution_fairness", "agent_attitude", "buy_again"},
              overall);
  }

  // Answers to every required item of the standard post-delivery survey.
  v1::SubmitResponseRequest Answers(int overall = 5) {
    v1::SubmitResponseRequest request;
    request.set_invitation_token(token_);
    AddScores(request, {"product_quality", "price", "delivery", "recommend"}, overall);
    return request;
  }

  // The survey SMS fetched, still leased to the gateway, and its link's token.
  v1::OutboxMessage message_;
  std::string token_;
};

TEST_P(ResponseE2eTest, ACustomerAnswersTheSurveyLinkOnceAndALowScoreOpensARecoveryCall) {
  v1::SubmitResponseRequest request = Answers(/*overall=*/1);
  request.set_idempotency_key("web-form-1");
  v1::Response stored;
  grpc::Status status = stub_->SubmitResponse(Context().get(), request, &stored);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(stored.questionnaire_id(), "post-delivery");
  EXPECT_EQ(stored.channel(), v1::CHANNEL_SMS);
  EXPECT_EQ(stored.answers_size(), 5);
  EXPECT_FALSE(stored.recovery_revisit_id().empty()) << "the default low-score rule's recovery call";

  v1::Response retried;
  ASSERT_TRUE(stub_->SubmitResponse(Context().get(), request, &retried).ok());
  EXPECT_EQ(retried.id(), stored.id());
  request.clear_idempotency_key();
  ExpectError(stub_->SubmitResponse(Context().get(), request, &retried), grpc::StatusCode::ALREADY_EXISTS);

  v1::GetResponseRequest get;
  get.set_id(stored.id());
  v1::Response read;
  ASSERT_TRUE(stub_->GetResponse(Context().get(), get, &read).ok());
  EXPECT_EQ(read.id(), stored.id());
  get.set_id("987654");
  ExpectError(stub_->GetResponse(Context().get(), get, &read), grpc::StatusCode::NOT_FOUND);
  get.set_id("x");
  ExpectError(stub_->GetResponse(Context().get(), get, &read), grpc::StatusCode::INVALID_ARGUMENT, "id");
}

TEST_P(ResponseE2eTest, AWebAnswersRecoveryCallIsReservedForTheCustomersServingAgent) {
  v1::UpsertCustomerRequest customer;
  customer.mutable_customer()->set_external_id("c1");
  customer.mutable_customer()->set_phone("+8613912345678");
  customer.mutable_customer()->mutable_consent()->set_sms(true);
  customer.mutable_customer()->mutable_consent()->set_phone(true);
  customer.mutable_customer()->set_serving_agent_id("agent-7");
  v1::UpsertCustomerResponse upserted;
  ASSERT_TRUE(v1::CustomerService::NewStub(channel())->UpsertCustomer(Context().get(), customer, &upserted).ok());
  v1::Response stored;
  ASSERT_TRUE(stub_->SubmitResponse(Context().get(), Answers(/*overall=*/1), &stored).ok());
  ASSERT_FALSE(stored.recovery_revisit_id().empty());
  v1::Revisit recovery = RevisitOf("c1", stored.recovery_revisit_id());
  EXPECT_EQ(recovery.trigger(), v1::TRIGGER_LOW_SCORE);
  EXPECT_EQ(recovery.channel(), v1::CHANNEL_PHONE);
  EXPECT_EQ(recovery.reserved_agent_id(), "agent-7");
}

TEST_P(ResponseE2eTest, ACallsRecoveryCallIsReservedForTheAgentWhoTookTheAnswers) {
  v1::Callback call = test_support::DueComplaintSurveyCall(channel(), "c2");
  ASSERT_FALSE(call.id().empty());
  v1::SubmitResponseRequest request;
  request.mutable_callback()->set_callback_id(call.id());
  request.mutable_callback()->set_lease_token(call.lease_token());
  request.mutable_callback()->set_agent_id("agent-9");
  AnswerFollowUp(request, /*overall=*/1);
  v1::Response stored;
  grpc::Status status = stub_->SubmitResponse(Context().get(), request, &stored);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_FALSE(stored.recovery_revisit_id().empty());
  EXPECT_EQ(RevisitOf("c2", stored.recovery_revisit_id()).reserved_agent_id(), "agent-9");
}

TEST_P(ResponseE2eTest, AGatewaysReceiptForAMessageAnsweredMeanwhileIsRecorded) {
  v1::Response stored;
  ASSERT_TRUE(stub_->SubmitResponse(Context().get(), Answers(), &stored).ok());
  auto messages = v1::MessageService::NewStub(channel());
  v1::ReportDeliveryRequest report;
  report.set_message_id(message_.id());
  report.set_lease_token(message_.lease_token());
  report.set_outcome(v1::DELIVERY_OUTCOME_DELIVERED);
  report.set_provider_message_id("sms-42");
  v1::ReportDeliveryResponse reported;
  grpc::Status status = messages->ReportDelivery(Context().get(), report, &reported);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(reported.revisit().state(), v1::REVISIT_STATE_COMPLETED);
  EXPECT_EQ(reported.revisit().state_reason(), "answered online");
  EXPECT_EQ(reported.attempt().outcome(), v1::DELIVERY_OUTCOME_DELIVERED);
  EXPECT_EQ(reported.attempt().provider_message_id(), "sms-42");
  v1::ReportDeliveryResponse again;
  ASSERT_TRUE(messages->ReportDelivery(Context().get(), report, &again).ok()) << "the same receipt again";
  EXPECT_EQ(again.attempt().number(), reported.attempt().number());
  report.set_outcome(v1::DELIVERY_OUTCOME_FAILED);
  ExpectError(messages->ReportDelivery(Context().get(), report, &again), grpc::StatusCode::ALREADY_EXISTS);
}

TEST_P(ResponseE2eTest, ADialersReportOfACallAnsweredOnlineMeanwhileIsRecorded) {
  v1::Callback call = test_support::DueComplaintSurveyCall(channel(), "c2");
  ASSERT_FALSE(call.survey_url().empty()) << "the link the agent can text";
  v1::SubmitResponseRequest online;
  online.set_invitation_token(test_support::TokenOf(call.survey_url()));
  AnswerFollowUp(online, /*overall=*/5);
  v1::Response stored;
  grpc::Status status = stub_->SubmitResponse(Context().get(), online, &stored);
  ASSERT_TRUE(status.ok()) << status.error_message();

  auto callbacks = v1::CallbackService::NewStub(channel());
  v1::ExtendCallbackLeaseRequest extend;
  extend.set_callback_id(call.id());
  extend.set_lease_token(call.lease_token());
  extend.mutable_lease_duration()->set_seconds(60);
  v1::Callback extended;
  status = callbacks->ExtendCallbackLease(Context().get(), extend, &extended);
  ExpectError(status, grpc::StatusCode::FAILED_PRECONDITION, "lease_token");
  EXPECT_TRUE(absl::StrContains(status.error_message(), "answered its survey online")) << status.error_message();

  v1::ReportDispositionRequest report;
  report.set_callback_id(call.id());
  report.set_lease_token(call.lease_token());
  report.set_outcome(v1::CALL_OUTCOME_COMPLETED);
  report.set_notes("she filled in the form while we spoke");
  v1::ReportDispositionResponse reported;
  status = callbacks->ReportDisposition(Context().get(), report, &reported);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(reported.revisit().state(), v1::REVISIT_STATE_COMPLETED);
  EXPECT_EQ(reported.revisit().state_reason(), "answered online");
  EXPECT_EQ(reported.revisit().attempts(), 1) << "the call is recorded";
  EXPECT_EQ(reported.attempt().outcome(), v1::CALL_OUTCOME_COMPLETED);
  v1::ReportDispositionResponse again;
  ASSERT_TRUE(callbacks->ReportDisposition(Context().get(), report, &again).ok()) << "the same report again";
  EXPECT_EQ(again.revisit().attempts(), 1);
}

TEST_P(ResponseE2eTest, AnAnswerIsAuditedInItsOwnTransaction) {
  std::unique_ptr<storage::Database> database = test_support::OpenMigrated(*test_database_, 1);
  auto run = [&](const std::string& sql) { ASSERT_TRUE(test_support::ExecuteSql(*database, sql).ok()) << sql; };
  // Without the audit log's table the answer cannot be recorded, so it is not stored either.
  run("ALTER TABLE audit_events RENAME TO audit_events_away");
  v1::SubmitResponseRequest request = Answers();
  request.set_idempotency_key("page-1");
  v1::Response stored;
  EXPECT_FALSE(stub_->SubmitResponse(Context().get(), request, &stored).ok());
  EXPECT_EQ(test_support::QueryNumber(*database, "SELECT COUNT(*) FROM responses"), 0);
  run("ALTER TABLE audit_events_away RENAME TO audit_events");

  grpc::Status status = stub_->SubmitResponse(Context().get(), request, &stored);
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::Response again;
  ASSERT_TRUE(stub_->SubmitResponse(Context().get(), request, &again).ok()) << "retried with its key";
  request.clear_idempotency_key();
  ExpectError(stub_->SubmitResponse(Context().get(), request, &again), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(test_support::QueryNumber(*database,
                                      "SELECT COUNT(*) FROM audit_events WHERE method ="
                                      " '/satisfaction.v1.ResponseService/SubmitResponse' AND outcome = 'OK'"),
            2)
      << "the answer and its retry";
  EXPECT_EQ(
      test_support::QueryNumber(*database,
                                "SELECT COUNT(*) FROM audit_events WHERE method ="
                                " '/satisfaction.v1.ResponseService/SubmitResponse' AND outcome = 'ALREADY_EXISTS'"),
      1);
}

TEST_P(ResponseE2eTest, AnswersComeBackInTheQuestionnairesOrder) {
  v1::SubmitResponseRequest request = Answers();
  std::reverse(request.mutable_answers()->begin(), request.mutable_answers()->end());
  v1::Response stored;
  ASSERT_TRUE(stub_->SubmitResponse(Context().get(), request, &stored).ok());
  v1::GetQuestionnaireRequest get_questionnaire;
  get_questionnaire.set_id("post-delivery");
  v1::Questionnaire questionnaire;
  ASSERT_TRUE(v1::QuestionnaireService::NewStub(channel())
                  ->GetQuestionnaire(Context().get(), get_questionnaire, &questionnaire)
                  .ok());
  std::vector<std::string> in_order;
  for (const v1::Item& item : questionnaire.items()) {
    for (const v1::Answer& answer : request.answers()) {
      if (answer.item_code() == item.code()) in_order.push_back(item.code());
    }
  }
  auto codes = [](const v1::Response& response) {
    std::vector<std::string> codes;
    for (const v1::Answer& answer : response.answers()) codes.push_back(answer.item_code());
    return codes;
  };
  EXPECT_EQ(codes(stored), in_order) << "as stored";
  v1::GetResponseRequest get;
  get.set_id(stored.id());
  v1::Response read;
  ASSERT_TRUE(stub_->GetResponse(Context().get(), get, &read).ok());
  EXPECT_EQ(codes(read), in_order) << "as read back";
}

TEST_P(ResponseE2eTest, BadSubmissionsAreRefusedNamingTheFieldAndStoreNothing) {
  v1::Response response;
  auto submit = [&](auto change) {
    v1::SubmitResponseRequest request = Answers();
    change(request);
    return stub_->SubmitResponse(Context().get(), request, &response);
  };
  using Request = v1::SubmitResponseRequest;
  ExpectError(submit([](Request& r) { r.clear_source(); }), grpc::StatusCode::INVALID_ARGUMENT, "invitation_token");
  ExpectError(submit([](Request& r) { r.set_invitation_token(""); }), grpc::StatusCode::INVALID_ARGUMENT,
              "invitation_token");
  ExpectError(submit([](Request& r) { r.set_invitation_token(std::string(65, 'A')); }),
              grpc::StatusCode::INVALID_ARGUMENT, "invitation_token");
  ExpectError(submit([](Request& r) { r.set_invitation_token("AAAAAAAAAAAAAAAAAAAAAA"); }), grpc::StatusCode::NOT_FOUND,
              "invitation_token");
  ExpectError(submit([](Request& r) { r.clear_answers(); }), grpc::StatusCode::INVALID_ARGUMENT, "answers");
  ExpectError(submit([](Request& r) { r.mutable_answers(0)->set_score(0); }), grpc::StatusCode::INVALID_ARGUMENT,
              "answers[0].score");
  ExpectError(submit([](Request& r) { r.mutable_answers(0)->set_score(6); }), grpc::StatusCode::INVALID_ARGUMENT,
              "answers[0].score");
  ExpectError(submit([](Request& r) { r.mutable_answers(4)->set_score(-1); }), grpc::StatusCode::INVALID_ARGUMENT,
              "answers[4].score");
  ExpectError(submit([](Request& r) { r.mutable_answers()->RemoveLast(); }), grpc::StatusCode::INVALID_ARGUMENT,
              "answers");
  ExpectError(submit([](Request& r) { r.mutable_answers(1)->set_item_code("item_0"); }),
              grpc::StatusCode::INVALID_ARGUMENT, "answers[1].item_code");
  ExpectError(submit([](Request& r) { r.set_idempotency_key("has space"); }), grpc::StatusCode::INVALID_ARGUMENT,
              "idempotency_key");
  ExpectError(submit([](Request& r) {
                v1::Answer& comment = *r.add_answers();
                comment.set_item_code("comment");
                comment.set_text(std::string(2001, 'x'));
              }),
              grpc::StatusCode::INVALID_ARGUMENT, "answers[5].text");
  ExpectError(submit([](Request& r) {
                v1::Answer& comment = *r.add_answers();
                comment.set_item_code("comment");
                comment.set_text("很好\xff\xfe");
              }),
              grpc::StatusCode::INVALID_ARGUMENT, "satisfaction.v1.Answer.text");
  ExpectError(submit([](Request& r) {
                r.mutable_callback()->set_callback_id("abc");
                r.mutable_callback()->set_lease_token("t");
              }),
              grpc::StatusCode::INVALID_ARGUMENT, "callback.callback_id");
  ExpectError(submit([](Request& r) { r.mutable_callback()->set_callback_id("12"); }),
              grpc::StatusCode::INVALID_ARGUMENT, "callback.lease_token");
  ExpectError(submit([](Request& r) {
                r.mutable_callback()->set_callback_id("987654");
                r.mutable_callback()->set_lease_token("t");
              }),
              grpc::StatusCode::NOT_FOUND);

  // None of that was stored: the real answers go through, as the first.
  grpc::Status status = stub_->SubmitResponse(Context().get(), Answers(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
}

// Management reads the answer in the satisfaction figures of the operator's day.
TEST_P(ResponseE2eTest, TheAnswerShowsInTheSatisfactionFigures) {
  v1::Response stored;
  grpc::Status status = stub_->SubmitResponse(Context().get(), Answers(), &stored);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::string today = absl::FormatTime("%Y-%m-%d", absl::Now(), absl::FixedTimeZone(8 * 3600));

  auto analytics = v1::AnalyticsService::NewStub(channel());
  v1::GetSatisfactionRequest request;
  request.set_questionnaire_id(stored.questionnaire_id());
  request.set_first_day(today);
  request.set_last_day(today);
  request.add_group_by(v1::GROUPING_CHANNEL);
  v1::GetSatisfactionResponse figures;
  status = analytics->GetSatisfaction(Context().get(), request, &figures);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(figures.time_zone(), "Asia/Shanghai");
  ASSERT_EQ(figures.groups_size(), 1);
  EXPECT_EQ(figures.groups(0).channel(), v1::CHANNEL_SMS);
  EXPECT_EQ(figures.groups(0).responses(), 1);
  EXPECT_EQ(figures.groups(0).figures().answers(), 5);
  EXPECT_DOUBLE_EQ(figures.groups(0).figures().mean_score(), 21.0 / 5);
  EXPECT_DOUBLE_EQ(figures.groups(0).figures().csat_percent(), 100);
  EXPECT_TRUE(figures.groups(0).too_small());
  EXPECT_FALSE(figures.groups(0).has_comparison()) << "none asked for";

  // Beside the week before, when nobody answered: shown, too small to test.
  v1::GetSatisfactionRequest compared = request;
  std::string week_ago = absl::FormatTime("%Y-%m-%d", absl::Now() - absl::Hours(24 * 7), absl::FixedTimeZone(8 * 3600));
  compared.set_compare_first_day(week_ago);
  compared.set_compare_last_day(week_ago);
  v1::GetSatisfactionResponse beside;
  status = analytics->GetSatisfaction(Context().get(), compared, &beside);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(beside.groups_size(), 1);
  EXPECT_EQ(beside.groups(0).comparison().responses(), 0);
  EXPECT_TRUE(beside.groups(0).comparison().too_small());
  EXPECT_FALSE(beside.groups(0).comparison().has_csat());
  EXPECT_FALSE(beside.groups(0).comparison().figures().has_mean_score());

  // A rebuild from the raw responses gives the same figures.
  v1::RebuildAggregatesRequest rebuild;
  rebuild.set_questionnaire_id(stored.questionnaire_id());
  v1::RebuildAggregatesResponse rebuilt;
  status = analytics->RebuildAggregates(Context().get(), rebuild, &rebuilt);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(rebuilt.responses(), 1);
  EXPECT_EQ(rebuilt.buckets(), 6);  // the response and its five scores
  v1::GetSatisfactionResponse again;
  ASSERT_TRUE(analytics->GetSatisfaction(Context().get(), request, &again).ok());
  EXPECT_EQ(again.DebugString(), figures.DebugString());
  rebuild.clear_questionnaire_id();
  ExpectError(analytics->RebuildAggregates(Context().get(), rebuild, &rebuilt), grpc::StatusCode::INVALID_ARGUMENT,
              "questionnaire_id");
  rebuild.set_questionnaire_id("no-such-survey");
  ExpectError(analytics->RebuildAggregates(Context().get(), rebuild, &rebuilt), grpc::StatusCode::NOT_FOUND);
}

TEST_P(ResponseE2eTest, AnExportStreamsTheAnswersWithoutContactDetails) {
  v1::Response stored;
  ASSERT_TRUE(stub_->SubmitResponse(Context().get(), Answers(2), &stored).ok());
  std::string today = absl::FormatTime("%Y-%m-%d", absl::Now(), absl::FixedTimeZone(8 * 3600));
  auto analytics = v1::AnalyticsService::NewStub(channel());
  v1::ExportResponsesRequest request;
  request.set_questionnaire_id(stored.questionnaire_id());
  request.set_first_day(today);
  request.set_last_day(today);
  request.set_format(v1::EXPORT_FORMAT_CSV);
  auto context = Context();
  auto reader = analytics->ExportResponses(context.get(), request);
  v1::ExportResponsesPage page;
  std::string csv;
  while (reader->Read(&page)) csv += page.csv();
  grpc::Status status = reader->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(absl::StrContains(csv, absl::StrCat(stored.id(), ","))) << csv;
  EXPECT_TRUE(absl::StrContains(csv, ",c1,new,sms,")) << csv;
  EXPECT_FALSE(absl::StrContains(csv, "13912345678")) << csv;

  auto refused = [&](auto change, const std::string& field) {
    v1::ExportResponsesRequest bad = request;
    change(bad);
    auto bad_context = Context();
    auto bad_reader = analytics->ExportResponses(bad_context.get(), bad);
    while (bad_reader->Read(&page)) {
    }
    ExpectError(bad_reader->Finish(), grpc::StatusCode::INVALID_ARGUMENT, field);
  };
  using Request = v1::ExportResponsesRequest;
  refused([](Request& r) { r.clear_format(); }, "format");
  refused([](Request& r) { r.set_page_size(5001); }, "page_size");
  refused([](Request& r) { r.set_page_size(-1); }, "page_size");
  refused([](Request& r) { r.set_last_day("2020-01-01"); }, "last_day");
  refused([](Request& r) { r.clear_questionnaire_id(); }, "questionnaire_id");
  refused([](Request& r) { r.mutable_filter()->add_channels(static_cast<v1::Channel>(7)); }, "filter.channels[0]");
}

TEST_P(ResponseE2eTest, TheFunnelShowsTheSurveyPlannedReachedAndAnswered) {
  v1::Response stored;
  ASSERT_TRUE(stub_->SubmitResponse(Context().get(), Answers(), &stored).ok());
  auto analytics = v1::AnalyticsService::NewStub(channel());
  v1::GetResponseFunnelRequest request;
  absl::TimeZone shanghai = absl::FixedTimeZone(8 * 3600);
  request.set_first_day(absl::FormatTime("%Y-%m-%d", absl::Now() - absl::Hours(24), shanghai));
  request.set_last_day(absl::FormatTime("%Y-%m-%d", absl::Now(), shanghai));
  request.set_questionnaire_id(stored.questionnaire_id());
  v1::GetResponseFunnelResponse funnel;
  grpc::Status status = analytics->GetResponseFunnel(Context().get(), request, &funnel);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(funnel.rows_size(), 1);
  EXPECT_EQ(funnel.rows(0).channel(), v1::CHANNEL_SMS);
  EXPECT_EQ(funnel.rows(0).customer_type(), v1::CUSTOMER_TYPE_NEW);
  EXPECT_EQ(funnel.rows(0).planned(), 1);
  EXPECT_EQ(funnel.rows(0).contacted(), 1);
  EXPECT_EQ(funnel.rows(0).responded(), 1);
  EXPECT_EQ(funnel.recovery().opened(), 0);

  v1::GetResponseFunnelRequest bad = request;
  bad.set_first_day("2026-12-31");
  bad.set_last_day("2026-12-01");
  ExpectError(analytics->GetResponseFunnel(Context().get(), bad, &funnel), grpc::StatusCode::INVALID_ARGUMENT,
              "last_day");
  bad = request;
  bad.clear_first_day();
  ExpectError(analytics->GetResponseFunnel(Context().get(), bad, &funnel), grpc::StatusCode::INVALID_ARGUMENT,
              "first_day");
  bad = request;
  bad.set_questionnaire_id("no-such-survey");
  ExpectError(analytics->GetResponseFunnel(Context().get(), bad, &funnel), grpc::StatusCode::NOT_FOUND);
}

TEST_P(ResponseE2eTest, BadSatisfactionQueriesAreRefusedNamingTheField) {
  auto analytics = v1::AnalyticsService::NewStub(channel());
  v1::GetSatisfactionResponse figures;
  auto query = [&](auto change) {
    v1::GetSatisfactionRequest request;
    request.set_questionnaire_id("post-delivery");
    request.set_first_day("2026-11-01");
    request.set_last_day("2026-11-30");
    change(request);
    return analytics->GetSatisfaction(Context().get(), request, &figures);
  };
  using Request = v1::GetSatisfactionRequest;
  ExpectError(query([](Request& r) { r.clear_questionnaire_id(); }), grpc::StatusCode::INVALID_ARGUMENT,
              "questionnaire_id");
  ExpectError(query([](Request& r) { r.set_questionnaire_id("no-such-survey"); }), grpc::StatusCode::NOT_FOUND);
  ExpectError(query([](Request& r) { r.set_questionnaire_version(-1); }), grpc::StatusCode::INVALID_ARGUMENT,
              "questionnaire_version");
  ExpectError(query([](Request& r) { r.clear_first_day(); }), grpc::StatusCode::INVALID_ARGUMENT, "first_day");
  ExpectError(query([](Request& r) { r.clear_last_day(); }), grpc::StatusCode::INVALID_ARGUMENT, "last_day");
  ExpectError(query([](Request& r) { r.set_first_day("2026-13-01"); }), grpc::StatusCode::INVALID_ARGUMENT,
              "first_day");
  ExpectError(query([](Request& r) { r.set_last_day("30/11/2026"); }), grpc::StatusCode::INVALID_ARGUMENT, "last_day");
  ExpectError(query([](Request& r) { r.set_first_day("2026-12-01"); }), grpc::StatusCode::INVALID_ARGUMENT, "last_day");
  ExpectError(query([](Request& r) { r.set_first_day("2020-01-01"); }), grpc::StatusCode::INVALID_ARGUMENT, "last_day");
  ExpectError(query([](Request& r) { r.add_group_by(v1::GROUPING_UNSPECIFIED); }), grpc::StatusCode::INVALID_ARGUMENT,
              "group_by[0]");
  ExpectError(query([](Request& r) { r.add_group_by(static_cast<v1::Grouping>(42)); }),
              grpc::StatusCode::INVALID_ARGUMENT, "group_by[0]");
  ExpectError(query([](Request& r) {
                r.add_group_by(v1::GROUPING_AGENT);
                r.add_group_by(v1::GROUPING_AGENT);
              }),
              grpc::StatusCode::INVALID_ARGUMENT, "group_by[1]");
  ExpectError(query([](Request& r) {
                r.add_group_by(v1::GROUPING_DAY);
                r.add_group_by(v1::GROUPING_MONTH);
              }),
              grpc::StatusCode::INVALID_ARGUMENT, "group_by[1]");
  ExpectError(query([](Request& r) { r.mutable_filter()->add_customer_types(v1::CUSTOMER_TYPE_UNSPECIFIED); }),
              grpc::StatusCode::INVALID_ARGUMENT, "filter.customer_types[0]");
  ExpectError(query([](Request& r) { r.mutable_filter()->add_channels(static_cast<v1::Channel>(9)); }),
              grpc::StatusCode::INVALID_ARGUMENT, "filter.channels[0]");
  ExpectError(query([](Request& r) { r.mutable_filter()->add_dimensions(v1::DIMENSION_UNSPECIFIED); }),
              grpc::StatusCode::INVALID_ARGUMENT, "filter.dimensions[0]");
  ExpectError(query([](Request& r) { r.mutable_filter()->add_agent_ids(std::string(65, 'a')); }),
              grpc::StatusCode::INVALID_ARGUMENT, "filter.agent_ids[0]");
  // A comparison range: both days, in order, at most 1,100 days, not beside a period.
  ExpectError(query([](Request& r) { r.set_compare_first_day("2026-10-01"); }), grpc::StatusCode::INVALID_ARGUMENT,
              "compare_last_day");
  ExpectError(query([](Request& r) { r.set_compare_last_day("2026-10-31"); }), grpc::StatusCode::INVALID_ARGUMENT,
              "compare_first_day");
  ExpectError(query([](Request& r) {
                r.set_compare_first_day("2026-10-31");
                r.set_compare_last_day("2026-10-01");
              }),
              grpc::StatusCode::INVALID_ARGUMENT, "compare_last_day");
  ExpectError(query([](Request& r) {
                r.set_compare_first_day("2026-10-1");
                r.set_compare_last_day("2026-10-31");
              }),
              grpc::StatusCode::INVALID_ARGUMENT, "compare_first_day");
  ExpectError(query([](Request& r) {
                r.set_compare_first_day("2020-01-01");
                r.set_compare_last_day("2026-10-31");
              }),
              grpc::StatusCode::INVALID_ARGUMENT, "compare_last_day");
  ExpectError(query([](Request& r) {
                r.set_compare_first_day("2026-10-01");
                r.set_compare_last_day("2026-10-31");
                r.add_group_by(v1::GROUPING_WEEK);
              }),
              grpc::StatusCode::INVALID_ARGUMENT, "group_by");
  ExpectError(query([](Request& r) {
                for (int i = 0; i <= 100; ++i) r.mutable_filter()->add_agent_ids(absl::StrCat("agent-", i));
              }),
              grpc::StatusCode::INVALID_ARGUMENT, "filter.agent_ids");
  ExpectError(query([](Request& r) { r.set_min_responses(-5); }), grpc::StatusCode::INVALID_ARGUMENT, "min_responses");
}

// A weighting by customer type: bad ones are refused naming the field; a good
// one gives the figures the registry's mix makes of the answer.
TEST_P(ResponseE2eTest, BadWeightingsAreRefusedNamingTheFieldAndAGoodOneWeighs) {
  v1::Response stored;
  grpc::Status status = stub_->SubmitResponse(Context().get(), Answers(), &stored);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::string today = absl::FormatTime("%Y-%m-%d", absl::Now(), absl::FixedTimeZone(8 * 3600));
  auto analytics = v1::AnalyticsService::NewStub(channel());
  v1::GetSatisfactionRequest request;
  request.set_questionnaire_id(stored.questionnaire_id());
  request.set_first_day(today);
  request.set_last_day(today);
  using Request = v1::GetSatisfactionRequest;
  auto query = [&](auto change) {
    Request changed = request;
    change(changed);
    v1::GetSatisfactionResponse refused;
    grpc::Status result = analytics->GetSatisfaction(Context().get(), changed, &refused);
    EXPECT_EQ(refused.groups_size(), 0) << "a refusal carries no figures";
    return result;
  };
  auto share = [](Request& r, int type, double value) {
    r.mutable_weighting()->set_target(v1::WEIGHTING_TARGET_GIVEN);
    v1::CustomerTypeShare& added = *r.mutable_weighting()->add_shares();
    added.set_customer_type(static_cast<v1::CustomerType>(type));
    added.set_share(value);
  };
  ExpectError(query([](Request& r) { r.mutable_weighting()->set_target(static_cast<v1::WeightingTarget>(3)); }),
              grpc::StatusCode::INVALID_ARGUMENT, "weighting.target");
  ExpectError(query([&](Request& r) { share(r, 9, 1); }), grpc::StatusCode::INVALID_ARGUMENT,
              "weighting.shares[0].customer_type");
  ExpectError(query([&](Request& r) { share(r, v1::CUSTOMER_TYPE_UNSPECIFIED, 1); }),
              grpc::StatusCode::INVALID_ARGUMENT, "weighting.shares[0].customer_type");
  ExpectError(query([&](Request& r) {
                share(r, v1::CUSTOMER_TYPE_NEW, 60);
                share(r, v1::CUSTOMER_TYPE_LOYAL, 30);
                share(r, v1::CUSTOMER_TYPE_NEW, 10);
              }),
              grpc::StatusCode::INVALID_ARGUMENT, "weighting.shares[2].customer_type");
  for (double bad : {0.0, -0.5, std::nan(""), std::numeric_limits<double>::infinity()}) {
    ExpectError(query([&](Request& r) {
                  share(r, v1::CUSTOMER_TYPE_NEW, 1);
                  share(r, v1::CUSTOMER_TYPE_LOYAL, bad);
                }),
                grpc::StatusCode::INVALID_ARGUMENT, "weighting.shares[1].share");
  }
  ExpectError(query([&](Request& r) {
                share(r, v1::CUSTOMER_TYPE_NEW, 1);
                r.mutable_weighting()->set_target(v1::WEIGHTING_TARGET_REGISTRY);
              }),
              grpc::StatusCode::INVALID_ARGUMENT, "weighting.shares");
  ExpectError(query([&](Request& r) {
                share(r, v1::CUSTOMER_TYPE_NEW, 1);
                r.mutable_weighting()->set_target(v1::WEIGHTING_TARGET_UNSPECIFIED);
              }),
              grpc::StatusCode::INVALID_ARGUMENT, "weighting.shares");
  ExpectError(query([](Request& r) { r.mutable_weighting()->set_target(v1::WEIGHTING_TARGET_GIVEN); }),
              grpc::StatusCode::INVALID_ARGUMENT, "weighting.shares");
  ExpectError(query([&](Request& r) {
                share(r, v1::CUSTOMER_TYPE_LOYAL, 1);
                r.mutable_filter()->add_customer_types(v1::CUSTOMER_TYPE_NEW);
              }),
              grpc::StatusCode::INVALID_ARGUMENT, "weighting.shares");
  ExpectError(query([](Request& r) {
                r.mutable_weighting()->set_target(v1::WEIGHTING_TARGET_REGISTRY);
                r.add_group_by(v1::GROUPING_CUSTOMER_TYPE);
              }),
              grpc::StatusCode::INVALID_ARGUMENT, "weighting: ");

  // The registry holds one customer, new, who gave five answers: each weighs 1.
  request.mutable_weighting()->set_target(v1::WEIGHTING_TARGET_REGISTRY);
  v1::GetSatisfactionResponse figures;
  status = analytics->GetSatisfaction(Context().get(), request, &figures);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(figures.groups_size(), 1);
  const v1::WeightedFigures& weighted = figures.groups(0).weighted();
  EXPECT_DOUBLE_EQ(weighted.mean_score(), figures.groups(0).figures().mean_score());
  EXPECT_DOUBLE_EQ(weighted.effective_answers(), 5);
  EXPECT_EQ(weighted.uncovered_share(), 0);
  ASSERT_EQ(weighted.strata_size(), 1);
  EXPECT_EQ(weighted.strata(0).customer_type(), v1::CUSTOMER_TYPE_NEW);
  EXPECT_EQ(weighted.strata(0).target_share(), 1);
  EXPECT_EQ(weighted.strata(0).weight(), 1);
}

// The survey page and its JSON endpoint, as a browser sees them.
TEST_P(ResponseE2eTest, TheSurveyPageIsServedInTheVisitorsLanguageWithTightHeaders) {
  int port = server_->server().http_port();
  // The link came in a Chinese message; a browser that takes only English gets English.
  absl::StatusOr<HttpReply> english =
      HttpGet(port, absl::StrCat("/s/", token_), {{"Accept-Language", "en-GB,en;q=0.9"}});
  ASSERT_TRUE(english.ok()) << english.status();
  EXPECT_EQ(english->status, 200);
  EXPECT_TRUE(absl::StrContains(english->body, "<html lang=\"en\">")) << english->body.substr(0, 200);
  EXPECT_TRUE(absl::StrContains(english->body, "data-code=\"overall\""));
  EXPECT_TRUE(absl::StrContains(english->body, ">Submit<"));
  EXPECT_EQ(english->Header("Cache-Control"), "no-store");
  EXPECT_EQ(english->Header("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(english->Header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(english->Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_TRUE(absl::StrContains(english->Header("Content-Security-Policy"), "default-src 'none'"));
  EXPECT_FALSE(absl::StrContains(english->body, "http://")) << "no external assets";
  EXPECT_FALSE(absl::StrContains(english->body, "https://")) << "no external assets";

  absl::StatusOr<HttpReply> chinese =
      HttpGet(port, absl::StrCat("/s/", token_), {{"Accept-Language", "zh-CN,zh;q=0.9"}});
  ASSERT_TRUE(chinese.ok()) << chinese.status();
  EXPECT_EQ(chinese->status, 200);
  EXPECT_TRUE(absl::StrContains(chinese->body, "<html lang=\"zh-CN\">"));
  EXPECT_TRUE(absl::StrContains(chinese->body, ">提交<"));

  for (const char* unknown : {"/s/AAAAAAAAAAAAAAAAAAAAAA", "/s/not*a*token", "/s/", "/s/a/b"}) {
    absl::StatusOr<HttpReply> page = HttpGet(port, unknown);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->status, 404) << unknown;
    EXPECT_EQ(page->Header("Cache-Control"), "no-store") << unknown;
  }
}

// A customer who reads English got the link in an English message: the page
// is English too, unless the browser takes only Chinese.
TEST_P(ResponseE2eTest, TheSurveyPageOpensInTheLanguageOfItsMessage) {
  v1::OutboxMessage message = test_support::SurveyMessage(*server_, "reads-english", "en");
  ASSERT_EQ(message.language(), "en");
  std::string english_link = absl::StrCat("/s/", test_support::TokenOf(message.survey_url()));
  std::string chinese_link = absl::StrCat("/s/", token_);
  int port = server_->server().http_port();
  auto page_language = [&](const std::string& link, const std::string& accept_language) -> std::string {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!accept_language.empty()) headers.emplace_back("Accept-Language", accept_language);
    absl::StatusOr<HttpReply> page = HttpGet(port, link, headers);
    if (!page.ok() || page->status != 200) return page.ok() ? absl::StrCat("HTTP ", page->status) : "failed";
    for (const char* language : {"en", "zh-CN"}) {
      if (absl::StrContains(page->body, absl::StrCat("<html lang=\"", language, "\">"))) return language;
    }
    return "no language";
  };
  EXPECT_EQ(page_language(english_link, ""), "en") << "nothing asked";
  EXPECT_EQ(page_language(english_link, "zh-CN,zh;q=0.9,en;q=0.8"), "en") << "the browser takes English too";
  EXPECT_EQ(page_language(english_link, "fr-FR,fr"), "en") << "the browser takes neither";
  EXPECT_EQ(page_language(english_link, "zh-CN,zh;q=0.9"), "zh-CN") << "the browser takes only Chinese";
  EXPECT_EQ(page_language(chinese_link, ""), "zh-CN");
  EXPECT_EQ(page_language(chinese_link, "en-US,en;q=0.9,zh-CN;q=0.8"), "zh-CN") << "the browser takes Chinese too";
  EXPECT_EQ(page_language(chinese_link, "en-US,en;q=0.9"), "en") << "the browser takes only English";
}

TEST_P(ResponseE2eTest, AnswersPostedAsJsonAreStoredOnceAndThePageThenSaysSo) {
  int port = server_->server().http_port();
  std::string body = absl::StrCat(R"({"invitationToken":")", token_, R"(","idempotencyKey":"web-1","answers":[)",
                                  R"({"itemCode":"product_quality","score":5},{"itemCode":"price","score":4},)",
                                  R"({"itemCode":"delivery","score":4},{"itemCode":"recommend","score":5},)",
                                  R"({"itemCode":"overall","score":5},{"itemCode":"comment","text":"很满意"}]})");
  absl::StatusOr<HttpReply> stored = HttpPost(port, "/v1/responses", body, "application/json");
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->status, 200) << stored->body;
  EXPECT_EQ(stored->Header("Cache-Control"), "no-store");
  EXPECT_TRUE(absl::StrContains(stored->body, R"("questionnaireId":"post-delivery")")) << stored->body;
  absl::StatusOr<HttpReply> retried = HttpPost(port, "/v1/responses", body, "application/json");
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->status, 200) << "the same idempotency key: the same answer";
  EXPECT_EQ(retried->body, stored->body);

  std::string again = body;
  again.replace(again.find("web-1"), 5, "web-2");
  absl::StatusOr<HttpReply> conflict = HttpPost(port, "/v1/responses", again, "application/json");
  ASSERT_TRUE(conflict.ok()) << conflict.status();
  EXPECT_EQ(conflict->status, 409) << conflict->body;
  absl::StatusOr<HttpReply> page = HttpGet(port, absl::StrCat("/s/", token_));
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->status, 410);
  EXPECT_TRUE(absl::StrContains(page->body, "已经提交过了")) << "zh-CN without Accept-Language";
}

TEST_P(ResponseE2eTest, BadPostsGetTheRightHttpStatusAndStoreNothing) {
  int port = server_->server().http_port();
  auto post = [&](const std::string& body, const char* type = "application/json") {
    absl::StatusOr<HttpReply> result = HttpPost(port, "/v1/responses", body, type);
    EXPECT_TRUE(result.ok()) << result.status();
    if (!result.ok()) return -1;
    EXPECT_TRUE(absl::StrContains(result->body, absl::StrCat(R"({"error":{"code":)", result->status))) << result->body;
    return result->status;
  };
  std::string token = absl::StrCat(R"("invitationToken":")", token_, R"(")");
  EXPECT_EQ(post(absl::StrCat("{", token, "}"), "text/plain"), 415);
  EXPECT_EQ(post("{not json"), 400);
  EXPECT_EQ(post(R"({"invitationToken":"AAAAAAAAAAAAAAAAAAAAAA","answers":[{"itemCode":"overall","score":5}]})"), 404);
  EXPECT_EQ(post(absl::StrCat("{", token, R"(,"answers":[{"itemCode":"overall","score":6}]})")), 400);
  EXPECT_EQ(post(absl::StrCat("{", token, R"(,"answers":[{"itemCode":"overall","score":5}],"unknown":1})")), 400);
  EXPECT_EQ(post(R"({"callback":{"callbackId":"1","leaseToken":"x"},"answers":[{"itemCode":"overall","score":5}]})"),
            403);
  EXPECT_EQ(post(absl::StrCat("{", token, R"(,"answers":[{"itemCode":"comment","text":")", std::string(70'000, 'x'),
                              R"("}]})")),
            413);
  EXPECT_EQ(post(absl::StrCat("{", token, R"(,"answers":[{"itemCode":"comment","text":"ÿ"}]})")), 400);
  absl::StatusOr<HttpReply> page = HttpGet(port, absl::StrCat("/s/", token_));
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->status, 200) << "none of that was stored";
}

TEST_P(ResponseE2eTest, AnExpiredLinkSaysSo) {
  absl::StatusOr<std::unique_ptr<storage::Database>> database =
      storage::Database::Connect({.url = test_database_->url()});
  ASSERT_TRUE(database.ok()) << database.status();
  ASSERT_TRUE((*database)
                  ->InTransaction(storage::Access::kWrite,
                                  [](storage::Transaction& tx) {
                                    soci::session& session = tx.session();
                                    session << "UPDATE invitations SET expires_at_us = 1";
                                    return absl::OkStatus();
                                  })
                  .ok());
  absl::StatusOr<HttpReply> page =
      HttpGet(server_->server().http_port(), absl::StrCat("/s/", token_), {{"Accept-Language", "en"}});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->status, 410);
  EXPECT_TRUE(absl::StrContains(page->body, "expired"));
  v1::Response response;
  ExpectError(stub_->SubmitResponse(Context().get(), Answers(), &response), grpc::StatusCode::FAILED_PRECONDITION,
              "invitation_token");
}

TEST_P(ResponseE2eTest, EachClientIsRateLimited) {
  server::ServerConfig config;
  config.http_rate_limit = 3;  // bursts of 1
  std::unique_ptr<test_support::TestServer> strict = StartServer(config);
  ASSERT_NE(strict, nullptr);
  int port = strict->server().http_port();
  absl::StatusOr<HttpReply> first = HttpGet(port, absl::StrCat("/s/", token_));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->status, 200);
  absl::StatusOr<HttpReply> limited = HttpGet(port, absl::StrCat("/s/", token_));
  ASSERT_TRUE(limited.ok()) << limited.status();
  EXPECT_EQ(limited->status, 429);
  EXPECT_FALSE(limited->Header("Retry-After").empty());
  absl::StatusOr<HttpReply> posted = HttpPost(port, "/v1/responses", "{}", "application/json");
  ASSERT_TRUE(posted.ok()) << posted.status();
  EXPECT_EQ(posted->status, 429) << "the page and the endpoint share the client's allowance";
  EXPECT_FALSE(posted->Header("Retry-After").empty());
  absl::StatusOr<HttpReply> health = HttpGet(port, "/healthz");
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(health->status, 200) << "health checks are not limited";
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(ResponseE2eTest);

}  // namespace
}  // namespace satisfaction
