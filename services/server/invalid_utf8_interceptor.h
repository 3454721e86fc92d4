#ifndef SATISFACTION_SERVICES_SERVER_INVALID_UTF8_INTERCEPTOR_H_
#define SATISFACTION_SERVICES_SERVER_INVALID_UTF8_INTERCEPTOR_H_

#include <grpcpp/support/server_interceptor.h>

namespace satisfaction::server {

// Protobuf refuses a proto3 string field that holds invalid UTF-8 while gRPC
// parses the request, before any handler runs, and gRPC then answers INTERNAL
// (UNIMPLEMENTED for a callback-API method) with no message. Protobuf logs the field's name as it refuses it; this
// interceptor answers such a call INVALID_ARGUMENT naming that field instead.
//
// InstallProtobufLogHandler must run once first: it keeps the name (per thread,
// as gRPC parses and answers a failed call on one thread, sync or callback) and
// sends protobuf's other log lines to spdlog.
void InstallProtobufLogHandler();

class InvalidUtf8InterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override;
};

}  // namespace satisfaction::server

#endif  // SATISFACTION_SERVICES_SERVER_INVALID_UTF8_INTERCEPTOR_H_
