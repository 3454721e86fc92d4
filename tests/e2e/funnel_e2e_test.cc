// The response funnel end to end, on each backend, through a real gRPC
// channel: surveys sent by SMS and made by phone, delivered or not, picked up
// or not, answered online or on the call, with receipts and reports sent
// twice. The total kept as they happen (totals_only) must match the count
// revisit by revisit, and the numbers the test knows; a rebuild restores
// counts that were broken, and marks a call recorded, behind the server's
// back.
#include <grpcpp/grpcpp.h>

#include <initializer_list>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "satisfaction/v1/analytics.grpc.pb.h"
#include "satisfaction/v1/callback.grpc.pb.h"
#include "satisfaction/v1/message.grpc.pb.h"
#include "satisfaction/v1/response.grpc.pb.h"
#include "services/revisits/funnel_counts.h"
#include "tests/e2e/complaint_calls.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/survey_links.h"
#include "tests/support/test_database.h"

namespace satisfaction {
namespace {

using test_support::Context;

class FunnelE2eTest : public test_support::ServiceE2eTest<v1::AnalyticsService> {
 protected:
  FunnelE2eTest() : ServiceE2eTest({.templates = test_support::Templates::kRepository}) {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServiceE2eTest::SetUp());
    test_support::OpenAllDay(channel(), "message_windows");
    test_support::OpenAllDay(channel(), "call_windows");
  }

