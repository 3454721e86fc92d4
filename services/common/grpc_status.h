#ifndef SATISFACTION_SERVICES_COMMON_GRPC_STATUS_H_
#define SATISFACTION_SERVICES_COMMON_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/common/text_limits.h"

namespace satisfaction {

// The longest status message a client is sent. The message travels in the
// trailers, and clients refuse trailers over 8 KiB (RESOURCE_EXHAUSTED
// "received initial metadata size exceeds limit"), losing the status itself.
inline constexpr size_t kMaxStatusMessageBytes = 1024;

// Turns a domain status into the status a gRPC client sees. The canonical codes
// are the same numbers in both. Messages quote request values short already
// (Quote); the cap is the safety net.
inline grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      Abbreviate(status.message(), kMaxStatusMessageBytes));
}

// Answers a call with `result`: its value as the response, or its error.
template <typename T>
grpc::Status Reply(absl::StatusOr<T> result, T* response) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = *std::move(result);
  return grpc::Status::OK;
}

}  // namespace satisfaction

#endif  // SATISFACTION_SERVICES_COMMON_GRPC_STATUS_H_
