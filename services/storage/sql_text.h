#ifndef SATISFACTION_SERVICES_STORAGE_SQL_TEXT_H_
#define SATISFACTION_SERVICES_STORAGE_SQL_TEXT_H_

#include <soci/soci.h>

#include <string>

#include "absl/strings/string_view.h"

// Pieces of SQL text that depend on the backend or on a count.
namespace satisfaction::storage {

// ":prefix0, :prefix1, ...": `n` placeholders, for an IN list or a VALUES row.
std::string Placeholders(absl::string_view prefix, size_t n);

// Row-lock suffixes for a SELECT on MariaDB/MySQL; empty on SQLite, whose
// write transactions are serialised anyway.
const char* ForUpdate(soci::session& session);
const char* SkipLocked(soci::session& session);  // FOR UPDATE SKIP LOCKED

}  // namespace satisfaction::storage

#endif  // SATISFACTION_SERVICES_STORAGE_SQL_TEXT_H_
