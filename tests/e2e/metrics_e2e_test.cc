// The metrics endpoint end to end, on each backend: what a scripted flow of
// calls moves, by exactly how much, and that Prometheus' own checker accepts
// what the endpoint serves.
#include <cstdio>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "satisfaction/v1/callback.grpc.pb.h"
#include "tests/e2e/complaint_calls.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/metrics_samples.h"
#include "tests/support/http_client.h"

namespace satisfaction {
namespace {

using test_support::Context;
using test_support::Delta;
using test_support::ExpectError;
using test_support::HttpGet;
using test_support::ParseSamples;
using test_support::Samples;

std::string Method(const std::string& name) { return absl::StrCat("/satisfaction.v1.CallbackService/", name); }

// Maintenance rounds, which read the work queues, every 100 ms.
test_support::E2eOptions QuickMaintenance() {
  test_support::E2eOptions options;
  options.config.maintenance_interval = absl::Milliseconds(100);
  return options;
}

class MetricsE2eTest : public test_support::ServiceE2eTest<v1::CallbackService> {
 protected:
  MetricsE2eTest() : ServiceE2eTest(QuickMaintenance()) {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServiceE2eTest::SetUp());
    ASSERT_NO_FATAL_FAILURE(test_support::AddComplaintCallRule(channel(), "complaints"));
    v1::Customer customer;
    customer.set_external_id("c1");
    customer.set_phone("+8613912345678");
    ASSERT_NO_FATAL_FAILURE(test_support::AddCallableCustomer(channel(), customer));
    ASSERT_NO_FATAL_FAILURE(test_support::RecordClosedComplaint(channel(), "complaint-1", "c1"));
  }

  int metrics_port() { return server_->server().metrics_port(); }

  std::string ScrapeText() { return test_support::ScrapeMetrics(metrics_port()); }

  // A scrape taken after the work queues were read again, later than `after`
  // (Unix seconds); empty if they were not within 10 s.
  Samples ScrapeAfterWorkQueuesRead(double after) {
    absl::Time give_up = absl::Now() + absl::Seconds(10);
    while (absl::Now() < give_up) {
      Samples samples = ParseSamples(ScrapeText());
      if (samples["satisfaction_work_queues_read_timestamp_seconds"] > after) return samples;
      absl::SleepFor(absl::Milliseconds(50));
    }
    return {};
  }

