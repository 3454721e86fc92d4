#ifndef SATISFACTION_SERVICES_ACCESS_AUDIT_LOG_H_
#define SATISFACTION_SERVICES_ACCESS_AUDIT_LOG_H_

#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "satisfaction/v1/access.pb.h"
#include "services/storage/database.h"
#include "services/storage/group_commit.h"

namespace satisfaction::access {

// Who did what, when, with what outcome: a row per write or export call.
// Events of concurrent calls are committed together (storage::GroupCommit),
// so the log costs each call a share of one commit. Thread-safe.
class AuditLog {
 public:
  explicit AuditLog(storage::Database& database);

  // Queues `event` (its id is set by the database) and runs `done` with the
  // outcome once it is committed or has failed (a failure is also logged).
  void Record(v1::AuditEvent event, absl::AnyInvocable<void(const absl::Status&) &&> done);

  struct Query {
    std::string key_id, method;
    // Empty bounds: unbounded.
    absl::Time start = absl::InfinitePast(), end = absl::InfiniteFuture();
    // Events with a smaller id than this (0: from the newest).
    long long before_id = 0;
    int limit = 100;
  };
  struct Page {
    std::vector<v1::AuditEvent> events;
    bool has_more = false;
  };
  // Newest first.
  absl::StatusOr<Page> List(const Query& query);

  // Deletes up to `limit` of the oldest events from before `cutoff`; how many.
  // For the retention job: safe to run on every server at once.
  absl::StatusOr<int> DeleteOlderThan(absl::Time cutoff, int limit);

 private:
  struct Entry {
    v1::AuditEvent event;
    absl::Status status;
  };
  void Commit(const std::vector<Entry*>& batch);

  storage::Database& database_;
  storage::GroupCommit<Entry> writer_;
};

}  // namespace satisfaction::access

#endif  // SATISFACTION_SERVICES_ACCESS_AUDIT_LOG_H_
