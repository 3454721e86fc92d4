// deploy/galera-private.sh, through PrivateGalera, gives a working cluster:
// what one node writes, another reads, and a node killed with kill -9 comes
// back with the writes it missed.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "services/storage/database.h"
#include "soci/soci.h"
#include "tests/support/private_galera.h"

namespace satisfaction::storage {
namespace {

using test_support::PrivateGalera;

constexpr char kSynced[] = "Synced\tPrimary\tON";

std::unique_ptr<Database> ConnectTo(const std::string& url) {
  absl::StatusOr<std::unique_ptr<Database>> database = Database::Connect({.url = url, .pool_size = 1});
  if (!database.ok()) ADD_FAILURE() << url << ": " << database.status();
  return database.ok() ? *std::move(database) : nullptr;
}

absl::Status Write(Database& database, const std::string& body) {
  return database.WithSession([&](soci::session& session) {
    session << "INSERT INTO notes (body) VALUES (:body)", soci::use(body);
    return absl::OkStatus();
  });
}

// Every note, oldest first, as the node sees it once it has applied every
// write the cluster committed before the read (wsrep_sync_wait).
std::vector<std::string> Notes(Database& database) {
  std::vector<std::string> bodies;
  absl::Status status = database.WithSession([&](soci::session& session) {
    session << "SET SESSION wsrep_sync_wait = 1";
    soci::rowset<std::string> rows = (session.prepare << "SELECT body FROM notes ORDER BY id");
    for (const std::string& body : rows) bodies.push_back(body);
    return absl::OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status;
  return bodies;
}

TEST(GaleraCluster, ANodeReadsAnothersWritesAndACrashedNodeCatchesUp) {
  std::unique_ptr<PrivateGalera> cluster = PrivateGalera::Start(3);
  ASSERT_EQ(cluster->urls().size(), 3u);
  std::unique_ptr<Database> node1 = ConnectTo(cluster->urls()[0]);
  std::unique_ptr<Database> node3 = ConnectTo(cluster->urls()[2]);
  ASSERT_TRUE(node1 != nullptr && node3 != nullptr);

  ASSERT_TRUE(node1
                  ->WithSession([](soci::session& session) {
                    session << "CREATE TABLE notes (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
                               " body VARCHAR(40) NOT NULL)";
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_TRUE(Write(*node1, "before the crash").ok());
  EXPECT_EQ(Notes(*node3), (std::vector<std::string>{"before the crash"}));

  ASSERT_TRUE(cluster->Kill(2).ok());
  EXPECT_EQ(cluster->State(2).value_or("no answer"), "down");
  // The first write waits until the others declare node 2 gone (a few seconds).
  ASSERT_TRUE(Write(*node1, "while node 2 was down").ok());
  ASSERT_TRUE(Write(*node1, "still down").ok());

  absl::Status restarted = cluster->Restart(2);
  ASSERT_TRUE(restarted.ok()) << restarted;
  EXPECT_EQ(cluster->State(2).value_or("no answer"), kSynced);
  std::unique_ptr<Database> node2 = ConnectTo(cluster->urls()[1]);
  ASSERT_TRUE(node2 != nullptr);
  EXPECT_EQ(Notes(*node2), (std::vector<std::string>{"before the crash", "while node 2 was down", "still down"}));

  node1.reset();
  node2.reset();
  node3.reset();
  absl::Status stopped = cluster->Stop();
  EXPECT_TRUE(stopped.ok()) << stopped;
  for (int node = 1; node <= 3; ++node) EXPECT_EQ(cluster->State(node).value_or("no answer"), "down") << node;
}

}  // namespace
}  // namespace satisfaction::storage
