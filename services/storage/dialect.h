#ifndef SATISFACTION_SERVICES_STORAGE_DIALECT_H_
#define SATISFACTION_SERVICES_STORAGE_DIALECT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "services/storage/database_url.h"

namespace satisfaction::storage {

// The SQL that differs between MariaDB/MySQL and SQLite, in one place. Stores
// build their statements from these clauses and never ask which backend runs.
class Dialect {
 public:
  explicit Dialect(Backend backend) : backend_(backend) {}

  // Whether a write transaction keeps every other writer out (SQLite's
  // BEGIN IMMEDIATE), so row locks are moot and one transaction may do work
  // that MariaDB would split to keep others waiting less.
  bool serialises_writers() const { return backend_ == Backend::kSqlite; }

  // Row-lock suffixes for a SELECT (with a leading space) on MariaDB/MySQL;
  // empty on SQLite, whose write transactions are serialised anyway.
  const char* ForUpdate() const;
  const char* SkipLocked() const;  // FOR UPDATE SKIP LOCKED

  // "INSERT IGNORE" / "INSERT OR IGNORE": an insert that skips rows whose
  // unique key exists already.
  const char* InsertIgnore() const;

  // The clause after an INSERT's VALUES that turns it into an upsert on the
  // unique key `key_columns` (a comma-separated list); the assignments follow,
  // written with Inserted() and Existing().
  std::string OnConflictUpdate(absl::string_view key_columns) const;
  // In an upsert's assignments: the value the INSERT brought for `column`.
  std::string Inserted(absl::string_view column) const;
  // In an upsert's assignments: the stored row's `column` of `table`.
  std::string Existing(absl::string_view table, absl::string_view column) const;

  // " RETURNING columns": the inserted rows' columns come back as the
  // statement's results (MariaDB 10.5 and SQLite 3.35 on).
  std::string Returning(absl::string_view columns) const;

  // A DELETE of the first `limit_placeholder` rows of `table` matching
  // `condition` in the order of `order_by` (a column of a unique key).
  std::string DeleteFirst(absl::string_view table, absl::string_view condition, absl::string_view order_by,
                          absl::string_view limit_placeholder) const;

  // A column that numbers the rows of a table in insertion order: `column`
  // on MariaDB/MySQL, SQLite's own rowid (where the table has no such column).
  std::string InsertionOrder(absl::string_view column) const;

  // A condition that holds for the rows whose integer `column` falls in share
  // `share_placeholder` of `shares_placeholder` shares: spread evenly however
  // the values step (Galera's ids step by the number of nodes).
  std::string InShare(absl::string_view column, absl::string_view shares_placeholder,
                      absl::string_view share_placeholder) const;

  // Statements joined into one compound statement, sent in one round trip;
  // empty if the backend runs them only one by one.
  bool compound_statements() const { return backend_ == Backend::kMysql; }
  std::string Compound(absl::string_view statements) const;

  // For storage's own use (session setup, transaction start).
  Backend backend() const { return backend_; }

 private:
  Backend backend_;
};

}  // namespace satisfaction::storage

#endif  // SATISFACTION_SERVICES_STORAGE_DIALECT_H_