  v1::FetchDueCallbacksResponse FetchAll() {
    v1::FetchDueCallbacksRequest fetch;
    fetch.set_queue("complaints");
    fetch.set_max_count(10);
    fetch.mutable_lease_duration()->set_seconds(60);
    v1::FetchDueCallbacksResponse fetched;
    EXPECT_TRUE(stub_->FetchDueCallbacks(Context().get(), fetch, &fetched).ok());
    return fetched;
  }
};

TEST_P(MetricsE2eTest, AFlowMovesTheCountersByExactlyWhatItDid) {
  Samples before = ParseSamples(ScrapeText());

  v1::FetchDueCallbacksResponse fetched = FetchAll();
  ASSERT_EQ(fetched.callbacks_size(), 1);
  v1::ReportDispositionRequest report;
  report.set_callback_id(fetched.callbacks(0).id());
  report.set_lease_token(fetched.callbacks(0).lease_token());
  v1::ReportDispositionResponse reported;
  ExpectError(stub_->ReportDisposition(Context().get(), report, &reported), grpc::StatusCode::INVALID_ARGUMENT);
  report.set_outcome(v1::CALL_OUTCOME_COMPLETED);
  ASSERT_TRUE(stub_->ReportDisposition(Context().get(), report, &reported).ok());
  ASSERT_EQ(HttpGet(server_->server().http_port(), "/healthz")->status, 200);
  ASSERT_EQ(HttpGet(server_->server().http_port(), "/no-such-page")->status, 404);

  Samples after = ParseSamples(ScrapeText());
  auto calls = [&](const std::string& method, const std::string& code) {
    return Delta(before, after,
                 absl::StrCat("satisfaction_grpc_calls_total{code=\"", code, "\",method=\"", Method(method), "\"}"));
  };
  EXPECT_EQ(calls("FetchDueCallbacks", "OK"), 1);
  EXPECT_EQ(calls("ReportDisposition", "OK"), 1);
  EXPECT_EQ(calls("ReportDisposition", "INVALID_ARGUMENT"), 1);
  EXPECT_EQ(Delta(before, after,
                  absl::StrCat("satisfaction_grpc_call_duration_seconds_count{method=\"", Method("ReportDisposition"),
                               "\"}")),
            2);
  EXPECT_EQ(after[absl::StrCat("satisfaction_grpc_calls_in_flight{method=\"", Method("ReportDisposition"), "\"}")], 0);
  EXPECT_EQ(Delta(before, after, "satisfaction_http_requests_total{code=\"200\",route=\"/healthz\"}"), 1);
  EXPECT_EQ(Delta(before, after, "satisfaction_http_requests_total{code=\"404\",route=\"other\"}"), 1);
  // The gate audits the fetch and the refused report in the audit log's own
  // transactions; the accepted report wrote its event with its attempt.
  EXPECT_EQ(Delta(before, after, "satisfaction_group_commit_batch_size_sum{writer=\"audit\"}"), 2);
  EXPECT_EQ(after["satisfaction_database_up"], 1);
  EXPECT_EQ(after["satisfaction_database_sessions_in_use"], 0) << "every session given back";
  EXPECT_EQ(after["satisfaction_database_sessions"], server::ServerConfig().db_pool_size);
  EXPECT_EQ(after["satisfaction_build_info{version=\"" SATISFACTION_VERSION "\"}"], 1);
}

TEST_P(MetricsE2eTest, TheWorkQueuesShowWhatIsDue) {
  double start = absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch());
  Samples due = ScrapeAfterWorkQueuesRead(start);
  ASSERT_FALSE(due.empty()) << "the work queues were not read";
  EXPECT_EQ(due["satisfaction_callbacks_due{queue=\"complaints\"}"], 1);
  EXPECT_GE(due["satisfaction_callbacks_oldest_due_age_seconds{queue=\"complaints\"}"], 0);
  EXPECT_EQ(due["satisfaction_callbacks_reserved_past_grace"], 0);
  EXPECT_EQ(due["satisfaction_recovery_callbacks_open"], 0);
  EXPECT_EQ(due.count("satisfaction_outbox_due{channel=\"sms\"}"), 0) << "no message was planned";

  ASSERT_EQ(FetchAll().callbacks_size(), 1);
  Samples claimed = ScrapeAfterWorkQueuesRead(due["satisfaction_work_queues_read_timestamp_seconds"]);
  ASSERT_FALSE(claimed.empty()) << "the work queues were not read again";
  EXPECT_EQ(claimed["satisfaction_callbacks_due{queue=\"complaints\"}"], 0) << "a queue once seen stays, at zero";
  EXPECT_EQ(claimed["satisfaction_callbacks_oldest_due_age_seconds{queue=\"complaints\"}"], 0);
  EXPECT_GT(claimed["satisfaction_maintenance_job_last_success_timestamp_seconds{job_id=\"work_queues\"}"], start);
}

TEST_P(MetricsE2eTest, PromtoolAcceptsTheScrape) {
  std::string path = absl::StrCat(testing::TempDir(), "/metrics-", getpid(), ".txt");
  std::ofstream(path) << ScrapeText();
  int exit_code = std::system(absl::StrCat("promtool check metrics < ", path, " 2>&1").c_str());
  std::remove(path.c_str());
  EXPECT_EQ(exit_code, 0) << "promtool check metrics refused the scrape (the README test command installs promtool)";
}

TEST_P(MetricsE2eTest, OtherPathsAreNotFound) {
  for (const char* path : {"/", "/metrics/more", "/healthz", "/favicon.ico"}) {
    absl::StatusOr<test_support::HttpReply> reply = HttpGet(metrics_port(), path);
    ASSERT_TRUE(reply.ok()) << reply.status();
    EXPECT_EQ(reply->status, 404) << path;
  }
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(MetricsE2eTest);

}  // namespace
}  // namespace satisfaction
