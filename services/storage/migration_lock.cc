#include "services/storage/migration_lock.h"

#include "absl/functional/function_ref.h"
#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/storage/database_errors.h"

namespace satisfaction::storage {
namespace {

// Made outside the versioned steps, which it guards; both statements are
// idempotent, so servers may run them at once.
void CreateLockRow(soci::session& session) {
  session << "CREATE TABLE IF NOT EXISTS schema_migration_lock ("
             " id INT NOT NULL PRIMARY KEY,"
             " holder VARCHAR(100) NOT NULL,"
             " lease_ends_at_us BIGINT NOT NULL)";
  session << "INSERT IGNORE INTO schema_migration_lock (id, holder, lease_ends_at_us) VALUES (1, '', 0)";
}

// One attempt: whether `holder` now has the lock (free, expired or its own).
bool TryTake(soci::session& session, const std::string& holder) {
  long long now_us = absl::ToUnixMicros(absl::Now());
  long long lease_ends_us = absl::ToUnixMicros(absl::Now() + MigrationLock::kLease);
  soci::statement take =
      (session.prepare << "UPDATE schema_migration_lock SET holder = :holder, lease_ends_at_us = :ends"
                          " WHERE id = 1 AND (holder = '' OR holder = :same OR lease_ends_at_us < :now)",
       soci::use(holder), soci::use(lease_ends_us), soci::use(holder), soci::use(now_us));
  take.execute(true);
  return take.get_affected_rows() == 1;
}

// A write refused for another's (a deadlock or lock wait error), not a lost
// connection or a mistake: worth trying again.
bool IsConflict(const soci::soci_error& error) {
  return StatusFromDatabaseException(error).code() == absl::StatusCode::kAborted;
}

// Runs `write`, again if a conflict refused it: another node's DDL on the
// table aborts a statement on its row (a deadlock error) even though nobody
// else may hold the lock. Throws the last error when the tries run out.
void WithConflictRetries(absl::FunctionRef<void()> write) {
  for (int attempt = 1;; ++attempt) {
    try {
      write();
      return;
    } catch (const soci::soci_error& error) {
      if (attempt == 5 || !IsConflict(error)) throw;
      absl::SleepFor(absl::Milliseconds(20 * attempt));
    }
  }
}

}  // namespace

absl::Status MigrationLock::Take(soci::session& session, const std::string& holder, absl::Duration wait) {
  absl::Time deadline = absl::Now() + wait;
  absl::BitGen random;
  bool made = false;
  while (true) {
    try {
      // Once: on Galera the table's DDL runs on every node and aborts the
      // holder's statements on the row, so waiters must not repeat it.
      if (!made) CreateLockRow(session);
      made = true;
      if (TryTake(session, holder)) return absl::OkStatus();
    } catch (const soci::soci_error& error) {
      // Another node's server made or took it in the same instant: Galera
      // let its write commit and refused this one. Looked at again below.
      if (!IsConflict(error)) throw;
    }
    if (absl::Now() >= deadline) {
      return absl::AbortedError("another server kept the migration lock too long; start again");
    }
    absl::SleepFor(absl::Milliseconds(absl::Uniform(random, 50, 250)));
  }
}

absl::Status MigrationLock::Renew(soci::session& session, const std::string& holder) {
  long long lease_ends_us = absl::ToUnixMicros(absl::Now() + kLease);
  long long renewed = 0;
  WithConflictRetries([&] {
    soci::statement renew = (session.prepare << "UPDATE schema_migration_lock SET lease_ends_at_us = :ends"
                                                " WHERE id = 1 AND holder = :holder",
                             soci::use(lease_ends_us), soci::use(holder));
    renew.execute(true);
    renewed = renew.get_affected_rows();
  });
  if (renewed != 1) {
    return absl::FailedPreconditionError(
        absl::StrCat("the migration lock's lease ran out (", absl::FormatDuration(kLease),
                     ") and another server took it; start again"));
  }
  return absl::OkStatus();
}

void MigrationLock::Release(soci::session& session, const std::string& holder) {
  WithConflictRetries([&] {
    session << "UPDATE schema_migration_lock SET holder = '', lease_ends_at_us = 0 WHERE id = 1 AND holder = :holder",
        soci::use(holder);
  });
}

}  // namespace satisfaction::storage
