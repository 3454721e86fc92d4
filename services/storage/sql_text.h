#ifndef SATISFACTION_SERVICES_STORAGE_SQL_TEXT_H_
#define SATISFACTION_SERVICES_STORAGE_SQL_TEXT_H_

#include <string>

#include "absl/strings/string_view.h"

// Pieces of SQL text that depend on a count (those that depend on the backend: dialect.h).
namespace satisfaction::storage {

// ":prefix0, :prefix1, ...": `n` placeholders, for an IN list or a VALUES row.
std::string Placeholders(absl::string_view prefix, size_t n);

}  // namespace satisfaction::storage

#endif  // SATISFACTION_SERVICES_STORAGE_SQL_TEXT_H_
