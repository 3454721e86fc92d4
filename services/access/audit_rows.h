#ifndef SATISFACTION_SERVICES_ACCESS_AUDIT_ROWS_H_
#define SATISFACTION_SERVICES_ACCESS_AUDIT_ROWS_H_

#include <soci/soci.h>

#include <vector>

#include "satisfaction/v1/access.pb.h"

namespace satisfaction::access {

// Inserts `events` into audit_events in one statement of the caller's
// transaction: the audit log's own batches, and writes that record their
// call's event in their own transaction (see PendingAuditEvent). Values too
// long for their columns are cut at a character boundary, never refused.
void InsertAuditEvents(soci::session& session, const std::vector<const v1::AuditEvent*>& events);

}  // namespace satisfaction::access

#endif  // SATISFACTION_SERVICES_ACCESS_AUDIT_ROWS_H_
