#ifndef SATISFACTION_SERVICES_STORAGE_MIGRATIONS_H_
#define SATISFACTION_SERVICES_STORAGE_MIGRATIONS_H_

#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/storage/database.h"

namespace satisfaction::storage {

// One step of the schema. Steps are applied in version order, each once, and
// recorded in the schema_migrations table.
struct Migration {
  int version;
  absl::string_view description;
  std::vector<absl::string_view> mysql_statements;
  std::vector<absl::string_view> sqlite_statements;
};

// The schema of this server, oldest step first.
std::span<const Migration> SchemaMigrations();

// Brings the database up to the newest version in `migrations` and returns that
// version. Safe when several servers start at once, on one MariaDB or on every
// node of a Galera cluster (see MigrationLock), and on SQLite (its write lock). FAILED_PRECONDITION if the
// database was migrated by a newer server than this one.
absl::StatusOr<int> ApplyMigrations(Database& database, std::span<const Migration> migrations);

}  // namespace satisfaction::storage

#endif  // SATISFACTION_SERVICES_STORAGE_MIGRATIONS_H_
