#include "services/storage/database_errors.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "soci/mysql/soci-mysql.h"
#include "soci/soci.h"
// Includes sqlite3.h inside its own namespace; the SQLITE_* codes are macros.
#include "soci/sqlite3/soci-sqlite3.h"

namespace satisfaction::storage {
namespace {

// MySQL and MariaDB server and client error numbers.
enum MysqlError : unsigned {
  kDuplicateKey = 1062,
  kDuplicateEntryForKey = 1586,
  kRowIsReferenced = 1451,
  kNoReferencedRow = 1452,
  kLockWaitTimeout = 1205,
  kDeadlock = 1213,
  kServerShutdown = 1053,
  kTooManyConnections = 1040,
  kAccessDeniedToDatabase = 1044,
  kAccessDenied = 1045,
  kUnknownDatabase = 1049,
  kConnectionKilled = 1927,
  kReadOnlyTransaction = 1792,
  kWsrepNotReady = 1047,  // a Galera node that is not part of the primary component
  kCannotConnectSocket = 2002,
  kCannotConnectHost = 2003,
  kUnknownHost = 2005,
  kServerGone = 2006,
  kLostConnection = 2013,
  kServerLost = 2055,
  kDisconnectedForInactivity = 4031,
};

// "Duplicate entry '<value>' for key '<key>'" without the value, which may be a
// customer's phone number: statuses reach clients and the log.
std::string WithoutDuplicateValue(const std::string& message) {
  const std::string kStart = "Duplicate entry '";
  const std::string kEnd = "' for key";
  size_t start = message.find(kStart);
  size_t end = start == std::string::npos ? std::string::npos : message.rfind(kEnd);
  if (end == std::string::npos || end < start + kStart.size()) return message;
  return absl::StrCat(message.substr(0, start), "Duplicate entry", message.substr(end + 1));
}

absl::Status WithDriverText(absl::Status status, absl::string_view driver_text) {
  status.SetPayload(kDriverTextPayload, absl::Cord(driver_text));
  return status;
}

// The canonical statuses, in words a client may read.
absl::Status DuplicateKey(absl::string_view driver_text) {
  return WithDriverText(absl::AlreadyExistsError("already exists: a stored row has the same key"), driver_text);
}
absl::Status ReferenceBroken(absl::string_view driver_text) {
  return WithDriverText(absl::FailedPreconditionError("a row it refers to is missing, or another row refers to it"),
                        driver_text);
}
absl::Status Unavailable(absl::string_view driver_text) {
  return WithDriverText(absl::UnavailableError("database unavailable"), driver_text);
}
absl::Status Internal(absl::string_view words, absl::string_view driver_text) {
  return WithDriverText(absl::InternalError(words), driver_text);
}

absl::Status FromMysql(const soci::mysql_soci_error& error) {
  std::string message = error.get_error_message();
  switch (error.err_num_) {
    case kDuplicateKey:
    case kDuplicateEntryForKey:
      return DuplicateKey(WithoutDuplicateValue(message));
    case kRowIsReferenced:
    case kNoReferencedRow:
      return ReferenceBroken(message);
    case kLockWaitTimeout:
    case kDeadlock:
      return WithDriverText(absl::AbortedError("database conflict, retry"), message);
    case kServerShutdown:
    case kTooManyConnections:
    case kAccessDeniedToDatabase:
    case kAccessDenied:
    case kUnknownDatabase:
    case kConnectionKilled:
    case kReadOnlyTransaction:
    case kWsrepNotReady:
    case kCannotConnectSocket:
    case kCannotConnectHost:
    case kUnknownHost:
    case kServerGone:
    case kLostConnection:
    case kServerLost:
    case kDisconnectedForInactivity:
      return Unavailable(message);
    default:
      return Internal(absl::StrCat("database error ", error.err_num_), message);
  }
}

absl::Status FromSqlite(const soci::sqlite3_soci_error& error) {
  std::string message = error.get_error_message();
  switch (error.result() & 0xff) {  // the primary result code
    case SQLITE_CONSTRAINT:
      if (absl::StrContains(message, "UNIQUE") || absl::StrContains(message, "PRIMARY KEY")) {
        return DuplicateKey(message);
      }
      return ReferenceBroken(message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return WithDriverText(absl::AbortedError("database busy, retry"), message);
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
      return Unavailable(message);
    default:
      return Internal("database error", message);
  }
}

}  // namespace

absl::Status StatusFromDatabaseException(const std::exception& error) {
  if (const auto* mysql = dynamic_cast<const soci::mysql_soci_error*>(&error)) return FromMysql(*mysql);
  if (const auto* sqlite = dynamic_cast<const soci::sqlite3_soci_error*>(&error)) return FromSqlite(*sqlite);
  if (const auto* soci_error = dynamic_cast<const soci::soci_error*>(&error)) {
    // SOCI's own errors (e.g. a failed open of an SQLite file) carry no number.
    std::string message = soci_error->get_error_message();
    if (absl::StrContains(message, "Cannot establish connection") || absl::StrContains(message, "unable to open")) {
      return Unavailable(message);
    }
    return Internal("database error", message);
  }
  return Internal("database error", error.what());
}

absl::Status AsUnavailable(const absl::Status& status) {
  absl::Status unavailable = absl::UnavailableError("database unavailable");
  unavailable.SetPayload(kDriverTextPayload,
                         status.GetPayload(kDriverTextPayload).value_or(absl::Cord(status.message())));
  return unavailable;
}

}  // namespace satisfaction::storage
