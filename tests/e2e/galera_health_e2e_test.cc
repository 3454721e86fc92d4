// Health on a Galera cluster tells the truth: a server says SERVING only while
// its node is synced and in the primary component. A node answers SELECT 1
// while it receives its state transfer and after it lost the quorum, so a
// check of the connection alone says SERVING too early and too long.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/e2e/health_checks.h"
#include "tests/e2e/test_server.h"
#include "tests/support/private_galera.h"

namespace satisfaction::test_support {
namespace {

using grpc::health::v1::HealthCheckResponse;

TEST(GaleraHealthE2eTest, ServingOnlyWhileTheNodeIsSyncedAndPrimary) {
  std::unique_ptr<PrivateGalera> cluster = PrivateGalera::Start(3);
  std::vector<std::unique_ptr<TestServer>> servers;
  std::vector<std::unique_ptr<grpc::health::v1::Health::Stub>> health;
  for (const std::string& url : cluster->urls()) {
    servers.push_back(TestServer::Start(url));  // the default health interval: the operators'
    ASSERT_NE(servers.back(), nullptr);
    health.push_back(grpc::health::v1::Health::NewStub(servers.back()->channel()));
    EXPECT_EQ(Health(*health.back()), HealthCheckResponse::SERVING);
  }

  // A node dies: its server says so within 2 s; the others go on serving.
  ASSERT_TRUE(cluster->Kill(2).ok());
  EXPECT_TRUE(AwaitHealth(*health[1], HealthCheckResponse::NOT_SERVING, absl::Seconds(2)));
  EXPECT_EQ(Health(*health[0]), HealthCheckResponse::SERVING);
  EXPECT_EQ(Health(*health[2]), HealthCheckResponse::SERVING);

  // Back, and synced once Restart returns: SERVING again.
  ASSERT_TRUE(cluster->Restart(2).ok());
  EXPECT_TRUE(AwaitHealth(*health[1], HealthCheckResponse::SERVING, absl::Seconds(5)));

  // Two of three gone: the survivor is cut off from the quorum (once the
  // others' suspicion timeout of about 5 s has passed) and stops serving:
  // no server serves.
  ASSERT_TRUE(cluster->Kill(2).ok());
  ASSERT_TRUE(cluster->Kill(3).ok());
  EXPECT_TRUE(AwaitHealth(*health[0], HealthCheckResponse::NOT_SERVING, absl::Seconds(15)));
  EXPECT_EQ(Health(*health[1]), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(Health(*health[2]), HealthCheckResponse::NOT_SERVING);
  absl::StatusOr<std::string> state = cluster->State(1);
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_NE(state->find("non-Primary"), std::string::npos) << *state;

  // The operator makes the survivor primary again: it serves.
  ASSERT_TRUE(cluster->Bootstrap(1).ok());
  EXPECT_TRUE(AwaitHealth(*health[0], HealthCheckResponse::SERVING, absl::Seconds(5)));
}

}  // namespace
}  // namespace satisfaction::test_support
