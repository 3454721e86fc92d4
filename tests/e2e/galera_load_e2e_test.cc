// Dialers on servers over every node of a Galera cluster. Servers on
// different nodes claim from their node's share of a queue first
// (leases::ClaimShare): SKIP LOCKED holds on one node only, and before the
// shares they chose the same rows and failed at commit. And a node killed
// under load: the others go on and nothing acknowledged is lost.

#include <grpcpp/grpcpp.h>
#include <soci/soci.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "satisfaction/v1/callback.grpc.pb.h"
#include "services/storage/database.h"
#include "tests/bench/bench_customers.h"
#include "tests/e2e/complaint_calls.h"
#include "tests/e2e/health_checks.h"
#include "tests/e2e/test_server.h"
#include "tests/support/private_galera.h"

namespace satisfaction::test_support {
namespace {

using grpc::health::v1::HealthCheckResponse;

constexpr char kQueue[] = "galera";
constexpr int kNodes = 3;

// What dialers saw, merged.
struct Tally {
  std::mutex mutex;
  // How many fetches handed out each callback.
  std::map<std::string, int> claims;
  // Callbacks whose report was answered OK.
  std::set<std::string> reported;
  // The calls that failed, as "method: status".
  std::vector<std::string> failures;
  std::atomic<int> reported_count{0};
};

// One dialer: fetches up to 5 callbacks at a time under a lease of `lease`
// and reports each one completed (a report that fails is sent again, as a
// dialer does), until `finished` says so.
void Dial(v1::CallbackService::Stub& stub, absl::Duration lease, Tally& tally, const std::function<bool()>& finished) {
  while (!finished()) {
    v1::FetchDueCallbacksRequest fetch;
    fetch.set_queue(kQueue);
    fetch.set_max_count(5);
    fetch.mutable_lease_duration()->set_seconds(absl::ToInt64Seconds(lease));
    v1::FetchDueCallbacksResponse fetched;
    grpc::Status status = stub.FetchDueCallbacks(Context().get(), fetch, &fetched);
    if (!status.ok()) {
      std::lock_guard<std::mutex> lock(tally.mutex);
      tally.failures.push_back(absl::StrCat("FetchDueCallbacks: ", status.error_code(), " ", status.error_message()));
      absl::SleepFor(absl::Milliseconds(50));
      continue;
    }
    if (fetched.callbacks().empty()) absl::SleepFor(absl::Milliseconds(50));
    for (const v1::Callback& callback : fetched.callbacks()) {
      {
        std::lock_guard<std::mutex> lock(tally.mutex);
        ++tally.claims[callback.id()];
      }
      v1::ReportDispositionRequest report;
      report.set_callback_id(callback.id());
      report.set_lease_token(callback.lease_token());
      report.set_outcome(v1::CALL_OUTCOME_COMPLETED);
      for (absl::Time give_up = absl::Now() + lease;;) {
        v1::ReportDispositionResponse answer;
        grpc::Status reported = stub.ReportDisposition(Context().get(), report, &answer);
        std::lock_guard<std::mutex> lock(tally.mutex);
        if (reported.ok()) {
          tally.reported.insert(callback.id());
          ++tally.reported_count;
          break;
        }
        tally.failures.push_back(
            absl::StrCat("ReportDisposition: ", reported.error_code(), " ", reported.error_message()));
        if (reported.error_code() != grpc::StatusCode::UNAVAILABLE || absl::Now() > give_up) break;
      }
    }
  }
}

class GaleraLoadE2eTest : public testing::Test {
 protected:
  // A cluster of kNodes nodes with a server on each, and `callbacks`
  // callbacks due now in kQueue, from events sent through every server.
  void StartWithCallbacks(int callbacks) {
    cluster_ = PrivateGalera::Start(kNodes);
    for (const std::string& url : cluster_->urls()) {
      servers_.push_back(TestServer::Start(url));
      ASSERT_NE(servers_.back(), nullptr);
    }
    AddComplaintCallRule(servers_[0]->channel(), kQueue);
    ASSERT_TRUE(bench::ImportCustomers(*v1::CustomerService::NewStub(servers_[0]->channel()), callbacks, "g-",
                                       "+86137"));
    std::vector<std::thread> senders;
    for (int s = 0; s < kNodes; ++s) {
      senders.emplace_back([this, s, callbacks] {
        for (int i = s; i < callbacks; i += kNodes) {
          RecordClosedComplaint(servers_[s]->channel(), absl::StrCat("complaint-", i), absl::StrCat("g-", i));
        }
      });
    }
    for (std::thread& sender : senders) sender.join();
  }

