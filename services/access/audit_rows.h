#ifndef SATISFACTION_SERVICES_ACCESS_AUDIT_ROWS_H_
#define SATISFACTION_SERVICES_ACCESS_AUDIT_ROWS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "satisfaction/v1/access.pb.h"
#include "services/storage/query.h"
#include "services/storage/transaction.h"

namespace satisfaction::access {

// One audit_events row.
struct AuditRow {
  long long id = 0, occurred_at_us = 0;
  int role = 0;
  std::string key_id, method, resource, outcome, message, peer;

  // Every column but the id, which the database gives.
  static constexpr char kColumns[] = "occurred_at_us, key_id, role, method, resource, outcome, message, peer";

  // Values too long for their columns are cut at a character boundary.
  static AuditRow FromProto(const v1::AuditEvent& event);
  v1::AuditEvent ToProto() const;
  // The placeholders of kColumns, each named after its column and `suffix`.
  static std::string Placeholders(absl::string_view suffix);
  // Binds the placeholders of Placeholders(suffix).
  void Bind(storage::Query& query, absl::string_view suffix) const;
  // Reads "id, " and then the columns of kColumns, in their order.
  void Into(storage::Query& query);
};

// Inserts `events` into audit_events in one statement of the caller's
// transaction: the audit log's own batches, and writes that record their
// call's event in their own transaction (see PendingAuditEvent). Values too
// long for their columns are cut at a character boundary, never refused.
void InsertAuditEvents(storage::Transaction& tx, const std::vector<const v1::AuditEvent*>& events);

}  // namespace satisfaction::access

#endif  // SATISFACTION_SERVICES_ACCESS_AUDIT_ROWS_H_
