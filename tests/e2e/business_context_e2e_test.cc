// Business context end to end, on each backend, through a real gRPC channel:
// what an event is about reaches its message, callback, call script,
// response, recovery call and the satisfaction figures and export.
#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "satisfaction/v1/analytics.grpc.pb.h"
#include "satisfaction/v1/callback.grpc.pb.h"
#include "satisfaction/v1/customer.grpc.pb.h"
#include "satisfaction/v1/response.grpc.pb.h"
#include "satisfaction/v1/revisit.grpc.pb.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/revisit_lists.h"
#include "tests/e2e/survey_links.h"

namespace satisfaction {
namespace {

using google::protobuf::util::MessageDifferencer;
using google::protobuf::util::TimeUtil;
using test_support::Context;
using test_support::ExpectError;

constexpr char kPublicUrl[] = "https://survey.example.cn";

v1::BusinessContext OrderContext() {
  v1::BusinessContext context;
  context.set_order_id("JD-20261201-7");
  context.set_platform("京东");
  context.set_store("优品旗舰店");
  context.set_product_category("家用电器");
  context.set_courier("顺丰");
  context.set_amount_minor(12850);
  return context;
}

class BusinessContextE2eTest : public test_support::ServiceE2eTest<v1::RevisitService> {
 protected:
  BusinessContextE2eTest()
      : ServiceE2eTest({.config = {.public_url = kPublicUrl}, .templates = test_support::Templates::kRepository}) {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServiceE2eTest::SetUp());
    test_support::OpenAllDay(channel(), "message_windows");
    test_support::OpenAllDay(channel(), "call_windows");
    responses_ = v1::ResponseService::NewStub(channel());
    callbacks_ = v1::CallbackService::NewStub(channel());
    analytics_ = v1::AnalyticsService::NewStub(channel());
  }

  // Answers the post-delivery survey of `message` with `overall` and 4 for the rest.
  v1::Response AnswerSurvey(const v1::OutboxMessage& message, int overall) {
    v1::SubmitResponseRequest request;
    request.set_invitation_token(test_support::TokenOf(message.survey_url()));
    for (const char* code : {"product_quality", "price", "delivery", "recommend"}) {
      v1::Answer& answer = *request.add_answers();
      answer.set_item_code(code);
      answer.set_score(4);
    }
    v1::Answer& answer = *request.add_answers();
    answer.set_item_code("overall");
    answer.set_score(overall);
    v1::Response stored;
    grpc::Status status = responses_->SubmitResponse(Context().get(), request, &stored);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return stored;
  }

  v1::FetchDueCallbacksResponse Fetch(const std::string& agent_id = "") {
    v1::FetchDueCallbacksRequest fetch;
    fetch.set_queue("default");
    fetch.set_agent_id(agent_id);
    fetch.set_max_count(5);
    fetch.mutable_lease_duration()->set_seconds(60);
    v1::FetchDueCallbacksResponse fetched;
    grpc::Status status = callbacks_->FetchDueCallbacks(Context().get(), fetch, &fetched);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return fetched;
  }

  v1::GetSatisfactionRequest FiguresOfToday(const std::string& questionnaire_id) {
    std::string today = absl::FormatTime("%Y-%m-%d", absl::Now(), absl::FixedTimeZone(8 * 3600));
    v1::GetSatisfactionRequest request;
    request.set_questionnaire_id(questionnaire_id);
    request.set_first_day(today);
    request.set_last_day(today);
    return request;
  }

  v1::GetSatisfactionResponse Figures(const v1::GetSatisfactionRequest& request) {
    v1::GetSatisfactionResponse figures;
    grpc::Status status = analytics_->GetSatisfaction(Context().get(), request, &figures);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return figures;
  }

