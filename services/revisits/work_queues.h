#ifndef SATISFACTION_SERVICES_REVISITS_WORK_QUEUES_H_
#define SATISFACTION_SERVICES_REVISITS_WORK_QUEUES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/storage/database.h"

namespace satisfaction::revisits {

// How the work waiting in the revisits stands now: what operators watch to
// see whether dialers and gateways keep up (the server's metrics).
struct WorkQueues {
  // Planned and due, by callback queue or message channel ("sms", "im", "email").
  struct Backlog {
    std::string name;
    long long due = 0;
    // How long the longest-due has waited past its due time.
    absl::Duration oldest_wait;
  };
  std::vector<Backlog> callbacks_by_queue;
  std::vector<Backlog> outbox_by_channel;
  // Reserved for an agent, whose grace ran out: any agent of the queue may take them.
  long long reserved_past_grace = 0;
  // Low-score recovery calls not yet ended, and those of them waiting past
  // their due time by more than the limit (see Read's `recovery_overdue_after`).
  long long recoveries_open = 0;
  long long recoveries_overdue = 0;
};

// Reads the figures at `now` in one read transaction: a handful of grouped
// counts over the open revisits only (planned or leased), through the
// indexes the claims use; history costs nothing. `reserved_grace` is --reserved-callback-grace; a recovery call
// planned and due more than `recovery_overdue_after` ago is overdue.
absl::StatusOr<WorkQueues> ReadWorkQueues(storage::Database& database, absl::Time now, absl::Duration reserved_grace,
                                          absl::Duration recovery_overdue_after);

}  // namespace satisfaction::revisits

#endif  // SATISFACTION_SERVICES_REVISITS_WORK_QUEUES_H_
