// Dialers end to end: --callbacks phone revisits due now (customers imported
// through the API, revisits seeded straight into the database the server uses,
// named by SATISFACTION_BENCH_DB_URL), then --dialers concurrent dialers fetch
// --batch at a time under leases and report each one COMPLETED until none is
// left (one ReportDisposition each, or --report-batch at a time through
// ReportDispositions). Prints claims/s, dispositions/s, latencies, and checks that no
// callback was claimed twice and every one was reported once. With --agents 1
// each dialer is an agent of the call floor (capacity --batch, signed in, the
// queue load-based) and fetches as that agent.
//   SATISFACTION_BENCH_DB_URL=mysql://... callback_bench --target 127.0.0.1:50051 --dialers 16 [--agents 1]
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "satisfaction/v1/agent.grpc.pb.h"
#include "satisfaction/v1/callback.grpc.pb.h"
#include "satisfaction/v1/customer.grpc.pb.h"
#include "satisfaction/v1/revisit_policy.grpc.pb.h"
#include "services/storage/database.h"
#include "tests/bench/bench_customers.h"
#include "tests/support/authorized_channel.h"

namespace {

using namespace satisfaction;

// Calls at any hour, so the figures do not depend on the time of day.
bool OpenAllDay(v1::RevisitPolicyService::Stub& stub) {
  v1::UpdateContactPolicyRequest request;
  v1::WeeklyWindows& week = *request.mutable_policy()->mutable_call_windows();
  for (v1::TimeWindow* day :
       {week.mutable_monday(), week.mutable_tuesday(), week.mutable_wednesday(), week.mutable_thursday(),
        week.mutable_friday(), week.mutable_saturday(), week.mutable_sunday()}) {
    day->set_start("00:00");
    day->set_end("24:00");
  }
  request.mutable_update_mask()->add_paths("call_windows");
  grpc::ClientContext context;
  v1::ContactPolicy response;
  return stub.UpdateContactPolicy(&context, request, &response).ok();
}

// One phone revisit per imported customer, due an hour ago, in three
// priorities, each with the standard post-delivery survey (so each fetch
// issues invitations).
absl::Status SeedRevisits(const std::string& url) {
  absl::StatusOr<std::unique_ptr<storage::Database>> database = storage::Database::Connect({.url = url});
  if (!database.ok()) return database.status();
  return (*database)->InTransaction(storage::Access::kWrite, [](storage::Transaction& tx) {
    soci::session& session = tx.session();
    long long now_us = absl::ToUnixMicros(absl::Now()), due_us = now_us - 3'600'000'000LL,
              expires_us = now_us + 7 * 86'400'000'000LL;
    session << "INSERT INTO revisits (customer_id, event_id, rule_id, trigger_kind, channel, due_at_us,"
               " expires_at_us, questionnaire_id, survey, priority, max_attempts, attempts, reserved_agent_id, state,"
               " created_at_us, updated_at_us, queue) SELECT id, CONCAT('bench-', id), 'bench', 3, 1, :due,"
               " :expires, 'post-delivery', 1, (id % 3) * 10, 3, 0, '', 1, :now, :now2, 'bench' FROM customers"
               " WHERE external_id LIKE 'cb-%'",
        soci::use(due_us), soci::use(expires_us), soci::use(now_us), soci::use(now_us);
    return absl::OkStatus();
  });
}

double Percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  size_t index = std::min(values.size() - 1, static_cast<size_t>(p * values.size()));
  std::nth_element(values.begin(), values.begin() + index, values.end());
  return values[index];
}

}  // namespace