  // A channel to the `server`th server (from 0) of its own, as a separate dialer has.
  std::unique_ptr<v1::CallbackService::Stub> DialerOn(int server, int dialer) {
    grpc::ChannelArguments arguments;
    arguments.SetInt("dialer", dialer);
    return v1::CallbackService::NewStub(AuthorizedChannel(absl::StrCat("127.0.0.1:", servers_[server]->server().grpc_port()),
                                                          kTestAdminKey, grpc::InsecureChannelCredentials(), arguments));
  }

  // A channel over every server, round robin, leaving out those whose health
  // says NOT_SERVING: the client the README shows.
  std::unique_ptr<v1::CallbackService::Stub> DialerOverAll(int dialer) {
    std::vector<std::string> addresses;
    for (const auto& server : servers_) addresses.push_back(absl::StrCat("127.0.0.1:", server->server().grpc_port()));
    grpc::ChannelArguments arguments;
    arguments.SetInt("dialer", dialer);
    arguments.SetServiceConfigJSON(R"({"loadBalancingConfig": [{"round_robin": {}}],
                                       "healthCheckConfig": {"serviceName": ""}})");
    return v1::CallbackService::NewStub(AuthorizedChannel(absl::StrCat("ipv4:", absl::StrJoin(addresses, ",")),
                                                          kTestAdminKey, grpc::InsecureChannelCredentials(), arguments));
  }

