#ifndef SATISFACTION_SERVICES_COMMON_REQUEST_CHECKS_H_
#define SATISFACTION_SERVICES_COMMON_REQUEST_CHECKS_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_interceptor.h>

#include "absl/status/status.h"

namespace satisfaction {

// Checks that the caller still waits for an answer: CANCELLED or DEADLINE_EXCEEDED
// otherwise. Handlers call it after validating and before touching the database.
inline absl::Status CheckCallerStillWaiting(const grpc::ServerContextBase& context) {
  if (context.IsCancelled()) return absl::CancelledError("the caller cancelled the call");
  if (context.deadline() <= std::chrono::system_clock::now()) {
    return absl::DeadlineExceededError("the call's deadline passed before its work started");
  }
  return absl::OkStatus();
}

// Whether gRPC reads the call's one request before its handler runs (unary
// and server-streaming methods), so an interceptor's POST_RECV_MESSAGE holds
// that request, or null when it could not be parsed. Client streams also hand
// on null at their end, and their messages may be raw bytes (see
// ClientStreamReader).
inline bool ReadsOneRequestFirst(const grpc::experimental::ServerRpcInfo& info) {
  return info.type() == grpc::experimental::ServerRpcInfo::Type::UNARY ||
         info.type() == grpc::experimental::ServerRpcInfo::Type::SERVER_STREAMING;
}

}  // namespace satisfaction

#endif  // SATISFACTION_SERVICES_COMMON_REQUEST_CHECKS_H_
