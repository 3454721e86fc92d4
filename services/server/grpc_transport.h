#ifndef SATISFACTION_SERVICES_SERVER_GRPC_TRANSPORT_H_
#define SATISFACTION_SERVICES_SERVER_GRPC_TRANSPORT_H_

#include <grpcpp/impl/server_builder_option.h>
#include <grpcpp/security/server_credentials.h>

#include <memory>

#include "absl/status/statusor.h"
#include "services/server/server_config.h"

namespace satisfaction::server {

// What gRPC listens with: TLS from --tls-cert and --tls-key (requiring client
// certificates signed by --tls-client-ca, if given), or plain text.
// INVALID_ARGUMENT naming the flag whose file cannot be read.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> GrpcCredentials(const ServerConfig& config);

// A builder option that serves server reflection, or takes it out.
std::unique_ptr<grpc::ServerBuilderOption> ReflectionOption(bool enabled);

}  // namespace satisfaction::server

#endif  // SATISFACTION_SERVICES_SERVER_GRPC_TRANSPORT_H_