  // The ids `sql` selects, as node `node` (from 1) sees them, in order.
  std::vector<std::string> IdsOnNode(int node, const std::string& sql) {
    std::vector<std::string> ids;
    absl::StatusOr<std::unique_ptr<storage::Database>> database =
        storage::Database::Connect({.url = cluster_->urls()[node - 1], .pool_size = 1});
    EXPECT_TRUE(database.ok()) << database.status();
    if (!database.ok()) return ids;
    absl::Status status = (*database)->WithSession([&](soci::session& session) {
      soci::rowset<long long> rows = (session.prepare << sql);
      for (long long id : rows) ids.push_back(absl::StrCat(id));
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return ids;
  }

  std::unique_ptr<PrivateGalera> cluster_;
  std::vector<std::unique_ptr<TestServer>> servers_;
};

// Sorted as text, to compare with a set of ids; a callback attempted twice shows twice.
constexpr char kCompletedCallbacks[] =
    "SELECT id FROM revisits WHERE channel = 1 AND state = 4 ORDER BY CAST(id AS CHAR)";
constexpr char kAttemptedCallbacks[] = "SELECT revisit_id FROM call_attempts ORDER BY CAST(revisit_id AS CHAR)";

std::vector<std::string> Sorted(const std::set<std::string>& ids) { return {ids.begin(), ids.end()}; }

TEST_F(GaleraLoadE2eTest, ThirtyTwoDialersOnThreeServersNeverShareACallbackAndNoCallFails) {
  constexpr int kCallbacks = 600, kDialers = 32;
  ASSERT_NO_FATAL_FAILURE(StartWithCallbacks(kCallbacks));
  Tally tally;
  std::vector<std::thread> dialers;
  for (int d = 0; d < kDialers; ++d) {
    dialers.emplace_back([&, d] {
      std::unique_ptr<v1::CallbackService::Stub> stub = DialerOn(d % kNodes, d);
      Dial(*stub, absl::Minutes(5), tally, [&] { return tally.reported_count.load() >= kCallbacks; });
    });
  }
  for (std::thread& dialer : dialers) dialer.join();

  EXPECT_TRUE(tally.failures.empty()) << tally.failures.size() << " failed calls, the first: " << tally.failures[0];
  EXPECT_EQ(tally.claims.size(), static_cast<size_t>(kCallbacks));
  for (const auto& [id, claims] : tally.claims) EXPECT_EQ(claims, 1) << "callback " << id << " was handed out twice";
  for (int node = 1; node <= kNodes; ++node) {
    EXPECT_EQ(IdsOnNode(node, kCompletedCallbacks), Sorted(tally.reported)) << "node " << node;
    EXPECT_EQ(IdsOnNode(node, kAttemptedCallbacks), Sorted(tally.reported)) << "node " << node;
  }
}

TEST_F(GaleraLoadE2eTest, ANodeKilledUnderLoadLosesNothingAcknowledgedAndItsServerStepsAside) {
  constexpr int kCallbacks = 900, kDialers = 12;
  ASSERT_NO_FATAL_FAILURE(StartWithCallbacks(kCallbacks));
  Tally tally;
  std::atomic<bool> stop{false};
  std::vector<std::thread> dialers;
  for (int d = 0; d < kDialers; ++d) {
    dialers.emplace_back([&, d] {
      std::unique_ptr<v1::CallbackService::Stub> stub = DialerOverAll(d);
      // A claim that failed may have committed: its callbacks come back when the lease ends.
      Dial(*stub, absl::Seconds(10), tally,
           [&] { return stop.load() || tally.reported_count.load() >= kCallbacks; });
    });
  }
  auto await_reports = [&](int count) {
    for (absl::Time give_up = absl::Now() + absl::Seconds(60); absl::Now() < give_up;) {
      if (tally.reported_count.load() >= count) return true;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return false;
  };
  std::vector<std::unique_ptr<grpc::health::v1::Health::Stub>> health;
  for (const auto& server : servers_) health.push_back(grpc::health::v1::Health::NewStub(server->channel()));

  // Node 3 dies under load: its server steps aside within 2 s, the others serve on.
  EXPECT_TRUE(await_reports(kCallbacks / 4));
  ASSERT_TRUE(cluster_->Kill(3).ok());
  EXPECT_TRUE(AwaitHealth(*health[2], HealthCheckResponse::NOT_SERVING, absl::Seconds(2)));
  EXPECT_EQ(Health(*health[0]), HealthCheckResponse::SERVING);
  EXPECT_EQ(Health(*health[1]), HealthCheckResponse::SERVING);
  int reported_at_kill = tally.reported_count.load();
  EXPECT_TRUE(await_reports(reported_at_kill + kCallbacks / 4)) << "the others go on";

  // Back by IST, still under load: SERVING again only once the node is synced.
  std::atomic<bool> restarted{false};
  std::vector<std::string> served_unsynced;
  std::thread watcher([&] {
    while (!restarted.load()) {
      if (Health(*health[2]) == HealthCheckResponse::SERVING) {
        absl::StatusOr<std::string> state = cluster_->State(3);
        if (!state.ok() || state->rfind("Synced", 0) != 0) served_unsynced.push_back(state.value_or("no answer"));
      }
      absl::SleepFor(absl::Milliseconds(100));
    }
  });
  absl::Status restart = cluster_->Restart(3);
  restarted = true;
  watcher.join();
  ASSERT_TRUE(restart.ok()) << restart;
  EXPECT_TRUE(served_unsynced.empty()) << "SERVING while node 3 was " << served_unsynced[0];
  EXPECT_TRUE(AwaitHealth(*health[2], HealthCheckResponse::SERVING, absl::Seconds(3)));

  EXPECT_TRUE(await_reports(kCallbacks)) << "every callback done, lost claims back after their lease";
  stop = true;
  for (std::thread& dialer : dialers) dialer.join();

  // Every report acknowledged is on every node, the restarted one too, once.
  EXPECT_EQ(tally.reported.size(), static_cast<size_t>(kCallbacks));
  for (int node = 1; node <= kNodes; ++node) {
    EXPECT_EQ(IdsOnNode(node, kCompletedCallbacks), Sorted(tally.reported)) << "node " << node;
    EXPECT_EQ(IdsOnNode(node, kAttemptedCallbacks), Sorted(tally.reported)) << "node " << node;
  }
  std::printf("%zu calls failed while node 3 was down or coming back\n", tally.failures.size());
}

}  // namespace
}  // namespace satisfaction::test_support
