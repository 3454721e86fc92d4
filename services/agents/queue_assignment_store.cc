#include "services/agents/queue_assignment_store.h"

#include <google/protobuf/util/time_util.h>

#include <optional>

#include "absl/strings/str_cat.h"
#include "services/agents/agent_documents.h"
#include "services/common/text_limits.h"
#include "services/storage/query.h"
#include "services/storage/transaction.h"

namespace satisfaction::agents {
namespace {

using google::protobuf::util::TimeUtil;
using storage::Access;

// One queue_assignments row: the assignment but its queue, as JSON.
struct AssignmentRow {
  std::string queue, json;
  long long updated_at_us = 0;

  static constexpr char kColumns[] = "queue, assignment_json, updated_at_us";

  // Reads the columns of kColumns, in their order.
  void Into(storage::Query& query) { query.Into(queue).Into(json).Into(updated_at_us); }
  // Binds :queue, :assignment_json and :updated_at_us.
  void Bind(storage::Query& query) const {
    query.Bind("queue", queue).Bind("assignment_json", json).Bind("updated_at_us", updated_at_us);
  }

  static AssignmentRow FromProto(const v1::QueueAssignment& assignment, absl::Time now) {
    return {.queue = assignment.queue(), .json = AssignmentJson(assignment), .updated_at_us = absl::ToUnixMicros(now)};
  }

  v1::QueueAssignment ToProto() const {
    v1::QueueAssignment assignment = AssignmentFromJson(json, queue);
    assignment.set_queue(queue);
    *assignment.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(updated_at_us);
    return assignment;
  }
};

std::optional<AssignmentRow> Load(storage::Transaction& tx, const std::string& queue) {
  AssignmentRow row;
  storage::Query query(
      tx, absl::StrCat("SELECT ", AssignmentRow::kColumns, " FROM queue_assignments WHERE queue = :queue"));
  if (!query.Bind("queue", queue).IntoRow(row).Execute()) return std::nullopt;
  return row;
}

}  // namespace

absl::StatusOr<v1::QueueAssignment> QueueAssignmentStore::Get(absl::string_view queue) {
  return database_.InTransaction<v1::QueueAssignment>(
      Access::kRead, [&](storage::Transaction& tx) -> absl::StatusOr<v1::QueueAssignment> {
        std::optional<AssignmentRow> row = Load(tx, std::string(queue));
        if (!row) {
          return absl::NotFoundError(
              absl::StrCat("queue: queue ", Quote(queue), " has no assignment set; its callbacks go load-based"));
        }
        return row->ToProto();
      });
}

absl::StatusOr<v1::QueueAssignment> QueueAssignmentStore::Put(const v1::QueueAssignment& assignment, absl::Time now) {
  // A queue set twice at once: the one that loses the insert runs again and
  // updates instead.
  return database_.InTransaction<v1::QueueAssignment>(
      Access::kUpsert, [&](storage::Transaction& tx) -> absl::StatusOr<v1::QueueAssignment> {
        AssignmentRow row = AssignmentRow::FromProto(assignment, now);
        const char* sql = Load(tx, row.queue) ? "UPDATE queue_assignments SET assignment_json = :assignment_json,"
                                                " updated_at_us = :updated_at_us WHERE queue = :queue"
                                              : "INSERT INTO queue_assignments (queue, assignment_json, updated_at_us)"
                                                " VALUES (:queue, :assignment_json, :updated_at_us)";
        storage::Query write(tx, sql);
        row.Bind(write);
        write.Execute();
        return row.ToProto();
      });
}

absl::StatusOr<QueueAssignmentStore::ListPage> QueueAssignmentStore::List(const std::string& after_queue, int limit) {
  return database_.InTransaction<ListPage>(Access::kRead, [&](storage::Transaction& tx) -> absl::StatusOr<ListPage> {
    AssignmentRow row;
    int fetch = limit + 1;
    storage::Query query(tx, absl::StrCat("SELECT ", AssignmentRow::kColumns,
                                          " FROM queue_assignments WHERE queue > :after ORDER BY queue LIMIT :fetch"));
    query.Bind("after", after_queue).Bind("fetch", fetch).IntoRow(row).Start();
    ListPage page;
    while (query.Next()) {
      if (static_cast<int>(page.assignments.size()) == limit) {
        page.has_more = true;
        break;
      }
      page.assignments.push_back(row.ToProto());
    }
    return page;
  });
}

}  // namespace satisfaction::agents
