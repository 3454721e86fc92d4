#include "services/storage/dialect.h"

#include "absl/strings/str_cat.h"

namespace satisfaction::storage {

const char* Dialect::ForUpdate() const { return backend_ == Backend::kMysql ? " FOR UPDATE" : ""; }

const char* Dialect::SkipLocked() const { return backend_ == Backend::kMysql ? " FOR UPDATE SKIP LOCKED" : ""; }

const char* Dialect::InsertIgnore() const { return backend_ == Backend::kMysql ? "INSERT IGNORE" : "INSERT OR IGNORE"; }

std::string Dialect::OnConflictUpdate(absl::string_view key_columns) const {
  if (backend_ == Backend::kMysql) return " ON DUPLICATE KEY UPDATE ";
  return absl::StrCat(" ON CONFLICT (", key_columns, ") DO UPDATE SET ");
}

std::string Dialect::Inserted(absl::string_view column) const {
  return backend_ == Backend::kMysql ? absl::StrCat("VALUES(", column, ")") : absl::StrCat("excluded.", column);
}

std::string Dialect::Existing(absl::string_view table, absl::string_view column) const {
  return backend_ == Backend::kMysql ? std::string(column) : absl::StrCat(table, ".", column);
}

std::string Dialect::Returning(absl::string_view columns) const { return absl::StrCat(" RETURNING ", columns); }

std::string Dialect::DeleteFirst(absl::string_view table, absl::string_view condition, absl::string_view order_by,
                                 absl::string_view limit_placeholder) const {
  // MariaDB takes no LIMIT in an IN subquery; SQLite takes none on DELETE
  // unless built with SQLITE_ENABLE_UPDATE_DELETE_LIMIT.
  if (backend_ == Backend::kMysql) {
    return absl::StrCat("DELETE FROM ", table, " WHERE ", condition, " ORDER BY ", order_by, " LIMIT ",
                        limit_placeholder);
  }
  return absl::StrCat("DELETE FROM ", table, " WHERE ", order_by, " IN (SELECT ", order_by, " FROM ", table, " WHERE ",
                      condition, " ORDER BY ", order_by, " LIMIT ", limit_placeholder, ")");
}

std::string Dialect::InsertionOrder(absl::string_view column) const {
  return backend_ == Backend::kMysql ? std::string(column) : "rowid";
}

std::string Dialect::InShare(absl::string_view column, absl::string_view shares_placeholder,
                             absl::string_view share_placeholder) const {
  // SQLite has no CRC32; it serialises writers and never splits work by node.
  if (backend_ == Backend::kMysql) {
    return absl::StrCat("MOD(CRC32(", column, "), ", shares_placeholder, ") = ", share_placeholder);
  }
  return absl::StrCat("(", column, " % ", shares_placeholder, ") = ", share_placeholder);
}

std::string Dialect::Compound(absl::string_view statements) const {
  return absl::StrCat("BEGIN NOT ATOMIC ", statements, " END");
}

}  // namespace satisfaction::storage