  std::string ExportCsv(v1::ExportResponsesRequest request) {
    request.set_format(v1::EXPORT_FORMAT_CSV);
    auto context = Context();
    auto reader = analytics_->ExportResponses(context.get(), request);
    v1::ExportResponsesPage page;
    std::string csv;
    while (reader->Read(&page)) csv += page.csv();
    grpc::Status status = reader->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    return csv;
  }

  std::unique_ptr<v1::ResponseService::Stub> responses_;
  std::unique_ptr<v1::CallbackService::Stub> callbacks_;
  std::unique_ptr<v1::AnalyticsService::Stub> analytics_;
};

TEST_P(BusinessContextE2eTest, AnOrdersContextReachesItsMessageItsAnswerTheFiguresAndTheExport) {
  v1::OutboxMessage message = test_support::SurveyMessage(*server_, "c1", "", OrderContext());
  ASSERT_FALSE(message.id().empty());
  EXPECT_TRUE(MessageDifferencer::Equals(message.context(), OrderContext())) << message.context().DebugString();
  EXPECT_EQ(message.order_id(), "JD-20261201-7");
  EXPECT_TRUE(absl::StrContains(message.text(), "您在优品旗舰店的订单JD-20261201-7已签收")) << message.text();

  v1::Response answered = AnswerSurvey(message, 5);
  EXPECT_TRUE(MessageDifferencer::Equals(answered.context(), OrderContext())) << answered.context().DebugString();
  v1::GetResponseRequest get;
  get.set_id(answered.id());
  v1::Response read;
  ASSERT_TRUE(responses_->GetResponse(Context().get(), get, &read).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(read.context(), OrderContext())) << read.context().DebugString();

  // A second customer's delivery, without context, counts in the figures but
  // in none of the groups by context.
  v1::OutboxMessage plain = test_support::SurveyMessage(*server_, "c2");
  ASSERT_FALSE(plain.id().empty());
  AnswerSurvey(plain, 1);

  v1::GetSatisfactionRequest request = FiguresOfToday(answered.questionnaire_id());
  v1::GetSatisfactionResponse all = Figures(request);
  ASSERT_EQ(all.groups_size(), 1);
  EXPECT_EQ(all.groups(0).responses(), 2);

  request.add_group_by(v1::GROUPING_PLATFORM);
  request.add_group_by(v1::GROUPING_STORE);
  request.add_group_by(v1::GROUPING_COURIER);
  v1::GetSatisfactionResponse by_context = Figures(request);
  ASSERT_EQ(by_context.groups_size(), 1) << by_context.DebugString();
  const v1::SatisfactionGroup& group = by_context.groups(0);
  EXPECT_EQ(group.platform(), "京东");
  EXPECT_EQ(group.store(), "优品旗舰店");
  EXPECT_EQ(group.courier(), "顺丰");
  EXPECT_EQ(group.product_category(), "") << "not grouped by";
  EXPECT_EQ(group.responses(), 1);
  EXPECT_EQ(group.figures().answers(), 5);
  EXPECT_DOUBLE_EQ(group.figures().mean_score(), 21.0 / 5);

  // Filtered by a store nobody answered for: one empty group.
  v1::GetSatisfactionRequest other_store = FiguresOfToday(answered.questionnaire_id());
  other_store.mutable_filter()->add_stores("另一家店");
  v1::GetSatisfactionResponse none = Figures(other_store);
  ASSERT_EQ(none.groups_size(), 1);
  EXPECT_EQ(none.groups(0).responses(), 0);
  EXPECT_FALSE(none.groups(0).figures().has_mean_score());

  // A rebuild from the raw responses gives the same figures by context.
  v1::RebuildAggregatesRequest rebuild;
  rebuild.set_questionnaire_id(answered.questionnaire_id());
  v1::RebuildAggregatesResponse rebuilt;
  ASSERT_TRUE(analytics_->RebuildAggregates(Context().get(), rebuild, &rebuilt).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(Figures(request), by_context));

  v1::ExportResponsesRequest export_request;
  export_request.set_questionnaire_id(answered.questionnaire_id());
  export_request.set_first_day(request.first_day());
  export_request.set_last_day(request.last_day());
  std::string csv = ExportCsv(export_request);
  EXPECT_TRUE(absl::StrContains(csv,
                                "agent_id,order_id,platform,store,product_category,courier,amount_minor,case_id,"
                                "cause,"))
      << csv;
  EXPECT_TRUE(absl::StrContains(csv, ",JD-20261201-7,京东,优品旗舰店,家用电器,顺丰,12850,,,")) << csv;
  export_request.mutable_filter()->add_platforms("京东");
  std::string jd_only = ExportCsv(export_request);
  EXPECT_TRUE(absl::StrContains(jd_only, absl::StrCat("\n", answered.id(), ","))) << jd_only;
  EXPECT_FALSE(absl::StrContains(jd_only, ",c2,")) << jd_only;
}

TEST_P(BusinessContextE2eTest, AComplaintsContextReachesItsCallTheRecoveryCallAndTheLastAnswer) {
  v1::UpsertCustomerRequest customer;
  customer.mutable_customer()->set_external_id("c1");
  customer.mutable_customer()->set_name("王芳");
  customer.mutable_customer()->set_phone("+8613912340000");
  customer.mutable_customer()->mutable_consent()->set_phone(true);
  v1::UpsertCustomerResponse upserted;
  ASSERT_TRUE(v1::CustomerService::NewStub(channel())->UpsertCustomer(Context().get(), customer, &upserted).ok());
  // Closed two days ago: the standard complaint call is due now.
  v1::RecordEventRequest event;
  event.mutable_event()->set_event_id("complaint-1");
  event.mutable_event()->set_customer_external_id("c1");
  event.mutable_event()->set_trigger(v1::TRIGGER_COMPLAINT_CLOSED);
  event.mutable_event()->set_case_id("CS-7");
  *event.mutable_event()->mutable_occur_time() =
      TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now() - absl::Hours(48)));
  v1::BusinessContext& context = *event.mutable_event()->mutable_context();
  context.set_platform(" 淘宝 ");  // trimmed
  context.set_cause("物流延迟");
  v1::RecordEventResponse recorded;
  grpc::Status status = stub_->RecordEvent(Context().get(), event, &recorded);
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::BusinessContext expected;
  expected.set_platform("淘宝");
  expected.set_case_id("CS-7");
  expected.set_cause("物流延迟");
  EXPECT_TRUE(MessageDifferencer::Equals(recorded.event().context(), expected)) << recorded.event().DebugString();
  ASSERT_EQ(recorded.revisits_size(), 1);
  EXPECT_TRUE(MessageDifferencer::Equals(recorded.revisits(0).context(), expected));

  v1::FetchDueCallbacksResponse fetched = Fetch();
  ASSERT_EQ(fetched.callbacks_size(), 1);
  const v1::Callback& call = fetched.callbacks(0);
  EXPECT_TRUE(MessageDifferencer::Equals(call.context(), expected)) << call.context().DebugString();
  EXPECT_TRUE(absl::StrContains(call.call_script(), "您之前反映的“物流延迟”问题")) << call.call_script();
  EXPECT_FALSE(call.has_last_response()) << "the customer never answered";

  v1::SubmitResponseRequest answers;
  answers.mutable_callback()->set_callback_id(call.id());
  answers.mutable_callback()->set_lease_token(call.lease_token());
  answers.mutable_callback()->set_agent_id("agent-9");
  for (const char* code : {"problem_solved", "response_speed", "solution_fairness", "agent_attitude", "buy_again"}) {
    v1::Answer& answer = *answers.add_answers();
    answer.set_item_code(code);
    answer.set_score(2);
  }
  v1::Answer& overall = *answers.add_answers();
  overall.set_item_code("overall");
  overall.set_score(1);
  v1::Answer& comment = *answers.add_answers();
  comment.set_item_code("comment");
  comment.set_text("快递太慢，客服也没回电话");
  v1::Response stored;
  status = responses_->SubmitResponse(Context().get(), answers, &stored);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(MessageDifferencer::Equals(stored.context(), expected));
  ASSERT_FALSE(stored.recovery_revisit_id().empty()) << "a low score opens a recovery call";

  // The recovery call, reserved for the agent who took the answers, is about
  // the same complaint, and shows what the customer said.
  v1::FetchDueCallbacksResponse recovery = Fetch("agent-9");
  ASSERT_EQ(recovery.callbacks_size(), 1);
  const v1::Callback& recovery_call = recovery.callbacks(0);
  EXPECT_EQ(recovery_call.id(), stored.recovery_revisit_id());
  EXPECT_EQ(recovery_call.trigger(), v1::TRIGGER_LOW_SCORE);
  EXPECT_TRUE(MessageDifferencer::Equals(recovery_call.context(), expected)) << recovery_call.DebugString();
  ASSERT_TRUE(recovery_call.has_last_response());
  EXPECT_EQ(recovery_call.last_response().id(), stored.id());
  bool saw_comment = false, saw_overall = false;
  for (const v1::Answer& answer : recovery_call.last_response().answers()) {
    saw_comment = saw_comment || (answer.item_code() == "comment" && answer.text() == "快递太慢，客服也没回电话");
    saw_overall = saw_overall || (answer.item_code() == "overall" && answer.score() == 1);
  }
  EXPECT_TRUE(saw_comment && saw_overall) << recovery_call.last_response().DebugString();

  std::vector<v1::Revisit> listed = test_support::ListedRevisits(channel(), "c1");
  ASSERT_EQ(listed.size(), 2u);
  for (const v1::Revisit& revisit : listed) {
    EXPECT_TRUE(MessageDifferencer::Equals(revisit.context(), expected)) << revisit.DebugString();
  }

  // Figures by cause and platform.
  v1::GetSatisfactionRequest request = FiguresOfToday(stored.questionnaire_id());
  request.add_group_by(v1::GROUPING_CAUSE);
  request.mutable_filter()->add_platforms("淘宝");
  v1::GetSatisfactionResponse by_cause = Figures(request);
  ASSERT_EQ(by_cause.groups_size(), 1) << by_cause.DebugString();
  EXPECT_EQ(by_cause.groups(0).cause(), "物流延迟");
  EXPECT_EQ(by_cause.groups(0).responses(), 1);
  EXPECT_DOUBLE_EQ(by_cause.groups(0).figures().dissatisfied_percent(), 100);
}

