#ifndef SATISFACTION_SERVICES_AGENTS_QUEUE_ASSIGNMENT_STORE_H_
#define SATISFACTION_SERVICES_AGENTS_QUEUE_ASSIGNMENT_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "satisfaction/v1/agent.pb.h"
#include "services/storage/database.h"

namespace satisfaction::agents {

// How each queue hands out its callbacks, for the queues an operator set.
class QueueAssignmentStore {
 public:
  explicit QueueAssignmentStore(storage::Database& database) : database_(database) {}

  // NOT_FOUND for a queue nobody set.
  absl::StatusOr<v1::QueueAssignment> Get(absl::string_view queue);
  // Sets a validated assignment (see NormalizeAndValidateQueueAssignment).
  absl::StatusOr<v1::QueueAssignment> Put(const v1::QueueAssignment& assignment, absl::Time now);

  struct ListPage {
    std::vector<v1::QueueAssignment> assignments;
    bool has_more = false;
  };
  // Ordered by queue, after `after_queue`.
  absl::StatusOr<ListPage> List(const std::string& after_queue, int limit);

 private:
  storage::Database& database_;
};

}  // namespace satisfaction::agents

#endif  // SATISFACTION_SERVICES_AGENTS_QUEUE_ASSIGNMENT_STORE_H_
