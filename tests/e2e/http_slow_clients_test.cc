// The HTTP face under hundreds of slow and idle clients (issue #14): clients
// that send their request head a line every 2 s, and kept-alive connections
// that send nothing more, spread over several loopback addresses, while a
// load balancer's probes of /healthz and a customer opening a real survey
// link are answered within 200 ms throughout. Slow clients are closed by the
// request deadline (408), idle ones by the idle limit, and an address beyond
// its cap is refused.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <map>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/survey_links.h"
#include "tests/support/http_client.h"
#include "tests/support/raw_connection.h"

namespace satisfaction {
namespace {

using test_support::RawConnection;

constexpr int kPerAddress = 40;
constexpr int kSlowAddresses = 8;  // 127.0.0.2 to 127.0.0.9
constexpr int kIdleAddresses = 4;  // 127.0.0.10 to 127.0.0.13
constexpr absl::Duration kRequestTimeout = absl::Seconds(6);
constexpr absl::Duration kIdleTimeout = absl::Seconds(3);
constexpr absl::Duration kHeaderLineEvery = absl::Seconds(2);
constexpr absl::Duration kProbeBound = absl::Milliseconds(200);
// How late a close may come after its deadline on a busy test machine, and
// how early (the deadline starts a little before the client's clock does).
constexpr absl::Duration kLate = absl::Seconds(3);
constexpr absl::Duration kEarly = absl::Milliseconds(500);

std::string Address(int host) { return absl::StrCat("127.0.0.", host); }

// Each connection takes two descriptors in this process (client and server).
void RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// A connection of the test's and when things happened to it.
struct Client {
  std::unique_ptr<RawConnection> connection;
  absl::Time deadline_from;  // its first byte (slow), or its answer (idle)
  absl::Time closed_at = absl::InfiniteFuture();
  bool sends_lines = false;  // slow: a header line every 2 s
  int lines_sent = 0;
};

// Probes that open a connection of their own each time, from 127.0.0.1, as
// a load balancer and customers would, recording how long each answer took.
class Prober {
 public:
  Prober(int port, std::string survey_path) : port_(port), survey_path_(std::move(survey_path)) {
    thread_ = std::thread([this] { Run(); });
  }
  ~Prober() { Finish(); }

  void Finish() {
    running_ = false;
    if (thread_.joinable()) thread_.join();
  }

  struct Figures {
    int probes = 0;
    int failures = 0;
    absl::Duration slowest, median;
    std::string first_failure;
  };
  Figures Of(const std::string& what) {
    absl::MutexLock lock(&mutex_);
    Figures figures = failures_[what];
    std::vector<absl::Duration>& latencies = latencies_[what];
    figures.probes = static_cast<int>(latencies.size()) + figures.failures;
    if (!latencies.empty()) {
      std::sort(latencies.begin(), latencies.end());
      figures.slowest = latencies.back();
      figures.median = latencies[latencies.size() / 2];
    }
    return figures;
  }

 private:
  void Run() {
    while (running_) {
      Probe("healthz", "/healthz", "SERVING\n");
      Probe("survey page", survey_path_, "data-code=\"overall\"");
      absl::SleepFor(absl::Milliseconds(100));
    }
  }

  void Probe(const std::string& what, const std::string& path, const std::string& expected) {
    absl::Time start = absl::Now();
    absl::StatusOr<test_support::HttpReply> reply =
        test_support::SendHttp(port_, {.target = path, .timeout = absl::Seconds(5)});
    absl::Duration took = absl::Now() - start;
    absl::MutexLock lock(&mutex_);
    if (reply.ok() && reply->status == 200 && absl::StrContains(reply->body, expected) && took < kProbeBound) {
      latencies_[what].push_back(took);
      return;
    }
    Figures& failed = failures_[what];
    if (failed.failures++ == 0) {
      failed.first_failure =
          absl::StrCat(what, " after ", absl::FormatDuration(took), ": ",
                       reply.ok() ? absl::StrCat("HTTP ", reply->status) : reply.status().ToString());
    }
    failed.slowest = std::max(failed.slowest, took);
  }

  const int port_;
  const std::string survey_path_;
  std::atomic<bool> running_{true};
  absl::Mutex mutex_;
  std::map<std::string, std::vector<absl::Duration>> latencies_ ABSL_GUARDED_BY(mutex_);
  std::map<std::string, Figures> failures_ ABSL_GUARDED_BY(mutex_);
  std::thread thread_;
};

class HttpSlowClientsTest : public test_support::E2eTest {
 protected:
  HttpSlowClientsTest()
      : E2eTest({.config = {.http_rate_limit = 1'000'000,  // the probes come often, from one address
                            .http_max_connections = 1000,
                            .http_connections_per_address = kPerAddress,
                            .http_request_timeout = kRequestTimeout,
                            .http_idle_timeout = kIdleTimeout},
                 .templates = test_support::Templates::kRepository}) {}

  void SetUp() override {
    RaiseOpenFileLimit();
    ASSERT_NO_FATAL_FAILURE(E2eTest::SetUp());
    test_support::OpenAllDay(channel(), "message_windows");
    token_ = test_support::TokenOf(test_support::SurveyMessage(*server_, "slow-clients-1").survey_url());
    ASSERT_FALSE(token_.empty());
  }

