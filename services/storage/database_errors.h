#ifndef SATISFACTION_SERVICES_STORAGE_DATABASE_ERRORS_H_
#define SATISFACTION_SERVICES_STORAGE_DATABASE_ERRORS_H_

#include <exception>
#include <string>

#include "absl/status/status.h"

namespace satisfaction::storage {

// Maps an exception thrown by SOCI (or the database driver below it) to a
// canonical status. This is the one place database error numbers are read:
//   duplicate key                      -> ALREADY_EXISTS
//   foreign key violation              -> FAILED_PRECONDITION
//   deadlock, lock wait, SQLite busy   -> ABORTED (the caller may retry)
//   lost or refused connection         -> UNAVAILABLE
//   anything else                      -> INTERNAL
// The message is the server's own words, safe for a client; the driver's text
// (which may quote SQL and schema names) travels as the status's payload
// kDriverTextPayload, for the log alone.
absl::Status StatusFromDatabaseException(const std::exception& error);

// The payload under which a database status carries the driver's text.
inline constexpr char kDriverTextPayload[] = "type.satisfaction/database-driver-text";

// `status` as UNAVAILABLE "database unavailable", keeping its driver text.
absl::Status AsUnavailable(const absl::Status& status);

// True for the statuses after which a session must be reconnected before reuse.
inline bool IsConnectionLoss(const absl::Status& status) { return status.code() == absl::StatusCode::kUnavailable; }

}  // namespace satisfaction::storage

#endif  // SATISFACTION_SERVICES_STORAGE_DATABASE_ERRORS_H_