TEST_P(BusinessContextE2eTest, BadContextIsRefusedNamingTheFieldAndNothingIsWritten) {
  v1::UpsertCustomerRequest customer;
  customer.mutable_customer()->set_external_id("c1");
  customer.mutable_customer()->set_phone("+8613912340000");
  customer.mutable_customer()->mutable_consent()->set_phone(true);
  v1::UpsertCustomerResponse upserted;
  auto customers = v1::CustomerService::NewStub(channel());
  ASSERT_TRUE(customers->UpsertCustomer(Context().get(), customer, &upserted).ok());

  v1::RecordEventRequest good;
  good.mutable_event()->set_event_id("complaint-1");
  good.mutable_event()->set_customer_external_id("c1");
  good.mutable_event()->set_trigger(v1::TRIGGER_COMPLAINT_CLOSED);
  *good.mutable_event()->mutable_occur_time() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now()));
  auto refused = [&](auto change, const std::string& field) {
    v1::RecordEventRequest bad = good;
    change(*bad.mutable_event());
    v1::RecordEventResponse recorded;
    ExpectError(stub_->RecordEvent(Context().get(), bad, &recorded), grpc::StatusCode::INVALID_ARGUMENT, field);
  };
  using Event = v1::Event;
  refused([](Event& e) { e.mutable_context()->set_platform(std::string(33, 'p')); }, "event.context.platform");
  refused([](Event& e) { e.mutable_context()->set_store(std::string(65, 's')); }, "event.context.store");
  refused([](Event& e) { e.mutable_context()->set_product_category(std::string(65, 'c')); },
          "event.context.product_category");
  refused([](Event& e) { e.mutable_context()->set_courier("顺丰\n中通"); }, "event.context.courier");
  refused([](Event& e) { e.mutable_context()->set_cause(std::string(65, 'x')); }, "event.context.cause");
  refused([](Event& e) { e.mutable_context()->set_amount_minor(-1); }, "event.context.amount_minor");
  refused([](Event& e) { e.mutable_context()->set_amount_minor(1'000'000'000'001); }, "event.context.amount_minor");
  refused(
      [](Event& e) {
        e.set_order_id("A-1");
        e.mutable_context()->set_order_id("A-2");
      },
      "event.context.order_id");
  refused(
      [](Event& e) {
        e.set_case_id("CS-1");
        e.mutable_context()->set_case_id("CS-2");
      },
      "event.context.case_id");

  // Nothing was written: the event is new when sent right.
  v1::RecordEventResponse recorded;
  ASSERT_TRUE(stub_->RecordEvent(Context().get(), good, &recorded).ok());
  EXPECT_TRUE(recorded.created());

  v1::UpsertCustomerRequest bad_customer = customer;
  bad_customer.mutable_customer()->set_region(std::string(65, 'r'));
  ExpectError(customers->UpsertCustomer(Context().get(), bad_customer, &upserted), grpc::StatusCode::INVALID_ARGUMENT,
              "customer.region");
  bad_customer = customer;
  bad_customer.mutable_customer()->set_source("live\nstream");
  ExpectError(customers->UpsertCustomer(Context().get(), bad_customer, &upserted), grpc::StatusCode::INVALID_ARGUMENT,
              "customer.source");
  customer.mutable_customer()->set_region(" 华东 ");
  customer.mutable_customer()->set_source("live-stream");
  ASSERT_TRUE(customers->UpsertCustomer(Context().get(), customer, &upserted).ok());
  EXPECT_EQ(upserted.customer().region(), "华东");
  EXPECT_EQ(upserted.customer().source(), "live-stream");

  // Figures: context values within their lengths, and not with channels or agents.
  v1::GetSatisfactionRequest request = FiguresOfToday("after-sales-follow-up");
  v1::GetSatisfactionResponse figures;
  auto refused_query = [&](auto change, const std::string& field) {
    v1::GetSatisfactionRequest bad = request;
    change(bad);
    ExpectError(analytics_->GetSatisfaction(Context().get(), bad, &figures), grpc::StatusCode::INVALID_ARGUMENT, field);
  };
  using Query = v1::GetSatisfactionRequest;
  refused_query([](Query& q) { q.mutable_filter()->add_platforms(std::string(33, 'p')); }, "filter.platforms[0]");
  refused_query([](Query& q) { q.mutable_filter()->add_causes("a\nb"); }, "filter.causes[0]");
  refused_query(
      [](Query& q) {
        for (int i = 0; i <= 100; ++i) q.mutable_filter()->add_stores(absl::StrCat("s", i));
      },
      "filter.stores");
  refused_query(
      [](Query& q) {
        q.add_group_by(v1::GROUPING_PLATFORM);
        q.add_group_by(v1::GROUPING_CHANNEL);
      },
      "group_by");
  refused_query(
      [](Query& q) {
        q.mutable_filter()->add_couriers("顺丰");
        q.mutable_filter()->add_agent_ids("a1");
      },
      "group_by");
  refused_query([](Query& q) { q.add_group_by(static_cast<v1::Grouping>(14)); }, "group_by[0]");
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(BusinessContextE2eTest);

}  // namespace
}  // namespace satisfaction