// Makes agent bench-agent-<i> for each dialer, holding up to `capacity`, and
// signs them in; the bench queue goes load-based.
bool SignInAgents(v1::AgentService::Stub& stub, int dialers, int capacity) {
  v1::UpdateQueueAssignmentRequest assignment;
  assignment.mutable_assignment()->set_queue("bench");
  assignment.mutable_assignment()->set_strategy(v1::ASSIGNMENT_STRATEGY_LOAD_BASED);
  v1::QueueAssignment assigned;
  grpc::ClientContext assignment_context;
  grpc::Status status = stub.UpdateQueueAssignment(&assignment_context, assignment, &assigned);
  for (int i = 0; i < dialers && status.ok(); ++i) {
    v1::CreateAgentRequest create;
    create.mutable_agent()->set_id(absl::StrCat("bench-agent-", i));
    create.mutable_agent()->set_display_name(absl::StrCat("Agent ", i));
    create.mutable_agent()->add_queues("bench");
    create.mutable_agent()->set_capacity(capacity);
    v1::Agent agent;
    grpc::ClientContext create_context;
    status = stub.CreateAgent(&create_context, create, &agent);
    if (!status.ok()) break;
    v1::SignInRequest sign_in;
    sign_in.set_agent_id(create.agent().id());
    grpc::ClientContext sign_in_context;
    status = stub.SignIn(&sign_in_context, sign_in, &agent);
  }
  if (!status.ok()) std::fprintf(stderr, "agents: %s\n", status.error_message().c_str());
  return status.ok();
}

