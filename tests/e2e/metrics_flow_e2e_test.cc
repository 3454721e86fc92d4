// The flow counters end to end, on each backend, under the repository's
// rules: a survey message delivered and answered with a low score, the
// recovery call it opens, and opt-outs, each moving its counters by exactly
// what was committed, and nothing else moving.
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "satisfaction/v1/callback.grpc.pb.h"
#include "satisfaction/v1/customer.grpc.pb.h"
#include "satisfaction/v1/message.grpc.pb.h"
#include "satisfaction/v1/response.grpc.pb.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/metrics_samples.h"
#include "tests/e2e/survey_links.h"

namespace satisfaction {
namespace {

using test_support::Context;
using test_support::Delta;
using test_support::ParseSamples;
using test_support::Samples;

// The repository's rules, and maintenance rounds (which read the work queues) every 100 ms.
test_support::E2eOptions RulesAndQuickMaintenance() {
  test_support::E2eOptions options;
  options.templates = test_support::Templates::kRepository;
  options.config.maintenance_interval = absl::Milliseconds(100);
  return options;
}

class MetricsFlowE2eTest : public test_support::E2eTest {
 protected:
  MetricsFlowE2eTest() : E2eTest(RulesAndQuickMaintenance()) {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(E2eTest::SetUp());
    test_support::OpenAllDay(channel(), "message_windows");
    test_support::OpenAllDay(channel(), "call_windows");
  }

  Samples Scrape() { return ParseSamples(test_support::ScrapeMetrics(server_->server().metrics_port())); }

