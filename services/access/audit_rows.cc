#include "services/access/audit_rows.h"

#include <google/protobuf/util/time_util.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "services/common/text_limits.h"
#include "services/storage/write_batch.h"

namespace satisfaction::access {
namespace {

using google::protobuf::util::TimeUtil;

// Column widths of audit_events: longer values are cut, never refused.
std::string Cut(const std::string& text, size_t max_bytes) { return std::string(Utf8Prefix(text, max_bytes)); }

}  // namespace

void InsertAuditEvents(soci::session& session, const std::vector<const v1::AuditEvent*>& events) {
  if (events.empty()) return;
  struct Row {
    long long time_us;
    int role;
    std::string key_id, method, resource, outcome, message, peer;
  };
  std::vector<Row> rows;
  rows.reserve(events.size());
  for (const v1::AuditEvent* e : events) {
    rows.push_back({TimeUtil::TimestampToMicroseconds(e->time()), e->role(), Cut(e->key_id(), 16),
                    Cut(e->method(), 128), Cut(e->resource(), 2000), Cut(e->outcome(), 32), Cut(e->message(), 500),
                    Cut(e->peer(), 128)});
  }
  std::string sql =
      "INSERT INTO audit_events (occurred_at_us, key_id, role, method, resource, outcome, message, peer) VALUES ";
  for (size_t i = 0; i < rows.size(); ++i) {
    absl::StrAppend(&sql, i == 0 ? "" : ", ", "(:t", i, ", :k", i, ", :r", i, ", :m", i, ", :s", i, ", :o", i, ", :g",
                    i, ", :p", i, ")");
  }
  storage::ExecuteBound(session, sql, [&](soci::statement& statement) {
    for (Row& row : rows) {
      statement.exchange(soci::use(row.time_us));
      statement.exchange(soci::use(row.key_id));
      statement.exchange(soci::use(row.role));
      statement.exchange(soci::use(row.method));
      statement.exchange(soci::use(row.resource));
      statement.exchange(soci::use(row.outcome));
      statement.exchange(soci::use(row.message));
      statement.exchange(soci::use(row.peer));
    }
  });
}

}  // namespace satisfaction::access
