#include "services/access/audit_log.h"

#include <google/protobuf/util/time_util.h>
#include <spdlog/spdlog.h>

#include <limits>
#include <memory>

#include "absl/strings/str_cat.h"
#include "services/access/audit_rows.h"
#include "services/storage/transaction.h"

namespace satisfaction::access {
namespace {

using storage::Access;

// Events per transaction: one multi-row INSERT.
constexpr size_t kMaxBatch = 64;
// A second committer measured no faster (response_bench).
constexpr int kCommitters = 1;

}  // namespace

AuditLog::AuditLog(storage::Database& database)
    : database_(database),
      writer_(
          kMaxBatch, kCommitters, [this](const std::vector<Entry*>& batch) { Commit(batch); }, database.observer(),
          "audit") {}

void AuditLog::Record(v1::AuditEvent event, absl::AnyInvocable<void(const absl::Status&) &&> done) {
  auto entry = std::make_unique<Entry>(Entry{std::move(event)});
  Entry& queued = *entry;
  writer_.Submit(queued,
                 [entry = std::move(entry), done = std::move(done)]() mutable { std::move(done)(entry->status); });
}

void AuditLog::Commit(const std::vector<Entry*>& batch) {
  std::vector<const v1::AuditEvent*> events;
  for (const Entry* entry : batch) events.push_back(&entry->event);
  absl::Status status = database_.InTransaction(Access::kWrite, [&](storage::Transaction& tx) {
    InsertAuditEvents(tx, events);
    return absl::OkStatus();
  });
  for (Entry* entry : batch) entry->status = status;
  if (!status.ok()) {
    for (const v1::AuditEvent* e : events) {
      spdlog::error("audit event not written: key={} method={} outcome={}: {}", e->key_id(), e->method(), e->outcome(),
                    status.ToString());
    }
  }
}

absl::StatusOr<AuditLog::Page> AuditLog::List(const Query& query) {
  return database_.InTransaction<Page>(Access::kRead, [&](storage::Transaction& tx) -> absl::StatusOr<Page> {
    AuditRow row;
    std::string key_filter = query.key_id, method_filter = query.method;
    long long before_id = query.before_id > 0 ? query.before_id : std::numeric_limits<long long>::max();
    long long start_us =
        query.start == absl::InfinitePast() ? std::numeric_limits<long long>::min() : absl::ToUnixMicros(query.start);
    long long end_us =
        query.end == absl::InfiniteFuture() ? std::numeric_limits<long long>::max() : absl::ToUnixMicros(query.end);
    int fetch = query.limit + 1;
    std::string sql = absl::StrCat("SELECT id, ", AuditRow::kColumns,
                                   " FROM audit_events WHERE id < :before AND occurred_at_us >= :start"
                                   " AND occurred_at_us < :end");
    if (!key_filter.empty()) absl::StrAppend(&sql, " AND key_id = :key");
    if (!method_filter.empty()) absl::StrAppend(&sql, " AND method = :method");
    absl::StrAppend(&sql, " ORDER BY id DESC LIMIT :fetch");
    storage::Query select(tx, sql);
    select.Bind("before", before_id).Bind("start", start_us).Bind("end", end_us).Bind("fetch", fetch);
    if (!key_filter.empty()) select.Bind("key", key_filter);
    if (!method_filter.empty()) select.Bind("method", method_filter);
    select.IntoRow(row).Start();
    Page page;
    while (select.Next()) {
      if (static_cast<int>(page.events.size()) == query.limit) {
        page.has_more = true;
        break;
      }
      page.events.push_back(row.ToProto());
    }
    return page;
  });
}

absl::StatusOr<int> AuditLog::DeleteOlderThan(absl::Time cutoff, int limit) {
  return database_.InTransaction<int>(Access::kWrite, [&](storage::Transaction& tx) -> absl::StatusOr<int> {
    long long cutoff_us = absl::ToUnixMicros(cutoff);
    int batch = limit;
    std::string sql = tx.dialect().DeleteFirst("audit_events", "occurred_at_us < :cutoff", "id", ":batch");
    storage::Query remove(tx, sql);
    remove.Bind("cutoff", cutoff_us).Bind("batch", batch).Execute();
    return static_cast<int>(remove.affected_rows());
  });
}

}  // namespace satisfaction::access
