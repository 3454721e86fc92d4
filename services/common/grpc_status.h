#ifndef SATISFACTION_SERVICES_COMMON_GRPC_STATUS_H_
#define SATISFACTION_SERVICES_COMMON_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace satisfaction {

// Turns a domain status into the status a gRPC client sees. The canonical codes
// are the same numbers in both.
inline grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

}  // namespace satisfaction

#endif  // SATISFACTION_SERVICES_COMMON_GRPC_STATUS_H_