  // A scrape taken once the work queues were read after now; empty if they
  // were not within 10 s.
  Samples ScrapeWithFreshWorkQueues() {
    double now = absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch());
    absl::Time give_up = absl::Now() + absl::Seconds(10);
    while (absl::Now() < give_up) {
      Samples samples = Scrape();
      if (samples["satisfaction_work_queues_read_timestamp_seconds"] > now) return samples;
      absl::SleepFor(absl::Milliseconds(50));
    }
    return {};
  }
};

// The sum of what every series of `family` moved.
double FamilyDelta(const Samples& before, const Samples& after, const std::string& family) {
  double moved = 0;
  for (const auto& [sample, value] : after) {
    if (absl::StartsWith(sample, family + "{") || sample == family) moved += Delta(before, after, sample);
  }
  return moved;
}

TEST_P(MetricsFlowE2eTest, ARecoveryLoopCountsExactlyWhatWasCommitted) {
  Samples before = Scrape();

  // A new customer's delivery: the default rules plan a survey SMS, fetched by the gateway.
  v1::OutboxMessage message = test_support::SurveyMessage(*server_, "c1");
  ASSERT_FALSE(message.id().empty());
  auto messages = v1::MessageService::NewStub(channel());
  v1::ReportDeliveryRequest delivery;
  delivery.set_message_id(message.id());
  delivery.set_lease_token(message.lease_token());
  delivery.set_outcome(v1::DELIVERY_OUTCOME_DELIVERED);
  v1::ReportDeliveryResponse delivered;
  ASSERT_TRUE(messages->ReportDelivery(Context().get(), delivery, &delivered).ok());

  // The customer answers through the link with a low score: a recovery call opens.
  v1::SubmitResponseRequest answers;
  answers.set_invitation_token(test_support::TokenOf(message.survey_url()));
  for (const char* code : {"product_quality", "price", "delivery", "recommend"}) {
    v1::Answer& answer = *answers.add_answers();
    answer.set_item_code(code);
    answer.set_score(4);
  }
  v1::Answer& overall = *answers.add_answers();
  overall.set_item_code("overall");
  overall.set_score(1);
  v1::Response stored;
  grpc::Status submitted = v1::ResponseService::NewStub(channel())->SubmitResponse(Context().get(), answers, &stored);
  ASSERT_TRUE(submitted.ok()) << submitted.error_message();
  ASSERT_FALSE(stored.recovery_revisit_id().empty());

  Samples recovery_waiting = ScrapeWithFreshWorkQueues();
  ASSERT_FALSE(recovery_waiting.empty()) << "the work queues were not read";
  EXPECT_EQ(recovery_waiting["satisfaction_recovery_callbacks_open"], 1);
  EXPECT_EQ(recovery_waiting["satisfaction_recovery_callbacks_overdue"], 0) << "due just now";
  EXPECT_EQ(recovery_waiting["satisfaction_callbacks_due{queue=\"default\"}"], 1);

  // The recovery call: the customer asks not to be called again.
  auto callbacks = v1::CallbackService::NewStub(channel());
  v1::FetchDueCallbacksRequest fetch;
  fetch.set_queue("default");
  fetch.set_max_count(5);
  fetch.mutable_lease_duration()->set_seconds(60);
  v1::FetchDueCallbacksResponse fetched;
  ASSERT_TRUE(callbacks->FetchDueCallbacks(Context().get(), fetch, &fetched).ok());
  ASSERT_EQ(fetched.callbacks_size(), 1);
  ASSERT_EQ(fetched.callbacks(0).id(), stored.recovery_revisit_id());
  v1::ReportDispositionRequest report;
  report.set_callback_id(fetched.callbacks(0).id());
  report.set_lease_token(fetched.callbacks(0).lease_token());
  report.set_outcome(v1::CALL_OUTCOME_DO_NOT_CALL);
  v1::ReportDispositionResponse reported;
  ASSERT_TRUE(callbacks->ReportDisposition(Context().get(), report, &reported).ok());
  // Reported again (a dialer's retry): the same answer, counted once.
  ASSERT_TRUE(callbacks->ReportDisposition(Context().get(), report, &reported).ok());

  // An opt-out by SMS reply, and a number put on the do-not-call list.
  v1::ReportReplyRequest reply;
  reply.set_message_id(message.id());
  reply.set_text("TD");
  v1::ReportReplyResponse replied;
  ASSERT_TRUE(messages->ReportReply(Context().get(), reply, &replied).ok());
  ASSERT_TRUE(replied.opted_out());
  v1::AddDoNotCallRequest block;
  block.mutable_entry()->set_phone("+8613900000001");
  v1::DoNotCallEntry blocked;
  auto customers = v1::CustomerService::NewStub(channel());
  ASSERT_TRUE(customers->AddDoNotCall(Context().get(), block, &blocked).ok());
  ASSERT_TRUE(customers->AddDoNotCall(Context().get(), block, &blocked).ok()) << "already there: not counted again";

  Samples after = Scrape();
  auto moved = [&](const std::string& sample) { return Delta(before, after, sample); };
  EXPECT_EQ(moved("satisfaction_revisits_planned_total{channel=\"sms\",trigger=\"order_delivered\"}"), 1);
  EXPECT_EQ(moved("satisfaction_revisits_planned_total{channel=\"phone\",trigger=\"low_score\"}"), 1);
  EXPECT_EQ(FamilyDelta(before, after, "satisfaction_revisits_planned_total"), 2);
  EXPECT_EQ(moved("satisfaction_message_deliveries_total{outcome=\"delivered\"}"), 1);
  EXPECT_EQ(FamilyDelta(before, after, "satisfaction_message_deliveries_total"), 1);
  EXPECT_EQ(moved("satisfaction_responses_stored_total{channel=\"sms\"}"), 1);
  EXPECT_EQ(FamilyDelta(before, after, "satisfaction_responses_stored_total"), 1);
  EXPECT_EQ(moved("satisfaction_recoveries_opened_total"), 1);
  EXPECT_EQ(moved("satisfaction_call_attempts_total{outcome=\"do_not_call\"}"), 1);
  EXPECT_EQ(FamilyDelta(before, after, "satisfaction_call_attempts_total"), 1);
  EXPECT_EQ(moved("satisfaction_revisits_ended_total{state=\"completed\",trigger=\"order_delivered\"}"), 1);
  EXPECT_EQ(moved("satisfaction_revisits_ended_total{state=\"stopped\",trigger=\"low_score\"}"), 1);
  EXPECT_EQ(FamilyDelta(before, after, "satisfaction_revisits_ended_total"), 2);
  EXPECT_EQ(moved("satisfaction_recoveries_closed_total{state=\"stopped\"}"), 1);
  EXPECT_EQ(FamilyDelta(before, after, "satisfaction_recoveries_closed_total"), 1);
  EXPECT_EQ(moved("satisfaction_opt_outs_total{channel=\"phone\"}"), 2) << "the call and the list";
  EXPECT_EQ(moved("satisfaction_opt_outs_total{channel=\"sms\"}"), 1);
  EXPECT_EQ(FamilyDelta(before, after, "satisfaction_opt_outs_total"), 3);

  Samples recovery_closed = ScrapeWithFreshWorkQueues();
  ASSERT_FALSE(recovery_closed.empty()) << "the work queues were not read again";
  EXPECT_EQ(recovery_closed["satisfaction_recovery_callbacks_open"], 0);
}

TEST_P(MetricsFlowE2eTest, EveryFlowSeriesIsThereAtZeroBeforeAnyWork) {
  Samples fresh = Scrape();
  EXPECT_EQ(fresh.count("satisfaction_revisits_planned_total{channel=\"email\",trigger=\"periodic_care\"}"), 1);
  EXPECT_EQ(fresh.count("satisfaction_call_attempts_total{outcome=\"no_answer\"}"), 1);
  EXPECT_EQ(fresh.count("satisfaction_message_deliveries_total{outcome=\"delivered\"}"), 1);
  EXPECT_EQ(fresh.count("satisfaction_recoveries_closed_total{state=\"completed\"}"), 1);
  EXPECT_EQ(fresh.count("satisfaction_recoveries_opened_total"), 1);
  for (const auto& [sample, value] : fresh) {
    if (absl::StartsWith(sample, "satisfaction_revisits_") || absl::StartsWith(sample, "satisfaction_recoveries_") ||
        absl::StartsWith(sample, "satisfaction_opt_outs_") || absl::StartsWith(sample, "satisfaction_responses_")) {
      EXPECT_EQ(value, 0) << sample;
    }
  }
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(MetricsFlowE2eTest);

}  // namespace
}  // namespace satisfaction
