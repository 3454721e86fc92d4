#ifndef SATISFACTION_SERVICES_STORAGE_DATABASE_ERRORS_H_
#define SATISFACTION_SERVICES_STORAGE_DATABASE_ERRORS_H_

#include <exception>

#include "absl/status/status.h"

namespace satisfaction::storage {

// Maps an exception thrown by SOCI (or the database driver below it) to a
// canonical status. This is the one place database error numbers are read:
//   duplicate key                      -> ALREADY_EXISTS
//   foreign key violation              -> FAILED_PRECONDITION
//   deadlock, lock wait, SQLite busy   -> ABORTED (the caller may retry)
//   lost or refused connection         -> UNAVAILABLE
//   anything else                      -> INTERNAL
absl::Status StatusFromDatabaseException(const std::exception& error);

// True for the statuses after which a session must be reconnected before reuse.
inline bool IsConnectionLoss(const absl::Status& status) { return status.code() == absl::StatusCode::kUnavailable; }

}  // namespace satisfaction::storage

#endif  // SATISFACTION_SERVICES_STORAGE_DATABASE_ERRORS_H_
