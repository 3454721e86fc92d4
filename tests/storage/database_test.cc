#include "services/storage/database.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "services/storage/migrations.h"
#include "tests/support/backend_test.h"
#include "tests/support/test_database.h"

namespace satisfaction::storage {
namespace {

using test_support::TestBackend;

class DatabaseTest : public test_support::BackendTest {
 protected:
  std::unique_ptr<Database> Connect(size_t pool_size = 4, absl::Duration lease_timeout = absl::Seconds(5)) {
    absl::StatusOr<std::unique_ptr<Database>> database =
        Database::Connect({.url = test_database_->url(), .pool_size = pool_size, .lease_timeout = lease_timeout});
    EXPECT_TRUE(database.ok()) << database.status();
    return database.ok() ? *std::move(database) : nullptr;
  }

  static int Count(Database& database, const std::string& table) {
    int count = -1;
    EXPECT_TRUE(database
                    .InTransaction(Access::kRead,
                                   [&](storage::Transaction& tx) {
                                     soci::session& session = tx.session();
                                     session << "SELECT COUNT(*) FROM " + table, soci::into(count);
                                     return absl::OkStatus();
                                   })
                    .ok());
    return count;
  }

  static void CreateTable(Database& database) {
    ASSERT_TRUE(database
                    .WithSession([](soci::session& session) {
                      session << "CREATE TABLE things (id INT NOT NULL PRIMARY KEY, name VARCHAR(20) NOT NULL)";
                      return absl::OkStatus();
                    })
                    .ok());
  }
};

TEST_P(DatabaseTest, CommittedWorkIsVisibleAndFailedWorkIsRolledBack) {
  std::unique_ptr<Database> database = Connect();
  CreateTable(*database);
  ASSERT_TRUE(database
                  ->InTransaction(Access::kWrite,
                                  [](storage::Transaction& tx) {
                                    soci::session& session = tx.session();
                                    session << "INSERT INTO things (id, name) VALUES (1, 'kept')";
                                    return absl::OkStatus();
                                  })
                  .ok());
  absl::Status failed = database->InTransaction(Access::kWrite, [](storage::Transaction& tx) {
    soci::session& session = tx.session();
    session << "INSERT INTO things (id, name) VALUES (2, 'dropped')";
    return absl::FailedPreconditionError("changed my mind");
  });
  EXPECT_EQ(failed.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Count(*database, "things"), 1);
}

TEST_P(DatabaseTest, DuplicateKeyIsAlreadyExistsAndRollsBack) {
  std::unique_ptr<Database> database = Connect();
  CreateTable(*database);
  absl::Status status = database->InTransaction(Access::kWrite, [](storage::Transaction& tx) {
    soci::session& session = tx.session();
    session << "INSERT INTO things (id, name) VALUES (1, 'a')";
    session << "INSERT INTO things (id, name) VALUES (2, 'b')";
    session << "INSERT INTO things (id, name) VALUES (1, 'c')";
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
  EXPECT_EQ(Count(*database, "things"), 0) << "nothing of the failed transaction stays";
}

TEST_P(DatabaseTest, ADuplicateKeyErrorDoesNotRepeatTheValue) {
  std::unique_ptr<Database> database = Connect();
  ASSERT_TRUE(database
                  ->WithSession([](soci::session& session) {
                    session << "CREATE TABLE phones (phone VARCHAR(20) NOT NULL PRIMARY KEY)";
                    return absl::OkStatus();
                  })
                  .ok());
  absl::Status status = database->InTransaction(Access::kWrite, [](storage::Transaction& tx) {
    soci::session& session = tx.session();
    session << "INSERT INTO phones (phone) VALUES ('+8613912345678')";
    session << "INSERT INTO phones (phone) VALUES ('+8613912345678')";
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
  EXPECT_FALSE(absl::StrContains(status.message(), "13912345678")) << "it reaches clients and the log: " << status;
}

TEST_P(DatabaseTest, SqlErrorsAreInternalNotCrashes) {
  std::unique_ptr<Database> database = Connect();
  absl::Status status = database->InTransaction(Access::kRead, [](storage::Transaction& tx) {
    soci::session& session = tx.session();
    session << "SELECT no_such_column FROM no_such_table";
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
  EXPECT_TRUE(database->Ping().ok()) << "the session is usable afterwards";
}

TEST_P(DatabaseTest, ExhaustedPoolAnswersResourceExhaustedAfterABoundedWait) {
  std::unique_ptr<Database> database = Connect(/*pool_size=*/1, /*lease_timeout=*/absl::Milliseconds(200));
  absl::Notification holding, release;
  std::thread holder([&] {
    EXPECT_TRUE(database
                    ->InTransaction(Access::kRead,
                                    [&](storage::Transaction&) {
                                      holding.Notify();
                                      release.WaitForNotification();
                                      return absl::OkStatus();
                                    })
                    .ok());
  });
  holding.WaitForNotification();
  absl::Time start = absl::Now();
  absl::Status status = database->InTransaction(Access::kRead, [](storage::Transaction&) { return absl::OkStatus(); });
  absl::Duration waited = absl::Now() - start;
  release.Notify();
  holder.join();
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
  EXPECT_GE(waited, absl::Milliseconds(150));
  EXPECT_LT(waited, absl::Seconds(30)) << "never hangs";
  EXPECT_TRUE(database->InTransaction(Access::kRead, [](storage::Transaction&) { return absl::OkStatus(); }).ok());
}

TEST_P(DatabaseTest, MigrationsApplyOnceWhenServersStartTogether) {
  std::vector<std::unique_ptr<Database>> servers;
  for (int i = 0; i < 4; ++i) servers.push_back(Connect(/*pool_size=*/1, absl::Seconds(30)));
  std::vector<std::thread> starts;
  std::atomic<int> succeeded{0};
  int newest = SchemaMigrations().back().version;
  for (auto& server : servers) {
    starts.emplace_back([&, db = server.get()] {
      absl::StatusOr<int> version = ApplyMigrations(*db, SchemaMigrations());
      EXPECT_TRUE(version.ok()) << version.status();
      if (version.ok() && *version == newest) ++succeeded;
    });
  }
  for (std::thread& start : starts) start.join();
  EXPECT_EQ(succeeded.load(), 4);
  EXPECT_EQ(Count(*servers[0], "schema_migrations"), static_cast<int>(SchemaMigrations().size()));
  absl::StatusOr<int> again = ApplyMigrations(*servers[0], SchemaMigrations());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, newest);
  EXPECT_EQ(Count(*servers[0], "schema_migrations"), static_cast<int>(SchemaMigrations().size()));
}

TEST_P(DatabaseTest, NewerSchemaThanTheServerKnowsIsRefused) {
  std::unique_ptr<Database> database = Connect();
  ASSERT_TRUE(ApplyMigrations(*database, SchemaMigrations()).ok());
  std::vector<Migration> future(SchemaMigrations().begin(), SchemaMigrations().end());
  future.push_back({.version = 9999,
                    .description = "from a newer server",
                    .mysql_statements = {"CREATE TABLE future_things (id INT)"},
                    .sqlite_statements = {"CREATE TABLE future_things (id INT)"}});
  ASSERT_TRUE(ApplyMigrations(*database, future).ok());
  absl::StatusOr<int> older = ApplyMigrations(*database, SchemaMigrations());
  EXPECT_EQ(older.status().code(), absl::StatusCode::kFailedPrecondition) << older.status();
}

// Two transactions that each lock a row and then want the other's: MariaDB's
// deadlock detector picks one as its victim.
class CrosswiseUpdates {
 public:
  explicit CrosswiseUpdates(const RetryPolicy& retry) {
    test_database_ = test_support::TestDatabase::Create(TestBackend::kMariaDb);
    absl::StatusOr<std::unique_ptr<Database>> database =
        Database::Connect({.url = test_database_->url(), .pool_size = 2, .retry = retry});
    EXPECT_TRUE(database.ok()) << database.status();
    database_ = *std::move(database);
    EXPECT_TRUE(database_
                    ->WithSession([](soci::session& session) {
                      session << "CREATE TABLE things (id INT NOT NULL PRIMARY KEY, n INT NOT NULL) ENGINE=InnoDB";
                      session << "INSERT INTO things VALUES (1, 0), (2, 0)";
                      return absl::OkStatus();
                    })
                    .ok());
  }

  // The two transactions' outcomes.
  std::pair<absl::Status, absl::Status> Run() {
    absl::Notification first_locked, second_locked;
    auto crosswise = [&](int mine, int theirs, absl::Notification& locked, absl::Notification& other_locked) {
      return database_->InTransaction(Access::kWrite, [&](Transaction& tx) {
        tx.session() << "UPDATE things SET n = n + 1 WHERE id = :id", soci::use(mine);
        if (!locked.HasBeenNotified()) locked.Notify();
        other_locked.WaitForNotification();
        tx.session() << "UPDATE things SET n = n + 1 WHERE id = :id", soci::use(theirs);
        return absl::OkStatus();
      });
    };
    absl::Status first_status, second_status;
    std::thread first([&] { first_status = crosswise(1, 2, first_locked, second_locked); });
    std::thread second([&] { second_status = crosswise(2, 1, second_locked, first_locked); });
    first.join();
    second.join();
    return {first_status, second_status};
  }

  int Sum() {
    int sum = -1;
    EXPECT_TRUE(database_
                    ->InTransaction(Access::kRead,
                                    [&](Transaction& tx) {
                                      tx.session() << "SELECT SUM(n) FROM things", soci::into(sum);
                                      return absl::OkStatus();
                                    })
                    .ok());
    return sum;
  }

 private:
  std::unique_ptr<test_support::TestDatabase> test_database_;
  std::unique_ptr<Database> database_;
};

// The victim must see ABORTED, which tells a client to retry.
TEST(MariaDbErrors, DeadlockIsAborted) {
  CrosswiseUpdates updates(RetryPolicy{.max_attempts = 1});
  auto [first_status, second_status] = updates.Run();
  EXPECT_NE(first_status.ok(), second_status.ok()) << first_status << " / " << second_status;
  const absl::Status& victim = first_status.ok() ? second_status : first_status;
  EXPECT_EQ(victim.code(), absl::StatusCode::kAborted) << victim;
  EXPECT_EQ(updates.Sum(), 2) << "the victim's first update was rolled back";
}

TEST(MariaDbErrors, ADeadlockVictimRunsAgainAndBothCommit) {
  CrosswiseUpdates updates(RetryPolicy{});
  auto [first_status, second_status] = updates.Run();
  EXPECT_TRUE(first_status.ok()) << first_status;
  EXPECT_TRUE(second_status.ok()) << second_status;
  EXPECT_EQ(updates.Sum(), 4) << "each transaction's two updates, once";
}

TEST_P(DatabaseTest, ConflictsRunTheWholeUnitOfWorkAgainAFewTimesAtMost) {
  std::unique_ptr<Database> database = Connect();
  CreateTable(*database);
  int runs = 0;
  absl::Status status = database->InTransaction(Access::kWrite, [&](Transaction& tx) {
    ++runs;
    EXPECT_EQ(tx.attempt(), runs);
    tx.session() << "INSERT INTO things (id, name) VALUES (1, 'once')";
    return runs < 3 ? absl::AbortedError("conflict") : absl::OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(runs, 3);
  EXPECT_EQ(Count(*database, "things"), 1) << "the failed runs were rolled back";

  runs = 0;
  status = database->InTransaction(Access::kWrite, [&](Transaction&) {
    ++runs;
    return absl::AbortedError("conflict");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(runs, RetryPolicy().max_attempts);
}

TEST_P(DatabaseTest, WorkToldAfterTheCommitRunsOnceForCommittedWorkOnly) {
  std::unique_ptr<Database> database = Connect();
  CreateTable(*database);
  std::vector<std::string> told;
  int runs = 0;
  absl::Status status = database->InTransaction(Access::kWrite, [&](Transaction& tx) {
    ++runs;
    tx.session() << "INSERT INTO things (id, name) VALUES (1, 'once')";
    tx.AfterCommit([&told, runs] { told.push_back(absl::StrCat("run ", runs)); });
    EXPECT_TRUE(told.empty()) << "nothing is told before the commit";
    return runs < 2 ? absl::AbortedError("conflict") : absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(told, std::vector<std::string>{"run 2"}) << "the rolled-back run told nothing";

  told.clear();
  status = database->InTransaction(Access::kWrite, [&](Transaction& tx) {
    tx.AfterCommit([&told] { told.push_back("failed"); });
    return absl::FailedPreconditionError("changed my mind");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  status = database->InTransaction(Access::kWrite, [&](Transaction& tx) {
    tx.AfterCommit([&told] { told.push_back("duplicate"); });
    tx.session() << "INSERT INTO things (id, name) VALUES (1, 'again')";
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(told.empty()) << told.front();
}

TEST_P(DatabaseTest, OnlyUpsertsRunAgainAfterADuplicateKey) {
  std::unique_ptr<Database> database = Connect();
  CreateTable(*database);
  int runs = 0;
  auto insert_unless_there = [&](Transaction& tx) {
    ++runs;
    int there = 0;
    // The first run misses the row that a "concurrent" caller inserts just before it.
    if (runs > 1) tx.session() << "SELECT COUNT(*) FROM things WHERE id = 1", soci::into(there);
    if (there == 0) tx.session() << "INSERT INTO things (id, name) VALUES (1, 'mine')";
    return absl::OkStatus();
  };
  ASSERT_TRUE(database
                  ->InTransaction(Access::kWrite,
                                  [](Transaction& tx) {
                                    tx.session() << "INSERT INTO things (id, name) VALUES (1, 'theirs')";
                                    return absl::OkStatus();
                                  })
                  .ok());
  EXPECT_EQ(database->InTransaction(Access::kWrite, insert_unless_there).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(runs, 1);
  runs = 0;
  EXPECT_TRUE(database->InTransaction(Access::kUpsert, insert_unless_there).ok());
  EXPECT_EQ(runs, 2);
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(DatabaseTest);

}  // namespace
}  // namespace satisfaction::storage
