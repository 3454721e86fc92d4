#ifndef SATISFACTION_SERVICES_COMMON_GRPC_STATUS_H_
#define SATISFACTION_SERVICES_COMMON_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace satisfaction {

// Turns a domain status into the status a gRPC client sees. The canonical codes
// are the same numbers in both.
inline grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
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
