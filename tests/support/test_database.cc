#include "tests/support/test_database.h"

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "services/storage/database_url.h"
#include "services/storage/migrations.h"
#include "services/storage/transaction.h"
#include "soci/mysql/soci-mysql.h"
#include "soci/soci.h"

namespace satisfaction::test_support {
namespace {

const char* MysqlBaseUrl() { return std::getenv("SATISFACTION_TEST_MYSQL_URL"); }

// Runs one statement on the test MariaDB's own database.
void RunOnBaseDatabase(const std::string& statement) {
  absl::StatusOr<storage::DatabaseUrl> base = storage::ParseDatabaseUrl(MysqlBaseUrl());
  if (!base.ok()) throw std::runtime_error(std::string(base.status().message()));
  soci::session session(*soci::factory_mysql(), base->soci_connect_string);
  session << statement;
}

}  // namespace

std::vector<TestBackend> AllBackends() { return {TestBackend::kSqlite, TestBackend::kMariaDb}; }

std::string BackendName(TestBackend backend) { return backend == TestBackend::kSqlite ? "SQLite" : "MariaDB"; }

absl::Status ExecuteSql(storage::Database& database, const std::string& sql) {
  return database.WithSession([&](soci::session& session) {
    session << sql;
    return absl::OkStatus();
  });
}

long long QueryNumber(storage::Database& database, const std::string& sql) {
  long long number = -1;
  absl::Status status = database.InTransaction(storage::Access::kRead, [&](storage::Transaction& tx) {
    soci::session& session = tx.session();
    session << sql, soci::into(number);
    return absl::OkStatus();
  });
  return status.ok() ? number : -1;
}

std::string RepoRoot() {
  if (const char* root = std::getenv("SATISFACTION_REPO_ROOT")) return root;
  return SATISFACTION_SOURCE_DIR;
}

std::string MakeTempDir(const std::string& prefix) {
  std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

std::unique_ptr<TestDatabase> TestDatabase::Create(TestBackend backend) {
  if (backend == TestBackend::kSqlite) {
    std::string folder = MakeTempDir("satisfaction-test");
    return std::unique_ptr<TestDatabase>(
        new TestDatabase(backend, absl::StrCat("sqlite3://", folder, "/test.db"), folder));
  }
  if (MysqlBaseUrl() == nullptr) {
    throw std::runtime_error(
        "SATISFACTION_TEST_MYSQL_URL is not set: run the tests with deploy/test.sh, which starts a private MariaDB");
  }
  std::string base = MysqlBaseUrl();
  thread_local absl::BitGen random;
  std::string name = absl::StrCat("t_", absl::Uniform<uint64_t>(random));
  RunOnBaseDatabase(absl::StrCat("CREATE DATABASE ", name, " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"));
  // Swap the database name: the path after the host, before any options.
  size_t slash = base.find('/', base.find("://") + 3);
  size_t query = base.find('?', slash);
  std::string url = absl::StrCat(base.substr(0, slash + 1), name, query == std::string::npos ? "" : base.substr(query));
  return std::unique_ptr<TestDatabase>(new TestDatabase(backend, url, name));
}

std::unique_ptr<storage::Database> OpenMigrated(const TestDatabase& database, size_t pool_size) {
  absl::StatusOr<std::unique_ptr<storage::Database>> opened =
      storage::Database::Connect({.url = database.url(), .pool_size = pool_size});
  if (!opened.ok()) throw std::runtime_error(opened.status().ToString());
  absl::StatusOr<int> migrated = storage::ApplyMigrations(**opened, storage::SchemaMigrations());
  if (!migrated.ok()) throw std::runtime_error(migrated.status().ToString());
  return *std::move(opened);
}

TestDatabase::~TestDatabase() {
  try {
    if (backend_ == TestBackend::kSqlite) {
      std::filesystem::remove_all(cleanup_);
    } else {
      RunOnBaseDatabase(absl::StrCat("DROP DATABASE IF EXISTS ", cleanup_));
    }
  } catch (const std::exception&) {
    // A database left behind dies with the test MariaDB's temporary folder.
  }
}

}  // namespace satisfaction::test_support
