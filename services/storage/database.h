#ifndef SATISFACTION_SERVICES_STORAGE_DATABASE_H_
#define SATISFACTION_SERVICES_STORAGE_DATABASE_H_

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/storage/database_observer.h"
#include "services/storage/database_url.h"
#include "services/storage/dialect.h"
#include "services/storage/galera.h"
#include "services/storage/retry_policy.h"
#include "services/storage/transaction.h"
#include "soci/soci.h"

namespace satisfaction::storage {

struct DatabaseOptions {
  // sqlite3://PATH or mysql://... (see ParseDatabaseUrl).
  std::string url;
  // Sessions in the pool; size it to the server's worker threads.
  size_t pool_size = 16;
  // How long a unit of work waits for a free session before RESOURCE_EXHAUSTED.
  absl::Duration lease_timeout = absl::Seconds(5);
  // When a unit of work that met a conflict runs again.
  RetryPolicy retry;
  // Told of sessions lent, waits, refusals and retries; may be null.
  DatabaseObserver* observer = nullptr;
};

// How a unit of work touches the database.
enum class Access {
  // Reads that must be consistent with each other.
  kRead,
  // Writes; on SQLite the write lock is taken up front so that two writers never
  // deadlock upgrading their locks.
  kWrite,
  // Writes that insert a row unless it exists: one that loses a race to insert
  // the same unique key (ALREADY_EXISTS) runs again, and finds the winner's row.
  kUpsert,
  // Writes computed from reads that must all see one snapshot (REPEATABLE READ
  // on MariaDB/MySQL, for this transaction only).
  kWriteFromSnapshot,
};

// A pool of SOCI sessions to one database. Thread-safe.
//
// Every unit of work borrows one session, runs in one transaction and gets the
// session back to the pool when done. SOCI's exceptions never leave this class:
// they become canonical statuses (see database_errors.h). A session whose
// connection was lost is reconnected before its next use, so the service recovers
// by itself when the database comes back.
class Database {
 public:
  // Opens every session of the pool; UNAVAILABLE if the database cannot be reached.
  static absl::StatusOr<std::unique_ptr<Database>> Connect(const DatabaseOptions& options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  const Dialect& dialect() const { return dialect_; }
  // For storage itself (migrations); other areas ask the dialect.
  Backend backend() const { return url_.backend; }
  const std::string& redacted_url() const { return url_.redacted; }

  // Runs `work` in one transaction and commits if it returns OK; rolls back otherwise.
  // The commit is the last step: when this returns OK the data is durable.
  //
  // A run that meets a conflict (ABORTED: a deadlock, a lock wait timeout, or
  // the work's own verdict) is rolled back and `work` runs again, whole, in a
  // new transaction, as the options' RetryPolicy says. So `work` must be safe to
  // re-run: whatever it does outside the database (answering a caller, telling
  // another thread) happens after this returns.
  absl::Status InTransaction(Access access, absl::FunctionRef<absl::Status(Transaction&)> work);

  // As above, for work that returns a value.
  template <typename T>
  absl::StatusOr<T> InTransaction(Access access, absl::FunctionRef<absl::StatusOr<T>(Transaction&)> work) {
    std::optional<T> result;
    absl::Status status = InTransaction(access, [&](Transaction& transaction) -> absl::Status {
      absl::StatusOr<T> value = work(transaction);
      if (!value.ok()) return value.status();
      result.emplace(*std::move(value));
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    return *std::move(result);
  }

  // Runs `work` on a session outside any transaction (for DDL and named locks).
  absl::Status WithSession(absl::FunctionRef<absl::Status(soci::session&)> work);

  // Checks that the database answers and, on a Galera node, that the node may
  // serve (CheckGaleraNodeReady): OK, or UNAVAILABLE. Learns the node's place
  // in its cluster on the way, which transactions then carry.
  absl::Status Ping();

  // The node's place in its cluster as the last Ping found it.
  ClusterNode cluster_node() const;

  // Who watches this pool (DatabaseOptions::observer), for the group commits
  // of the areas; may be null.
  DatabaseObserver* observer() const { return options_.observer; }

 private:
  class Lease;
  struct Slot {
    // Sessions opened before this connection generation must reconnect first.
    uint64_t generation = 0;
    absl::Time last_used;
  };

  Database(DatabaseUrl url, const DatabaseOptions& options);
  absl::Status OpenAll();
  absl::StatusOr<size_t> Borrow();
  void GiveBack(size_t position);
  absl::Status Prepare(size_t position);
  void ConfigureSession(soci::session& session);
  absl::Status Run(const Access* access, int attempt, absl::FunctionRef<absl::Status(Transaction&)> work);
  void Begin(soci::session& session, Access access);

  const DatabaseUrl url_;
  const Dialect dialect_;
  const DatabaseOptions options_;
  soci::connection_pool pool_;
  // Written only by the thread that holds the slot's lease.
  std::vector<Slot> slots_;
  // Bumped on every lost connection: after an outage every session reconnects.
  std::atomic<uint64_t> generation_{1};
  // ClusterNode's index and count, packed, so that a transaction reads both at once.
  std::atomic<uint64_t> cluster_node_{1};
};

}  // namespace satisfaction::storage

#endif  // SATISFACTION_SERVICES_STORAGE_DATABASE_H_
