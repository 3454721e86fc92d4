#include "services/access/audit_log.h"

#include <google/protobuf/util/time_util.h>
#include <spdlog/spdlog.h>

#include <limits>
#include <memory>

#include "absl/strings/str_cat.h"
#include "services/access/audit_rows.h"
#include "services/common/enum_bridges.h"

namespace satisfaction::access {
namespace {

using google::protobuf::util::TimeUtil;
using storage::Access;

// Events per transaction: one multi-row INSERT.
constexpr size_t kMaxBatch = 64;
// A second committer measured no faster (response_bench).
constexpr int kCommitters = 1;

}  // namespace

AuditLog::AuditLog(storage::Database& database)
    : database_(database),
      writer_(kMaxBatch, kCommitters, [this](const std::vector<Entry*>& batch) { Commit(batch); }) {}

void AuditLog::Record(v1::AuditEvent event, absl::AnyInvocable<void(const absl::Status&) &&> done) {
  auto entry = std::make_unique<Entry>(Entry{std::move(event)});
  Entry& queued = *entry;
  writer_.Submit(queued,
                 [entry = std::move(entry), done = std::move(done)]() mutable { std::move(done)(entry->status); });
}

void AuditLog::Commit(const std::vector<Entry*>& batch) {
  std::vector<const v1::AuditEvent*> events;
  for (const Entry* entry : batch) events.push_back(&entry->event);
  absl::Status status = database_.InTransaction(Access::kWrite, [&](soci::session& session) {
    InsertAuditEvents(session, events);
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
  return database_.InTransaction<Page>(Access::kRead, [&](soci::session& session) -> absl::StatusOr<Page> {
    long long id = 0, time_us = 0;
    int role = 0;
    std::string key_id, method, resource, outcome, message, peer;
    std::string key_filter = query.key_id, method_filter = query.method;
    long long before_id = query.before_id > 0 ? query.before_id : std::numeric_limits<long long>::max();
    long long start_us =
        query.start == absl::InfinitePast() ? std::numeric_limits<long long>::min() : absl::ToUnixMicros(query.start);
    long long end_us =
        query.end == absl::InfiniteFuture() ? std::numeric_limits<long long>::max() : absl::ToUnixMicros(query.end);
    int fetch = query.limit + 1;
    soci::statement statement(session);
    statement.exchange(soci::into(id));
    statement.exchange(soci::into(time_us));
    statement.exchange(soci::into(key_id));
    statement.exchange(soci::into(role));
    statement.exchange(soci::into(method));
    statement.exchange(soci::into(resource));
    statement.exchange(soci::into(outcome));
    statement.exchange(soci::into(message));
    statement.exchange(soci::into(peer));
    std::string sql =
        "SELECT id, occurred_at_us, key_id, role, method, resource, outcome, message, peer FROM audit_events"
        " WHERE id < :before AND occurred_at_us >= :start AND occurred_at_us < :end";
    statement.exchange(soci::use(before_id));
    statement.exchange(soci::use(start_us));
    statement.exchange(soci::use(end_us));
    if (!key_filter.empty()) {
      absl::StrAppend(&sql, " AND key_id = :key");
      statement.exchange(soci::use(key_filter));
    }
    if (!method_filter.empty()) {
      absl::StrAppend(&sql, " AND method = :method");
      statement.exchange(soci::use(method_filter));
    }
    absl::StrAppend(&sql, " ORDER BY id DESC LIMIT :fetch");
    statement.exchange(soci::use(fetch));
    statement.alloc();
    statement.prepare(sql);
    statement.define_and_bind();
    statement.execute();
    Page page;
    while (statement.fetch()) {
      if (static_cast<int>(page.events.size()) == query.limit) {
        page.has_more = true;
        break;
      }
      v1::AuditEvent& event = page.events.emplace_back();
      event.set_id(absl::StrCat(id));
      *event.mutable_time() = TimeUtil::MicrosecondsToTimestamp(time_us);
      event.set_key_id(key_id);
      event.set_role(ProtoEnumOrUnspecified<v1::Role>(role));
      event.set_method(method);
      event.set_resource(resource);
      event.set_outcome(outcome);
      event.set_message(message);
      event.set_peer(peer);
    }
    return page;
  });
}

absl::StatusOr<int> AuditLog::DeleteOlderThan(absl::Time cutoff, int limit) {
  return database_.InTransaction<int>(Access::kWrite, [&](soci::session& session) -> absl::StatusOr<int> {
    long long cutoff_us = absl::ToUnixMicros(cutoff);
    int batch = limit;
    // MariaDB takes no LIMIT in an IN subquery; SQLite takes none on DELETE
    // unless built with SQLITE_ENABLE_UPDATE_DELETE_LIMIT.
    std::string sql = session.get_backend_name() == "mysql"
                          ? "DELETE FROM audit_events WHERE occurred_at_us < :cutoff ORDER BY id LIMIT :batch"
                          : "DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events"
                            " WHERE occurred_at_us < :cutoff ORDER BY id LIMIT :batch)";
    soci::statement statement = (session.prepare << sql, soci::use(cutoff_us), soci::use(batch));
    statement.execute(true);
    return static_cast<int>(statement.get_affected_rows());
  });
}

}  // namespace satisfaction::access
