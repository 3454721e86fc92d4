// The migration lock on MariaDB (SQLite's own write lock keeps its servers
// apart): one holder at a time, a dead holder's lease runs out, and a holder
// that lost its lease is told so before its next step.

#include "services/storage/migration_lock.h"

#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "services/storage/database.h"
#include "tests/support/test_database.h"

namespace satisfaction::storage {
namespace {

class MigrationLockTest : public testing::Test {
 protected:
  void SetUp() override {
    test_database_ = test_support::TestDatabase::Create(test_support::TestBackend::kMariaDb);
    absl::StatusOr<std::unique_ptr<Database>> database =
        Database::Connect({.url = test_database_->url(), .pool_size = 2});
    ASSERT_TRUE(database.ok()) << database.status();
    database_ = *std::move(database);
  }

  // Runs `work` on a session of its own, as another server would.
  absl::Status OnSession(absl::FunctionRef<absl::Status(soci::session&)> work) {
    return database_->WithSession(work);
  }

  std::unique_ptr<test_support::TestDatabase> test_database_;
  std::unique_ptr<Database> database_;
};

TEST_F(MigrationLockTest, OneHolderAtATimeUntilItReleases) {
  ASSERT_TRUE(OnSession([](soci::session& s) { return MigrationLock::Take(s, "server-a", absl::Seconds(1)); }).ok());
  absl::Status second =
      OnSession([](soci::session& s) { return MigrationLock::Take(s, "server-b", absl::Milliseconds(600)); });
  EXPECT_EQ(second.code(), absl::StatusCode::kAborted) << second;
  EXPECT_TRUE(OnSession([](soci::session& s) { return MigrationLock::Renew(s, "server-a"); }).ok());
  ASSERT_TRUE(OnSession([](soci::session& s) {
                MigrationLock::Release(s, "server-a");
                return absl::OkStatus();
              }).ok());
  EXPECT_TRUE(OnSession([](soci::session& s) { return MigrationLock::Take(s, "server-b", absl::Seconds(1)); }).ok());
}

TEST_F(MigrationLockTest, ADeadHoldersLeaseRunsOutAndItsNextStepIsRefused) {
  ASSERT_TRUE(OnSession([](soci::session& s) { return MigrationLock::Take(s, "server-a", absl::Seconds(1)); }).ok());
  // server-a dies: its lease ends (here, moved into the past) and nobody releases it.
  ASSERT_TRUE(OnSession([](soci::session& s) {
                s << "UPDATE schema_migration_lock SET lease_ends_at_us = 1";
                return absl::OkStatus();
              }).ok());
  EXPECT_TRUE(OnSession([](soci::session& s) { return MigrationLock::Take(s, "server-b", absl::Seconds(1)); }).ok());
  absl::Status renewed = OnSession([](soci::session& s) { return MigrationLock::Renew(s, "server-a"); });
  EXPECT_EQ(renewed.code(), absl::StatusCode::kFailedPrecondition) << renewed;
  // A late release by the old holder leaves the new one's lock alone.
  ASSERT_TRUE(OnSession([](soci::session& s) {
                MigrationLock::Release(s, "server-a");
                return absl::OkStatus();
              }).ok());
  EXPECT_TRUE(OnSession([](soci::session& s) { return MigrationLock::Renew(s, "server-b"); }).ok());
}

}  // namespace
}  // namespace satisfaction::storage
