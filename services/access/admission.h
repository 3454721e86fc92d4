#ifndef SATISFACTION_SERVICES_ACCESS_ADMISSION_H_
#define SATISFACTION_SERVICES_ACCESS_ADMISSION_H_

#include <grpcpp/server_context.h>

#include "absl/status/statusor.h"
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

}  // namespace satisfaction::access

#endif  // SATISFACTION_SERVICES_ACCESS_ADMISSION_H_
