#include "services/storage/migrations.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/storage/server_version.h"

namespace satisfaction::storage {
namespace {

constexpr char kMigrationLock[] = "satisfaction.schema_migrations";
constexpr int kMigrationLockWaitSeconds = 120;

void CreateVersionTable(soci::session& session) {
  session << "CREATE TABLE IF NOT EXISTS schema_migrations ("
             " version INT NOT NULL PRIMARY KEY,"
             " description VARCHAR(200) NOT NULL,"
             " applied_at_us BIGINT NOT NULL)";
}

int CurrentVersion(soci::session& session) {
  int version = 0;
  soci::indicator indicator = soci::i_null;
  session << "SELECT MAX(version) FROM schema_migrations", soci::into(version, indicator);
  return indicator == soci::i_ok ? version : 0;
}

// Applies the steps newer than the recorded version; the caller holds the lock.
absl::StatusOr<int> ApplyPending(soci::session& session, Backend backend, std::span<const Migration> migrations) {
  CreateVersionTable(session);
  int current = CurrentVersion(session);
  int newest = migrations.empty() ? 0 : migrations.back().version;
  if (current > newest) {
    return absl::FailedPreconditionError(absl::StrCat("the database schema is at version ", current,
                                                      ", newer than this server knows (", newest,
                                                      "); run a newer server"));
  }
  for (const Migration& migration : migrations) {
    if (migration.version <= current) continue;
    const auto& statements = backend == Backend::kMysql ? migration.mysql_statements : migration.sqlite_statements;
    for (absl::string_view statement : statements) session << std::string(statement);
    std::string description(migration.description);
    long long applied_at_us = absl::ToUnixMicros(absl::Now());
    int version = migration.version;
    session << "INSERT INTO schema_migrations (version, description, applied_at_us) VALUES (:v, :d, :t)",
        soci::use(version), soci::use(description), soci::use(applied_at_us);
  }
  return newest;
}

}  // namespace

absl::StatusOr<int> ApplyMigrations(Database& database, std::span<const Migration> migrations) {
  if (database.backend() == Backend::kSqlite) {
    // SQLite's DDL is transactional, and BEGIN IMMEDIATE makes other servers wait.
    return database.InTransaction<int>(
        Access::kWrite, [&](Transaction& tx) { return ApplyPending(tx.session(), Backend::kSqlite, migrations); });
  }
  // MySQL commits every DDL statement by itself, so a transaction cannot keep two
  // servers apart; a named lock, held by this session, does.
  absl::StatusOr<int> result = absl::InternalError("migrations did not run");
  absl::Status status = database.WithSession([&](soci::session& session) {
    std::string version;
    session << "SELECT VERSION()", soci::into(version);
    if (absl::Status supported = CheckServerVersion(version); !supported.ok()) return supported;
    std::string lock_name = kMigrationLock;
    int wait_seconds = kMigrationLockWaitSeconds;
    int locked = 0;
    soci::indicator indicator = soci::i_null;
    session << "SELECT GET_LOCK(:name, :wait)", soci::use(lock_name), soci::use(wait_seconds),
        soci::into(locked, indicator);
    if (indicator != soci::i_ok || locked != 1) {
      return absl::AbortedError("another server kept the migration lock too long; start again");
    }
    try {
      result = ApplyPending(session, Backend::kMysql, migrations);
    } catch (...) {
      session << "SELECT RELEASE_LOCK(:name)", soci::use(lock_name);
      throw;
    }
    session << "SELECT RELEASE_LOCK(:name)", soci::use(lock_name);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

}  // namespace satisfaction::storage
