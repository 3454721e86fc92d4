#ifndef SATISFACTION_SERVICES_SERVER_UNREADABLE_REQUEST_INTERCEPTOR_H_
#define SATISFACTION_SERVICES_SERVER_UNREADABLE_REQUEST_INTERCEPTOR_H_

#include <grpcpp/support/server_interceptor.h>

namespace satisfaction::server {

// gRPC reads a unary or server-streaming call's request before any handler
// runs, and answers one that does not parse (cut short, random bytes, a string
// of invalid UTF-8) INTERNAL with no message, or UNIMPLEMENTED for a
// callback-API method. This interceptor notices such a request (the message
// gRPC hands on is null) and answers INVALID_ARGUMENT "the request could not
// be read as a <type>", led by the field when protobuf refused its UTF-8; a
// caller that access refuses gets that refusal instead.
//
// InstallProtobufLogHandler (services/common/unreadable_request.h) must run
// once first, for the field names.
class UnreadableRequestInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override;
};

}  // namespace satisfaction::server

#endif  // SATISFACTION_SERVICES_SERVER_UNREADABLE_REQUEST_INTERCEPTOR_H_
