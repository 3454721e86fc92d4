#ifndef SATISFACTION_SERVICES_COMMON_REQUEST_CHECKS_H_
#define SATISFACTION_SERVICES_COMMON_REQUEST_CHECKS_H_

#include <grpcpp/server_context.h>

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

}  // namespace satisfaction

#endif  // SATISFACTION_SERVICES_COMMON_REQUEST_CHECKS_H_
