// CallbackService end to end, on each backend, through a real gRPC channel.
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "satisfaction/v1/callback.grpc.pb.h"
#include "satisfaction/v1/customer.grpc.pb.h"
#include "satisfaction/v1/revisit.grpc.pb.h"
#include "satisfaction/v1/revisit_policy.grpc.pb.h"
#include "tests/e2e/complaint_calls.h"
#include "services/storage/database.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/support/test_database.h"

namespace satisfaction {
namespace {

using google::protobuf::util::TimeUtil;
using test_support::Context;
using test_support::ExpectError;

class CallbackE2eTest : public test_support::ServiceE2eTest<v1::CallbackService> {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServiceE2eTest::SetUp());
    ASSERT_NO_FATAL_FAILURE(test_support::AddComplaintCallRule(channel(), "complaints"));
    v1::Customer customer;
    customer.set_external_id("c1");
    customer.set_name("王芳");
    customer.set_phone("+8613912345678");
    ASSERT_NO_FATAL_FAILURE(test_support::AddCallableCustomer(channel(), customer));
    ASSERT_NO_FATAL_FAILURE(test_support::RecordClosedComplaint(channel(), "complaint-1", "c1"));
  }

  grpc::Status Fetch(v1::FetchDueCallbacksResponse* response, const std::string& queue = "complaints", int count = 10,
                     int lease_seconds = 60) {
    v1::FetchDueCallbacksRequest request;
    request.set_queue(queue);
    request.set_max_count(count);
    request.mutable_lease_duration()->set_seconds(lease_seconds);
    return stub_->FetchDueCallbacks(Context().get(), request, response);
  }
};

TEST_P(CallbackE2eTest, ADialerFetchesCallsAndReports) {
  // A watcher hears of the due callback without polling.
  grpc::ClientContext watch_context;
  watch_context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
  v1::WatchCallbacksRequest watch;
  watch.set_queue("complaints");
  std::unique_ptr<grpc::ClientReader<v1::CallbacksDue>> watcher = stub_->WatchCallbacks(&watch_context, watch);
  v1::CallbacksDue due;
  ASSERT_TRUE(watcher->Read(&due));
  EXPECT_EQ(due.due_count(), 1);

  v1::FetchDueCallbacksResponse fetched;
  grpc::Status status = Fetch(&fetched);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(fetched.callbacks_size(), 1);
  const v1::Callback& callback = fetched.callbacks(0);
  EXPECT_EQ(callback.customer_name(), "王芳");
  EXPECT_EQ(callback.phone(), "+8613912345678");
  EXPECT_EQ(callback.attempt_number(), 1);
  ASSERT_TRUE(watcher->Read(&due));
  EXPECT_EQ(due.due_count(), 0) << "claimed, so no longer due";
  watch_context.TryCancel();

  v1::ExtendCallbackLeaseRequest extend;
  extend.set_callback_id(callback.id());
  extend.set_lease_token(callback.lease_token());
  extend.mutable_lease_duration()->set_seconds(600);
  v1::Callback extended;
  ASSERT_TRUE(stub_->ExtendCallbackLease(Context().get(), extend, &extended).ok());
  EXPECT_GT(extended.lease_expire_time().seconds(), callback.lease_expire_time().seconds());

  v1::ReportDispositionRequest report;
  report.set_callback_id(callback.id());
  report.set_lease_token(callback.lease_token());
  report.set_outcome(v1::CALL_OUTCOME_CALL_BACK_LATER);
  report.set_notes("在开会，下午再打");
  *report.mutable_call_back_time() =
      TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now() + absl::Hours(3)));
  v1::ReportDispositionResponse reported;
  status = stub_->ReportDisposition(Context().get(), report, &reported);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(reported.revisit().state(), v1::REVISIT_STATE_PLANNED);
  EXPECT_EQ(reported.revisit().attempts(), 1);
  EXPECT_EQ(reported.attempt().notes(), "在开会，下午再打");
  // The same report again is answered the same; the lease is spent for anything else.
  v1::ReportDispositionResponse again;
  ASSERT_TRUE(stub_->ReportDisposition(Context().get(), report, &again).ok());
  EXPECT_EQ(again.attempt().number(), 1);
  report.set_outcome(v1::CALL_OUTCOME_COMPLETED);
  report.clear_call_back_time();
  ExpectError(stub_->ReportDisposition(Context().get(), report, &again), grpc::StatusCode::ALREADY_EXISTS);
  v1::ReleaseCallbackRequest release;
  release.set_callback_id(callback.id());
  release.set_lease_token(callback.lease_token());
  v1::Callback released;
  ExpectError(stub_->ReleaseCallback(Context().get(), release, &released), grpc::StatusCode::FAILED_PRECONDITION,
              "lease_token:");
  ASSERT_TRUE(Fetch(&fetched).ok());
  EXPECT_EQ(fetched.callbacks_size(), 0) << "due again only in three hours";
}

