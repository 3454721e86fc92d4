#ifndef SATISFACTION_TESTS_SUPPORT_TEST_DATABASE_H_
#define SATISFACTION_TESTS_SUPPORT_TEST_DATABASE_H_

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "services/storage/database.h"

namespace satisfaction::test_support {

enum class TestBackend { kSqlite, kMariaDb };

// The backends every storage and end-to-end test runs on. MariaDB cases need
// the private MariaDB the test command starts (SATISFACTION_TEST_MYSQL_URL);
// without it they fail rather than quietly test SQLite alone.
std::vector<TestBackend> AllBackends();
std::string BackendName(TestBackend backend);
// Lets GoogleTest print a backend by name in test names and messages.
inline void PrintTo(TestBackend backend, std::ostream* out) { *out << BackendName(backend); }

// A fresh, empty database of its own for one test, dropped afterwards:
// an SQLite file in a temporary folder, or a new database in the test MariaDB.
class TestDatabase {
 public:
  // Throws std::runtime_error when the backend is not there.
  static std::unique_ptr<TestDatabase> Create(TestBackend backend);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  // What --db takes.
  const std::string& url() const { return url_; }
  TestBackend backend() const { return backend_; }

 private:
  TestDatabase(TestBackend backend, std::string url, std::string cleanup)
      : backend_(backend), url_(std::move(url)), cleanup_(std::move(cleanup)) {}

  TestBackend backend_;
  std::string url_;
  // The SQLite folder to remove, or the MariaDB database to drop.
  std::string cleanup_;
};

// Opens a pool of `pool_size` sessions on `database` and applies the schema.
// Throws std::runtime_error on failure.
std::unique_ptr<storage::Database> OpenMigrated(const TestDatabase& database, size_t pool_size);

// Runs one statement in a session of its own (to set up or break a test's
// database behind the server's back).
absl::Status ExecuteSql(storage::Database& database, const std::string& sql);

// The number a query of one row and one integer column returns (a count, a
// state), read in a transaction of its own; -1 if the query fails.
long long QueryNumber(storage::Database& database, const std::string& sql);

// The repository's root (SATISFACTION_REPO_ROOT, or the source tree CMake saw).
std::string RepoRoot();

// A fresh temporary folder.
std::string MakeTempDir(const std::string& prefix);

}  // namespace satisfaction::test_support

#endif  // SATISFACTION_TESTS_SUPPORT_TEST_DATABASE_H_
