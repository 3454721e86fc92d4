#include "services/storage/migrations.h"

#include <unistd.h>

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/storage/migration_lock.h"
#include "services/storage/server_version.h"

namespace satisfaction::storage {
namespace {

constexpr absl::Duration kMigrationLockWait = absl::Seconds(120);

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

// Applies the steps newer than the recorded version; the caller holds the
// lock, and `before_step` may keep it (or say it was lost).
absl::StatusOr<int> ApplyPending(soci::session& session, Backend backend, std::span<const Migration> migrations,
                                 absl::FunctionRef<absl::Status()> before_step) {
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
    if (absl::Status held = before_step(); !held.ok()) return held;
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

// This server, as the migration lock names it: host, process and a random
// part (two servers in one process, as tests run them, differ too).
std::string MigrationLockHolder() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return absl::StrCat(host, ":", getpid(), ":", absl::Hex(absl::Uniform<uint32_t>(absl::BitGen())));
}

}  // namespace

absl::StatusOr<int> ApplyMigrations(Database& database, std::span<const Migration> migrations) {
  if (database.backend() == Backend::kSqlite) {
    // SQLite's DDL is transactional, and BEGIN IMMEDIATE makes other servers wait.
    return database.InTransaction<int>(
        Access::kWrite, [&](Transaction& tx) { return ApplyPending(tx.session(), Backend::kSqlite, migrations, [] { return absl::OkStatus(); }); });
  }
  // MariaDB commits every DDL statement by itself, so a transaction cannot
  // keep two servers apart; a lock that holds across a Galera cluster does.
  absl::StatusOr<int> result = absl::InternalError("migrations did not run");
  absl::Status status = database.WithSession([&](soci::session& session) {
    std::string version;
    session << "SELECT VERSION()", soci::into(version);
    if (absl::Status supported = CheckServerVersion(version); !supported.ok()) return supported;
    const std::string holder = MigrationLockHolder();
    if (absl::Status taken = MigrationLock::Take(session, holder, kMigrationLockWait); !taken.ok()) return taken;
    try {
      result = ApplyPending(session, Backend::kMysql, migrations,
                            [&] { return MigrationLock::Renew(session, holder); });
    } catch (...) {
      MigrationLock::Release(session, holder);
      throw;
    }
    MigrationLock::Release(session, holder);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

}  // namespace satisfaction::storage
