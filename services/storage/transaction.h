#ifndef SATISFACTION_SERVICES_STORAGE_TRANSACTION_H_
#define SATISFACTION_SERVICES_STORAGE_TRANSACTION_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "services/storage/dialect.h"
#include "services/storage/galera.h"
#include "soci/soci.h"

namespace satisfaction::storage {

// One unit of work's transaction: the session borrowed from the pool for it
// and the SQL dialect it speaks. Given by Database::InTransaction; valid only
// inside the work. Statements are built with storage::Query (named, checked
// binding) and the dialect's clauses, so stores never ask which backend runs.
class Transaction {
 public:
  Transaction(soci::session& session, const Dialect& dialect, int attempt, ClusterNode cluster_node = {})
      : session_(session), dialect_(dialect), attempt_(attempt), cluster_node_(cluster_node) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  const Dialect& dialect() const { return dialect_; }
  // Shorthands for the dialect's row-lock suffixes.
  const char* ForUpdate() const { return dialect_.ForUpdate(); }
  const char* SkipLocked() const { return dialect_.SkipLocked(); }

  // The id that the last INSERT into `table` gave its new row.
  long long LastInsertId(const std::string& table);

  // Which run of the unit of work this is: 1, or more when it was re-run
  // after a conflict (see RetryPolicy).
  int attempt() const { return attempt_; }

  // The database node's place in its cluster (see ClusterNode), as last checked.
  ClusterNode cluster_node() const { return cluster_node_; }

  // The session, for statements that SOCI's stream syntax states plainly.
  soci::session& session() { return session_; }

  // Runs `then` once this transaction has committed, and never if it rolls
  // back (a retried attempt forgets its own): for telling others what is now
  // stored, such as the metrics' flow counters.
  void AfterCommit(absl::AnyInvocable<void() &&> then) { after_commit_.push_back(std::move(then)); }
  // Database::Run, after the commit.
  void RunAfterCommit() {
    for (absl::AnyInvocable<void() &&>& then : after_commit_) std::move(then)();
    after_commit_.clear();
  }

 private:
  soci::session& session_;
  const Dialect& dialect_;
  const int attempt_;
  const ClusterNode cluster_node_;
  std::vector<absl::AnyInvocable<void() &&>> after_commit_;
};

}  // namespace satisfaction::storage

#endif  // SATISFACTION_SERVICES_STORAGE_TRANSACTION_H_
