#include "services/access/audit_rows.h"

#include <google/protobuf/util/time_util.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/enum_bridges.h"
#include "services/common/text_limits.h"

namespace satisfaction::access {
namespace {

using google::protobuf::util::TimeUtil;

// Column widths of audit_events: longer values are cut, never refused.
std::string Cut(const std::string& text, size_t max_bytes) { return std::string(Utf8Prefix(text, max_bytes)); }

}  // namespace

AuditRow AuditRow::FromProto(const v1::AuditEvent& e) {
  return {.occurred_at_us = TimeUtil::TimestampToMicroseconds(e.time()),
          .role = e.role(),
          .key_id = Cut(e.key_id(), 16),
          .method = Cut(e.method(), 128),
          .resource = Cut(e.resource(), 2000),
          .outcome = Cut(e.outcome(), 32),
          .message = Cut(e.message(), 500),
          .peer = Cut(e.peer(), 128)};
}

v1::AuditEvent AuditRow::ToProto() const {
  v1::AuditEvent event;
  event.set_id(absl::StrCat(id));
  *event.mutable_time() = TimeUtil::MicrosecondsToTimestamp(occurred_at_us);
  event.set_key_id(key_id);
  event.set_role(ProtoEnumOrUnspecified<v1::Role>(role));
  event.set_method(method);
  event.set_resource(resource);
  event.set_outcome(outcome);
  event.set_message(message);
  event.set_peer(peer);
  return event;
}

std::string AuditRow::Placeholders(absl::string_view suffix) {
  std::vector<std::string> names;
  for (absl::string_view column : absl::StrSplit(kColumns, ", ")) names.push_back(absl::StrCat(":", column, suffix));
  return absl::StrJoin(names, ", ");
}

void AuditRow::Bind(storage::Query& query, absl::string_view suffix) const {
  auto at = [suffix](const char* column) { return absl::StrCat(column, suffix); };
  query.Bind(at("occurred_at_us"), occurred_at_us).Bind(at("key_id"), key_id).Bind(at("role"), role);
  query.Bind(at("method"), method).Bind(at("resource"), resource).Bind(at("outcome"), outcome);
  query.Bind(at("message"), message).Bind(at("peer"), peer);
}

void AuditRow::Into(storage::Query& query) {
  query.Into(id).Into(occurred_at_us).Into(key_id).Into(role).Into(method).Into(resource).Into(outcome);
  query.Into(message).Into(peer);
}

void InsertAuditEvents(storage::Transaction& tx, const std::vector<const v1::AuditEvent*>& events) {
  if (events.empty()) return;
  std::vector<AuditRow> rows;
  rows.reserve(events.size());
  for (const v1::AuditEvent* event : events) rows.push_back(AuditRow::FromProto(*event));
  std::string sql = absl::StrCat("INSERT INTO audit_events (", AuditRow::kColumns, ") VALUES ");
  for (size_t i = 0; i < rows.size(); ++i) {
    absl::StrAppend(&sql, i == 0 ? "" : ", ", "(", AuditRow::Placeholders(absl::StrCat("_", i)), ")");
  }
  storage::Query insert(tx, sql);
  for (size_t i = 0; i < rows.size(); ++i) rows[i].Bind(insert, absl::StrCat("_", i));
  insert.Execute();
}

}  // namespace satisfaction::access
