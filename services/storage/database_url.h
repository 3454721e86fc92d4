#ifndef SATISFACTION_SERVICES_STORAGE_DATABASE_URL_H_
#define SATISFACTION_SERVICES_STORAGE_DATABASE_URL_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace satisfaction::storage {

enum class Backend { kSqlite, kMysql };

// A database location, parsed from the URL operators give with --db.
struct DatabaseUrl {
  Backend backend = Backend::kSqlite;
  // What soci::session::open takes.
  std::string soci_connect_string;
  // The URL with its password hidden, for logs.
  std::string redacted;
};

// Parses `sqlite3://PATH` (relative, or absolute as sqlite3:///abs/file.db) or
// `mysql://user:password@host:port/database`, where user and password may be
// percent-encoded and the options `unix_socket`, `connect_timeout`, `read_timeout`,
// `write_timeout`, `sslca`, `sslcert` and `sslkey` may follow after `?`
// (`mysql://user:password@localhost/database?unix_socket=/run/mysqld/mysqld.sock`).
// Errors are INVALID_ARGUMENT and never contain the password.
absl::StatusOr<DatabaseUrl> ParseDatabaseUrl(absl::string_view url);

}  // namespace satisfaction::storage

#endif  // SATISFACTION_SERVICES_STORAGE_DATABASE_URL_H_