  std::string token_;
};

TEST_P(HttpSlowClientsTest, HundredsOfSlowAndIdleClientsNeitherDelayProbesNorStay) {
  int port = server_->server().http_port();
  std::string survey_path = absl::StrCat("/s/", token_);
  Prober prober(port, survey_path);

  // Slow clients: a request line, then a header line every 2 s, never the end.
  std::vector<Client> slow;
  for (int host = 2; host < 2 + kSlowAddresses; ++host) {
    for (int i = 0; i < kPerAddress; ++i) {
      absl::StatusOr<std::unique_ptr<RawConnection>> connection = RawConnection::Open(port, Address(host));
      ASSERT_TRUE(connection.ok()) << connection.status();
      slow.push_back({.connection = *std::move(connection), .deadline_from = absl::Now(), .sends_lines = true});
      ASSERT_TRUE(slow.back().connection->Send(absl::StrCat("GET ", survey_path, " HTTP/1.1\r\n")));
    }
  }
  // Idle clients: one request answered, then the connection kept alive unused.
  std::vector<Client> idle;
  for (int host = 2 + kSlowAddresses; host < 2 + kSlowAddresses + kIdleAddresses; ++host) {
    for (int i = 0; i < kPerAddress; ++i) {
      absl::StatusOr<std::unique_ptr<RawConnection>> connection = RawConnection::Open(port, Address(host));
      ASSERT_TRUE(connection.ok()) << connection.status();
      ASSERT_TRUE((*connection)->Send("GET /healthz HTTP/1.1\r\nHost: satisfaction\r\n\r\n"));
      ASSERT_TRUE((*connection)->ReadUntil("SERVING\n", absl::Seconds(5))) << (*connection)->received();
      idle.push_back({.connection = *std::move(connection), .deadline_from = absl::Now()});
    }
  }
  // An address at its cap gets no more.
  absl::StatusOr<std::unique_ptr<RawConnection>> beyond_cap = RawConnection::Open(port, Address(2));
  ASSERT_TRUE(beyond_cap.ok()) << beyond_cap.status();
  EXPECT_TRUE((*beyond_cap)->ReadUntilClosed(absl::Seconds(5)));
  EXPECT_TRUE(absl::StartsWith((*beyond_cap)->received(), "HTTP/1.1 503 ")) << (*beyond_cap)->received();

  // Keep the slow ones talking until the server has closed every connection.
  absl::Time give_up = absl::Now() + kRequestTimeout + kLate + absl::Seconds(2);
  absl::Time next_line = absl::Now();
  std::vector<Client*> open;
  for (std::vector<Client>* clients : {&slow, &idle}) {
    for (Client& client : *clients) open.push_back(&client);
  }
  while (!open.empty() && absl::Now() < give_up) {
    if (absl::Now() >= next_line) {
      next_line += kHeaderLineEvery;
      for (Client* client : open) {
        if (client->sends_lines) {
          client->connection->Send(absl::StrCat("X-Slow-", client->lines_sent, ": still typing\r\n"));
          ++client->lines_sent;
        }
      }
    }
    std::vector<RawConnection*> connections;
    for (Client* client : open) connections.push_back(client->connection.get());
    RawConnection::ReadAny(connections, absl::Milliseconds(50));
    absl::Time now = absl::Now();
    std::erase_if(open, [now](Client* client) {
      if (!client->connection->closed()) return false;
      client->closed_at = now;
      return true;
    });
  }
  prober.Finish();
  ASSERT_TRUE(open.empty()) << open.size() << " connections the server never closed";

  for (const Client& client : slow) {
    EXPECT_TRUE(absl::StartsWith(client.connection->received(), "HTTP/1.1 408 ")) << client.connection->received();
    EXPECT_GE(client.lines_sent, 2) << "it kept sending, so no idle limit closed it";
    EXPECT_GE(client.closed_at - client.deadline_from, kRequestTimeout - kEarly);
    EXPECT_LE(client.closed_at - client.deadline_from, kRequestTimeout + kLate);
  }
  for (const Client& client : idle) {
    // The status line, not any "408": the first answer's random X-Request-Id may hold those digits.
    EXPECT_FALSE(absl::StrContains(client.connection->received(), "HTTP/1.1 408"))
        << "closed without a second answer";
    EXPECT_GE(client.closed_at - client.deadline_from, kIdleTimeout - kEarly);
    EXPECT_LE(client.closed_at - client.deadline_from, kIdleTimeout + kLate);
  }
  for (const char* what : {"healthz", "survey page"}) {
    Prober::Figures figures = prober.Of(what);
    EXPECT_GE(figures.probes, 10) << what;
    EXPECT_EQ(figures.failures, 0) << figures.first_failure;
    std::cout << "[ figures  ] " << slow.size() << " slow and " << idle.size() << " idle connections; " << what << ": "
              << figures.probes << " probes, median " << absl::FormatDuration(figures.median) << ", slowest "
              << absl::FormatDuration(figures.slowest) << ", " << figures.failures << " over "
              << absl::FormatDuration(kProbeBound) << " or failed\n";
  }
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(HttpSlowClientsTest);

}  // namespace
}  // namespace satisfaction
