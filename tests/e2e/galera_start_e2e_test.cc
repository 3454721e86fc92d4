// Servers on every node of a Galera cluster, starting together on a fresh
// database, as a deployment does after an upgrade: each one serves, the
// schema is migrated once and the first admin key is made once. (GET_LOCK
// holds on one node only: before MigrationLock one server in three started.)

#include <soci/soci.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "services/storage/database.h"
#include "services/storage/migrations.h"
#include "tests/e2e/test_server.h"
#include "tests/support/private_galera.h"

namespace satisfaction::test_support {
namespace {

constexpr int kNodes = 3;
constexpr int kRounds = 10;

// Runs `work` on a session with the node at `url`.
void OnNode(const std::string& url, const std::function<void(soci::session&)>& work) {
  absl::StatusOr<std::unique_ptr<storage::Database>> database = storage::Database::Connect({.url = url, .pool_size = 1});
  ASSERT_TRUE(database.ok()) << database.status();
  absl::Status status = (*database)->WithSession([&](soci::session& session) {
    work(session);
    return absl::OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status;
}

// The number `sql` reads through the node at `url`.
long long CountOnNode(const std::string& url, const std::string& sql) {
  long long count = -1;
  OnNode(url, [&](soci::session& session) { session << sql, soci::into(count); });
  return count;
}

// Whether the node at `url` has the database, with no table yet.
bool IsFreshOn(const std::string& url) {
  absl::StatusOr<std::unique_ptr<storage::Database>> database = storage::Database::Connect({.url = url, .pool_size = 1});
  if (!database.ok()) return false;
  long long tables = -1;
  absl::Status status = (*database)->WithSession([&](soci::session& session) {
    session << "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'satisfaction'", soci::into(tables);
    return absl::OkStatus();
  });
  return status.ok() && tables == 0;
}

TEST(GaleraStartE2eTest, ServersOnEveryNodeStartTogetherOnAFreshDatabase) {
  std::unique_ptr<PrivateGalera> cluster = PrivateGalera::Start(kNodes);
  const std::vector<std::string>& urls = cluster->urls();
  ASSERT_EQ(urls.size(), static_cast<size_t>(kNodes));
  for (int round = 1; round <= kRounds; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    // A fresh database (DDL reaches every node before the statement returns).
    OnNode(urls[0], [](soci::session& session) {
      session << "DROP DATABASE satisfaction";
      session << "CREATE DATABASE satisfaction CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
    });
    // The other nodes run the DDL in the same order, but after node 1 answered:
    // wait until each has the fresh, empty database (reads there are causal).
    for (const std::string& url : urls) {
      absl::Time deadline = absl::Now() + absl::Seconds(20);
      while (!IsFreshOn(url) && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(50));
    }
    std::vector<std::unique_ptr<TestServer>> servers(kNodes);
    std::vector<std::thread> starting;
    for (int node = 0; node < kNodes; ++node) {
      starting.emplace_back([&, node] { servers[node] = TestServer::Start(urls[node]); });
    }
    for (std::thread& thread : starting) thread.join();
    for (int node = 0; node < kNodes; ++node) ASSERT_NE(servers[node], nullptr) << "the server on node " << node + 1;

    // Read through the last node: its session reads causally.
    EXPECT_EQ(CountOnNode(urls.back(), "SELECT COUNT(*) FROM schema_migrations"),
              static_cast<long long>(storage::SchemaMigrations().size()));
    EXPECT_EQ(CountOnNode(urls.back(), "SELECT COUNT(*) FROM api_keys"), 1) << "the first admin key, made once";
  }
}

}  // namespace
}  // namespace satisfaction::test_support
