#ifndef SATISFACTION_SERVICES_STORAGE_MIGRATION_LOCK_H_
#define SATISFACTION_SERVICES_STORAGE_MIGRATION_LOCK_H_

#include <soci/soci.h>

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace satisfaction::storage {

// Keeps servers that start together from migrating at once, on one MariaDB or
// on a Galera cluster with servers on every node. GET_LOCK and locking reads
// hold only on the node that took them; this lock is a row, taken by an
// UPDATE that Galera certifies: of two nodes taking it at once, one commits
// and the other fails (a deadlock error) and tries again.
//
// The row names its holder and when its lease ends. A holder that dies leaves
// the row behind; the next server takes it once the lease has run out, so the
// holder renews the lease before each step.
class MigrationLock {
 public:
  // Waits up to `wait` for the lock: ABORTED if another server kept it.
  static absl::Status Take(soci::session& session, const std::string& holder, absl::Duration wait);
  // Extends the lease of `holder`'s lock: FAILED_PRECONDITION if it was lost.
  static absl::Status Renew(soci::session& session, const std::string& holder);
  static void Release(soci::session& session, const std::string& holder);

  // How long a lease lasts: longer than any one step should take.
  static constexpr absl::Duration kLease = absl::Minutes(5);
};

}  // namespace satisfaction::storage

#endif  // SATISFACTION_SERVICES_STORAGE_MIGRATION_LOCK_H_