int main(int argc, char** argv) {
  std::string target = "127.0.0.1:50051";
  long callbacks = 40'000;
  int dialers = 16, batch = 20, report_batch = 0, agents = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--target") target = argv[i + 1];
    if (flag == "--callbacks") callbacks = std::atol(argv[i + 1]);
    if (flag == "--dialers") dialers = std::atoi(argv[i + 1]);
    if (flag == "--batch") batch = std::atoi(argv[i + 1]);
    if (flag == "--report-batch") report_batch = std::atoi(argv[i + 1]);
    if (flag == "--agents") agents = std::atoi(argv[i + 1]);
  }
  const char* url = std::getenv("SATISFACTION_BENCH_DB_URL");
  if (url == nullptr) {
    std::fprintf(stderr, "set SATISFACTION_BENCH_DB_URL (tests/bench/with_server.sh does)\n");
    return 2;
  }
  // Several servers (SERVERS=N in with_server.sh): dialers spread over them.
  std::vector<std::string> targets = absl::StrSplit(target, ',');
  auto channel = satisfaction::test_support::AuthorizedChannel(targets[0], satisfaction::test_support::BenchKey());
  auto customers = v1::CustomerService::NewStub(channel);
  auto policies = v1::RevisitPolicyService::NewStub(channel);
  if (!OpenAllDay(*policies) || !bench::ImportCustomers(*customers, callbacks, "cb-", "+86137")) return 1;
  if (absl::Status s = SeedRevisits(url); !s.ok()) {
    std::fprintf(stderr, "seeding failed: %s\n", s.ToString().c_str());
    return 1;
  }
  if (agents > 0 && !SignInAgents(*v1::AgentService::NewStub(channel), dialers, batch)) return 1;

  std::mutex mutex;
  std::map<std::string, int> claims;
  std::vector<double> fetch_ms, report_ms;
  std::atomic<long> claimed{0}, reported{0}, failed{0};
  auto dialer = [&](int index) {
    grpc::ChannelArguments arguments;
    arguments.SetInt("dialer", index);  // a connection of its own, as separate dialers have
    auto stub = v1::CallbackService::NewStub(satisfaction::test_support::AuthorizedChannel(
        targets[index % targets.size()], satisfaction::test_support::BenchKey(), grpc::InsecureChannelCredentials(),
        arguments));
    std::vector<double> my_fetch, my_report;
    std::vector<std::string> my_claims;
    int empty = 0;
    // An agent's share may be nothing for a while (others hold less): it
    // stops once everything was claimed, or after 5 s of nothing.
    auto more = [&] { return agents > 0 ? claimed < callbacks && empty < 250 : empty < 3; };
    while (more()) {
      v1::FetchDueCallbacksRequest request;
      request.set_queue("bench");
      if (agents > 0) request.set_agent_id(absl::StrCat("bench-agent-", index));
      request.set_max_count(batch);
      request.mutable_lease_duration()->set_seconds(300);
      v1::FetchDueCallbacksResponse response;
      grpc::ClientContext context;
      absl::Time start = absl::Now();
      grpc::Status status = stub->FetchDueCallbacks(&context, request, &response);
      my_fetch.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
      if (!status.ok()) {
        ++failed;
        std::fprintf(stderr, "fetch failed: %s\n", status.error_message().c_str());
        continue;
      }
      if (response.callbacks_size() == 0) {
        ++empty;
        absl::SleepFor(absl::Milliseconds(20));
        continue;
      }
      empty = 0;
      claimed += response.callbacks_size();
      for (const v1::Callback& callback : response.callbacks()) my_claims.push_back(callback.id());
      if (report_batch > 0) {  // a dialer server reporting its agents' calls together
        for (int first = 0; first < response.callbacks_size(); first += report_batch) {
          v1::ReportDispositionsRequest reports;
          for (int i = first; i < std::min(first + report_batch, response.callbacks_size()); ++i) {
            v1::ReportDispositionRequest& report = *reports.add_reports();
            report.set_callback_id(response.callbacks(i).id());
            report.set_lease_token(response.callbacks(i).lease_token());
            report.set_outcome(v1::CALL_OUTCOME_COMPLETED);
          }
          v1::ReportDispositionsResponse answers;
          grpc::ClientContext report_context;
          absl::Time report_start = absl::Now();
          grpc::Status report_status = stub->ReportDispositions(&report_context, reports, &answers);
          my_report.push_back(absl::ToDoubleMilliseconds(absl::Now() - report_start));
          if (!report_status.ok()) {
            failed += reports.reports_size();
            std::fprintf(stderr, "reports failed: %s\n", report_status.error_message().c_str());
            continue;
          }
          for (const v1::DispositionResult& result : answers.results()) {
            if (result.code() == 0) {
              ++reported;
            } else {
              ++failed;
              std::fprintf(stderr, "report failed: %s\n", result.message().c_str());
            }
          }
        }
        continue;
      }
      for (const v1::Callback& callback : response.callbacks()) {
        v1::ReportDispositionRequest report;
        report.set_callback_id(callback.id());
        report.set_lease_token(callback.lease_token());
        report.set_outcome(v1::CALL_OUTCOME_COMPLETED);
        v1::ReportDispositionResponse answer;
        grpc::ClientContext report_context;
        absl::Time report_start = absl::Now();
        grpc::Status report_status = stub->ReportDisposition(&report_context, report, &answer);
        my_report.push_back(absl::ToDoubleMilliseconds(absl::Now() - report_start));
        if (report_status.ok()) {
          ++reported;
        } else {
          ++failed;
          std::fprintf(stderr, "report failed: %s\n", report_status.error_message().c_str());
        }
      }
    }
    std::lock_guard<std::mutex> lock(mutex);
    fetch_ms.insert(fetch_ms.end(), my_fetch.begin(), my_fetch.end());
    report_ms.insert(report_ms.end(), my_report.begin(), my_report.end());
    for (const std::string& id : my_claims) ++claims[id];
  };

  absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  for (int i = 0; i < dialers; ++i) threads.emplace_back(dialer, i);
  for (std::thread& thread : threads) thread.join();
  double seconds = absl::ToDoubleSeconds(absl::Now() - start);

  long double_claims = 0;
  for (const auto& [id, count] : claims) double_claims += count > 1 ? count - 1 : 0;
  std::printf(
      "%ld callbacks, %d %s on %zu servers fetching %d and reporting %d at a time, in %.1f s: %.0f claimed/s,"
      " %.0f reported/s\n",
      callbacks, dialers, agents > 0 ? "agents (load-based)" : "dialers", targets.size(), batch,
      std::max(report_batch, 1), seconds, claimed / seconds, reported / seconds);
  std::printf("claimed %ld, reported %ld, failed %ld, double claims %ld\n", claimed.load(), reported.load(),
              failed.load(), double_claims);
  std::printf("fetch ms: p50 %.2f, p99 %.2f; report ms: p50 %.2f, p99 %.2f\n", Percentile(fetch_ms, 0.5),
              Percentile(fetch_ms, 0.99), Percentile(report_ms, 0.5), Percentile(report_ms, 0.99));
  return claimed == callbacks && reported == callbacks && double_claims == 0 && failed == 0 ? 0 : 1;
}