TEST_P(CallbackE2eTest, BadRequestsAreRefusedAndChangeNothing) {
  v1::FetchDueCallbacksResponse fetched;
  v1::FetchDueCallbacksRequest empty;
  ExpectError(stub_->FetchDueCallbacks(Context().get(), empty, &fetched), grpc::StatusCode::INVALID_ARGUMENT, "queue:");
  ExpectError(Fetch(&fetched, "no spaces please"), grpc::StatusCode::INVALID_ARGUMENT, "queue:");
  ExpectError(Fetch(&fetched, "complaints", 0), grpc::StatusCode::INVALID_ARGUMENT, "max_count:");
  ExpectError(Fetch(&fetched, "complaints", 501), grpc::StatusCode::INVALID_ARGUMENT, "max_count:");
  ExpectError(Fetch(&fetched, "complaints", 10, 1), grpc::StatusCode::INVALID_ARGUMENT, "lease_duration:");
  ExpectError(Fetch(&fetched, "complaints", 10, 7200), grpc::StatusCode::INVALID_ARGUMENT, "lease_duration:");
  v1::FetchDueCallbacksRequest no_lease;
  no_lease.set_queue("complaints");
  no_lease.set_max_count(1);
  ExpectError(stub_->FetchDueCallbacks(Context().get(), no_lease, &fetched), grpc::StatusCode::INVALID_ARGUMENT,
              "lease_duration:");

  // Nothing was claimed by the refused fetches.
  ASSERT_TRUE(Fetch(&fetched).ok());
  ASSERT_EQ(fetched.callbacks_size(), 1);
  const v1::Callback& callback = fetched.callbacks(0);

  struct Case {
    std::string name;
    void (*spoil)(v1::ReportDispositionRequest&);
    grpc::StatusCode code;
    std::string field;
  };
  std::vector<Case> cases = {
      {"no id", [](auto& r) { r.clear_callback_id(); }, grpc::StatusCode::INVALID_ARGUMENT, "callback_id:"},
      {"not an id", [](auto& r) { r.set_callback_id("abc"); }, grpc::StatusCode::INVALID_ARGUMENT, "callback_id:"},
      {"unknown id", [](auto& r) { r.set_callback_id("999999"); }, grpc::StatusCode::NOT_FOUND, ""},
      {"no token", [](auto& r) { r.clear_lease_token(); }, grpc::StatusCode::INVALID_ARGUMENT, "lease_token:"},
      {"garbled token", [](auto& r) { r.set_lease_token("xyz"); }, grpc::StatusCode::INVALID_ARGUMENT, "lease_token:"},
      {"no outcome", [](auto& r) { r.set_outcome(v1::CALL_OUTCOME_UNSPECIFIED); }, grpc::StatusCode::INVALID_ARGUMENT,
       "outcome:"},
      {"unknown outcome", [](auto& r) { r.set_outcome(static_cast<v1::CallOutcome>(42)); },
       grpc::StatusCode::INVALID_ARGUMENT, "outcome:"},
      {"long notes", [](auto& r) { r.set_notes(std::string(2001, 'n')); }, grpc::StatusCode::INVALID_ARGUMENT,
       "notes:"},
      {"time without call back", [](auto& r) { r.mutable_call_back_time()->set_seconds(2'000'000'000); },
       grpc::StatusCode::INVALID_ARGUMENT, "call_back_time:"},
      {"bad agent", [](auto& r) { r.set_agent_id("agent one"); }, grpc::StatusCode::INVALID_ARGUMENT, "agent_id:"},
      {"time past year 9999",
       [](auto& r) {
         r.set_outcome(v1::CALL_OUTCOME_CALL_BACK_LATER);
         r.mutable_call_back_time()->set_seconds(4'000'000'000'000'000);
       },
       grpc::StatusCode::INVALID_ARGUMENT, "call_back_time:"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    v1::ReportDispositionRequest report;
    report.set_callback_id(callback.id());
    report.set_lease_token(callback.lease_token());
    report.set_outcome(v1::CALL_OUTCOME_COMPLETED);
    c.spoil(report);
    v1::ReportDispositionResponse response;
    ExpectError(stub_->ReportDisposition(Context().get(), report, &response), c.code, c.field);
  }
  v1::ExtendCallbackLeaseRequest extend;
  extend.set_callback_id(callback.id());
  extend.set_lease_token(callback.lease_token());
  v1::Callback out;
  ExpectError(stub_->ExtendCallbackLease(Context().get(), extend, &out), grpc::StatusCode::INVALID_ARGUMENT,
              "lease_duration:");
  v1::ReleaseCallbackRequest release;
  release.set_callback_id(callback.id());
  ExpectError(stub_->ReleaseCallback(Context().get(), release, &out), grpc::StatusCode::INVALID_ARGUMENT,
              "lease_token:");
  v1::WatchCallbacksRequest watch;
  grpc::ClientContext watch_context;
  std::unique_ptr<grpc::ClientReader<v1::CallbacksDue>> watcher = stub_->WatchCallbacks(&watch_context, watch);
  v1::CallbacksDue due;
  EXPECT_FALSE(watcher->Read(&due));
  ExpectError(watcher->Finish(), grpc::StatusCode::INVALID_ARGUMENT, "queue:");

  // None of that counted: the callback is still leased, with no attempt.
  v1::ReportDispositionRequest report;
  report.set_callback_id(callback.id());
  report.set_lease_token(callback.lease_token());
  report.set_outcome(v1::CALL_OUTCOME_COMPLETED);
  v1::ReportDispositionResponse response;
  grpc::Status status = stub_->ReportDisposition(Context().get(), report, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.attempt().number(), 1);
  EXPECT_EQ(response.revisit().state(), v1::REVISIT_STATE_COMPLETED);
}

TEST_P(CallbackE2eTest, ABatchOfReportsGetsAResultEach) {
  v1::Customer customer;
  customer.set_external_id("c2");
  customer.set_phone("+8613912345679");
  ASSERT_NO_FATAL_FAILURE(test_support::AddCallableCustomer(channel(), customer));
  ASSERT_NO_FATAL_FAILURE(test_support::RecordClosedComplaint(channel(), "complaint-2", "c2"));
  v1::FetchDueCallbacksResponse fetched;
  ASSERT_TRUE(Fetch(&fetched).ok());
  ASSERT_EQ(fetched.callbacks_size(), 2);

  v1::ReportDispositionsRequest batch;
  for (const v1::Callback& callback : fetched.callbacks()) {
    v1::ReportDispositionRequest& report = *batch.add_reports();
    report.set_callback_id(callback.id());
    report.set_lease_token(callback.lease_token());
    report.set_outcome(v1::CALL_OUTCOME_NO_ANSWER);
  }
  batch.mutable_reports(1)->set_lease_token(std::string(32, 'f') + "." + fetched.callbacks(1).id());  // forged
  v1::ReportDispositionsResponse results;
  grpc::Status status = stub_->ReportDispositions(Context().get(), batch, &results);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(results.results_size(), 2);
  EXPECT_EQ(results.results(0).code(), 0) << results.results(0).message();
  EXPECT_EQ(results.results(0).response().revisit().attempts(), 1);
  EXPECT_EQ(results.results(0).response().revisit().state(), v1::REVISIT_STATE_PLANNED);
  EXPECT_EQ(results.results(1).code(), static_cast<int>(grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_TRUE(absl::StartsWith(results.results(1).message(), "lease_token:")) << results.results(1).message();

  // Sent again: the first is answered as before, and counted once.
  ASSERT_TRUE(stub_->ReportDispositions(Context().get(), batch, &results).ok());
  EXPECT_EQ(results.results(0).code(), 0);
  EXPECT_EQ(results.results(0).response().attempt().number(), 1);
  EXPECT_EQ(results.results(0).response().revisit().attempts(), 1);

  // Malformed batches are refused whole, naming the report.
  v1::ReportDispositionsRequest empty;
  ExpectError(stub_->ReportDispositions(Context().get(), empty, &results), grpc::StatusCode::INVALID_ARGUMENT,
              "reports:");
  v1::ReportDispositionsRequest twice;
  *twice.add_reports() = batch.reports(1);
  *twice.add_reports() = batch.reports(1);
  ExpectError(stub_->ReportDispositions(Context().get(), twice, &results), grpc::StatusCode::INVALID_ARGUMENT,
              "reports[1].callback_id:");
  v1::ReportDispositionsRequest bad = batch;
  bad.mutable_reports(1)->set_outcome(v1::CALL_OUTCOME_UNSPECIFIED);
  ExpectError(stub_->ReportDispositions(Context().get(), bad, &results), grpc::StatusCode::INVALID_ARGUMENT,
              "reports[1].outcome:");

  // The second callback is still leased and unreported: its real token still works.
  v1::ReportDispositionRequest report;
  report.set_callback_id(fetched.callbacks(1).id());
  report.set_lease_token(fetched.callbacks(1).lease_token());
  report.set_outcome(v1::CALL_OUTCOME_COMPLETED);
  v1::ReportDispositionResponse done;
  status = stub_->ReportDisposition(Context().get(), report, &done);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(done.attempt().number(), 1);
}

TEST_P(CallbackE2eTest, AReportIsAuditedInItsOwnTransaction) {
  std::unique_ptr<storage::Database> database = test_support::OpenMigrated(*test_database_, 1);
  auto run = [&](const std::string& sql) { ASSERT_TRUE(test_support::ExecuteSql(*database, sql).ok()) << sql; };
  auto audited = [&](const std::string& method, const std::string& outcome) {
    return test_support::QueryNumber(*database, absl::StrCat("SELECT COUNT(*) FROM audit_events WHERE method = "
                                                             "'/satisfaction.v1.CallbackService/",
                                                             method, "' AND outcome = '", outcome, "'"));
  };
  v1::FetchDueCallbacksResponse fetched;
  ASSERT_TRUE(Fetch(&fetched).ok());
  ASSERT_EQ(fetched.callbacks_size(), 1);
  v1::ReportDispositionRequest report;
  report.set_callback_id(fetched.callbacks(0).id());
  report.set_lease_token(fetched.callbacks(0).lease_token());
  report.set_outcome(v1::CALL_OUTCOME_NO_ANSWER);

  // Without the audit log's table the report cannot be recorded, so it is not stored either.
  run("ALTER TABLE audit_events RENAME TO audit_events_away");
  v1::ReportDispositionResponse reported;
  EXPECT_FALSE(stub_->ReportDisposition(Context().get(), report, &reported).ok());
  v1::ReportDispositionsRequest batch;
  *batch.add_reports() = report;
  v1::ReportDispositionsResponse results;
  EXPECT_FALSE(stub_->ReportDispositions(Context().get(), batch, &results).ok());
  EXPECT_EQ(test_support::QueryNumber(*database, "SELECT COUNT(*) FROM call_attempts"), 0);
  run("ALTER TABLE audit_events_away RENAME TO audit_events");

  grpc::Status status = stub_->ReportDisposition(Context().get(), report, &reported);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_TRUE(stub_->ReportDisposition(Context().get(), report, &reported).ok()) << "sent again";
  ASSERT_TRUE(stub_->ReportDispositions(Context().get(), batch, &results).ok()) << "sent again, in a batch";
  EXPECT_EQ(results.results(0).code(), 0) << results.results(0).message();
  EXPECT_EQ(test_support::QueryNumber(*database, "SELECT COUNT(*) FROM call_attempts"), 1);
  EXPECT_EQ(audited("ReportDisposition", "OK"), 2) << "the report and its retry";
  EXPECT_EQ(audited("ReportDispositions", "OK"), 1);

  // Refused reports are audited too, with their refusal; a batch whose every
  // report was refused is still answered OK, and audited so.
  report.set_outcome(v1::CALL_OUTCOME_COMPLETED);
  ExpectError(stub_->ReportDisposition(Context().get(), report, &reported), grpc::StatusCode::ALREADY_EXISTS);
  *batch.mutable_reports(0) = report;
  ASSERT_TRUE(stub_->ReportDispositions(Context().get(), batch, &results).ok());
  EXPECT_EQ(results.results(0).code(), static_cast<int>(grpc::StatusCode::ALREADY_EXISTS));
  EXPECT_EQ(audited("ReportDisposition", "ALREADY_EXISTS"), 1);
  EXPECT_EQ(audited("ReportDispositions", "OK"), 2);
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(CallbackE2eTest);

}  // namespace
}  // namespace satisfaction