  // The gateway's receipt for `message`.
  void Deliver(const v1::OutboxMessage& message, v1::DeliveryOutcome outcome) {
    v1::ReportDeliveryRequest report;
    report.set_message_id(message.id());
    report.set_lease_token(message.lease_token());
    report.set_outcome(outcome);
    v1::ReportDeliveryResponse reported;
    grpc::Status status = v1::MessageService::NewStub(channel())->ReportDelivery(Context().get(), report, &reported);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // The dialer's report of `call`.
  void Report(const v1::Callback& call, v1::CallOutcome outcome) {
    v1::ReportDispositionRequest report;
    report.set_callback_id(call.id());
    report.set_lease_token(call.lease_token());
    report.set_outcome(outcome);
    v1::ReportDispositionResponse reported;
    grpc::Status status =
        v1::CallbackService::NewStub(channel())->ReportDisposition(Context().get(), report, &reported);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // Answers, scoring every item 4, through the survey link of `message`.
  void AnswerOnline(const v1::OutboxMessage& message) {
    v1::SubmitResponseRequest request;
    request.set_invitation_token(test_support::TokenOf(message.survey_url()));
    SubmitScoringFours(request, {"product_quality", "price", "delivery", "recommend", "overall"});
  }

  // Answers the after-sales follow-up on `call`, scoring every item 4.
  void AnswerOnTheCall(const v1::Callback& call) {
    v1::SubmitResponseRequest request;
    request.mutable_callback()->set_callback_id(call.id());
    request.mutable_callback()->set_lease_token(call.lease_token());
    SubmitScoringFours(
        request, {"problem_solved", "response_speed", "solution_fairness", "agent_attitude", "buy_again", "overall"});
  }

  // Submits `request` with a 4 for each of `codes`.
  void SubmitScoringFours(v1::SubmitResponseRequest& request, std::initializer_list<const char*> codes) {
    for (const char* code : codes) {
      v1::Answer& answer = *request.add_answers();
      answer.set_item_code(code);
      answer.set_score(4);
    }
    v1::Response stored;
    grpc::Status status = v1::ResponseService::NewStub(channel())->SubmitResponse(Context().get(), request, &stored);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // GetResponseFunnel for yesterday and today in the server's zone (the
  // surveys were planned today), of `questionnaire` ("" for all).
  v1::GetResponseFunnelResponse Funnel(const std::string& questionnaire, bool totals_only) {
    v1::GetResponseFunnelRequest request;
    absl::TimeZone shanghai = absl::FixedTimeZone(8 * 3600);
    request.set_first_day(absl::FormatTime("%Y-%m-%d", absl::Now() - absl::Hours(24), shanghai));
    request.set_last_day(absl::FormatTime("%Y-%m-%d", absl::Now(), shanghai));
    request.set_questionnaire_id(questionnaire);
    request.set_totals_only(totals_only);
    v1::GetResponseFunnelResponse funnel;
    grpc::Status status = stub_->GetResponseFunnel(Context().get(), request, &funnel);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return funnel;
  }

  // The kept total against the one counted revisit by revisit, and against
  // the counts the test expects.
  void ExpectTotals(const std::string& questionnaire, long long planned, long long reached, long long responded) {
    SCOPED_TRACE(questionnaire.empty() ? "every questionnaire" : questionnaire);
    v1::GetResponseFunnelResponse kept = Funnel(questionnaire, /*totals_only=*/true);
    v1::GetResponseFunnelResponse counted = Funnel(questionnaire, /*totals_only=*/false);
    EXPECT_EQ(kept.rows_size(), 0);
    EXPECT_GT(counted.rows_size(), 0);
    EXPECT_EQ(kept.total().planned(), planned);
    EXPECT_EQ(kept.total().contacted(), reached);
    EXPECT_EQ(kept.total().responded(), responded);
    EXPECT_EQ(kept.total().SerializeAsString(), counted.total().SerializeAsString())
        << "kept: " << kept.total().ShortDebugString() << "\ncounted: " << counted.total().ShortDebugString();
    EXPECT_EQ(kept.recovery().SerializeAsString(), counted.recovery().SerializeAsString());
  }
};

TEST_P(FunnelE2eTest, TheKeptTotalIsTheRevisitByRevisitCountAndARebuildRestoresIt) {
  // Post-delivery surveys by SMS.
  v1::OutboxMessage delivered = test_support::SurveyMessage(*server_, "sms-delivered");
  Deliver(delivered, v1::DELIVERY_OUTCOME_DELIVERED);
  Deliver(delivered, v1::DELIVERY_OUTCOME_DELIVERED);  // the same receipt again
  v1::OutboxMessage answered = test_support::SurveyMessage(*server_, "sms-answered");
  Deliver(answered, v1::DELIVERY_OUTCOME_DELIVERED);
  AnswerOnline(answered);
  v1::OutboxMessage answered_first = test_support::SurveyMessage(*server_, "sms-answered-first");
  AnswerOnline(answered_first);
  Deliver(answered_first, v1::DELIVERY_OUTCOME_DELIVERED);  // the receipt after the answer
  test_support::SurveyMessage(*server_, "sms-not-sent-yet");
  Deliver(test_support::SurveyMessage(*server_, "sms-failed"), v1::DELIVERY_OUTCOME_FAILED);
  // After-sales follow-ups by phone.
  Report(test_support::DueComplaintSurveyCall(channel(), "call-no-answer"), v1::CALL_OUTCOME_NO_ANSWER);
  Report(test_support::DueComplaintSurveyCall(channel(), "call-refused"), v1::CALL_OUTCOME_REFUSED);
  Report(test_support::DueComplaintSurveyCall(channel(), "call-later"), v1::CALL_OUTCOME_CALL_BACK_LATER);
  v1::Callback taken = test_support::DueComplaintSurveyCall(channel(), "call-answered");
  AnswerOnTheCall(taken);
  Report(taken, v1::CALL_OUTCOME_COMPLETED);
  Report(taken, v1::CALL_OUTCOME_COMPLETED);  // the same report again
  Report(test_support::DueComplaintSurveyCall(channel(), "call-busy"), v1::CALL_OUTCOME_BUSY);

  ASSERT_NO_FATAL_FAILURE(ExpectTotals("post-delivery", 5, 3, 2));
  ASSERT_NO_FATAL_FAILURE(ExpectTotals("after-sales-follow-up", 5, 3, 1));
  ASSERT_NO_FATAL_FAILURE(ExpectTotals("", 10, 6, 3));

  // Counts lost or wrong behind the server's back (a restore, a manual
  // edit): the kept total is off until a rebuild recounts it.
  std::unique_ptr<storage::Database> database = test_support::OpenMigrated(*test_database_, 1);
  // A quarter-hour's counts are spread over the node's rows, by revisit.
  EXPECT_EQ(test_support::QueryNumber(*database, "SELECT COUNT(DISTINCT slot) FROM revisit_funnel_rollups"),
            revisits::kFunnelSlotsANode);
  long long quarter = revisits::FunnelBucketOf(absl::ToUnixMicros(absl::Now()));
  ASSERT_TRUE(test_support::ExecuteSql(*database, absl::StrCat("INSERT INTO revisit_funnel_rollups (questionnaire_id,"
                                                               " quarter_start_us, slot, planned, reached, responded)"
                                                               " VALUES ('post-delivery', ",
                                                               quarter, ", 40, 7, 0, 0)"))
                  .ok());
  ASSERT_TRUE(test_support::ExecuteSql(*database,
                                       "DELETE FROM revisit_funnel_rollups WHERE questionnaire_id ="
                                       " 'after-sales-follow-up'")
                  .ok());
  // A call picked up, recorded straight into the database: not marked, so
  // the kept total does not count it until a rebuild marks it.
  long long no_answer =
      test_support::QueryNumber(*database, "SELECT id FROM revisits WHERE event_id = 'complaint-of-call-no-answer'");
  ASSERT_TRUE(test_support::ExecuteSql(*database, absl::StrCat("INSERT INTO call_attempts (revisit_id, number, outcome,"
                                                               " agent_id, notes, lease_token_hash, reported_at_us)"
                                                               " VALUES (",
                                                               no_answer, ", 2, 1, 'agent-li', '', 'by-hand', 0)"))
                  .ok());
  EXPECT_EQ(Funnel("post-delivery", true).total().planned(), 12);
  EXPECT_EQ(Funnel("after-sales-follow-up", true).total().planned(), 0);
  for (const auto& [questionnaire, revisits] :
       {std::pair<std::string, long long>{"post-delivery", 5}, {"after-sales-follow-up", 5}}) {
    v1::RebuildAggregatesRequest rebuild;
    rebuild.set_questionnaire_id(questionnaire);
    v1::RebuildAggregatesResponse rebuilt;
    grpc::Status status = stub_->RebuildAggregates(Context().get(), rebuild, &rebuilt);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(rebuilt.funnel_revisits(), revisits) << questionnaire;
  }
  EXPECT_EQ(test_support::QueryNumber(*database, "SELECT COUNT(*) FROM revisit_funnel_rollups WHERE slot <> 0"), 0);
  ExpectTotals("post-delivery", 5, 3, 2);
  ExpectTotals("after-sales-follow-up", 5, 4, 1);

  // Writers go on adding to the rebuilt counts.
  AnswerOnline(delivered);
  Deliver(test_support::SurveyMessage(*server_, "sms-after-the-rebuild"), v1::DELIVERY_OUTCOME_DELIVERED);
  ExpectTotals("post-delivery", 6, 4, 3);
  ExpectTotals("", 11, 8, 4);
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(FunnelE2eTest);

}  // namespace
}  // namespace satisfaction
