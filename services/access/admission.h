#ifndef SATISFACTION_SERVICES_ACCESS_ADMISSION_H_
#define SATISFACTION_SERVICES_ACCESS_ADMISSION_H_

#include <grpcpp/server_context.h>

#include <optional>

#include "absl/status/statusor.h"
#include "satisfaction/v1/access.pb.h"
#include "services/access/access_policy.h"

namespace satisfaction::access {

// The access decision for each call under way. AccessInterceptor decides when
// the call's metadata arrives (key, role, rate limit) and records it here;
// every handler asks for it first thing and answers with the refusal, if any.
// (gRPC's C++ interceptors cannot refuse a call themselves.)

// The caller of `call`, admitted to its method; or the refusal:
// UNAUTHENTICATED, PERMISSION_DENIED, RESOURCE_EXHAUSTED or UNAVAILABLE. A
// call nobody decided on (no interceptor installed) is refused.
absl::StatusOr<Caller> AdmittedCaller(const grpc::ServerContextBase& call);

// For AccessInterceptor: records and forgets the decision on `call`.
void RecordAdmission(const grpc::ServerContextBase* call, absl::StatusOr<Caller> decision);
void ForgetAdmission(const grpc::ServerContextBase* call);

// Writes whose policy says audited_in_write record their call's audit event
// in their own transaction, so that a write answered OK is never missing from
// the audit log (a separate commit could fail after the write's).

// The event of `call` as the interceptor would record it (time and outcome
// for the handler to set), if the call is audited; the handler writes it with
// its data, then calls MarkAuditedWithWrite before it answers.
std::optional<v1::AuditEvent> PendingAuditEvent(const grpc::ServerContextBase& call);
void MarkAuditedWithWrite(const grpc::ServerContextBase& call);

// For AccessInterceptor: keeps the pending event of `call`, and tells whether
// the handler wrote it.
void RecordPendingAudit(const grpc::ServerContextBase* call, v1::AuditEvent event);
bool AuditedWithWrite(const grpc::ServerContextBase* call);

}  // namespace satisfaction::access

#endif  // SATISFACTION_SERVICES_ACCESS_ADMISSION_H_
