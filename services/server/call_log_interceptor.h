#ifndef SATISFACTION_SERVICES_SERVER_CALL_LOG_INTERCEPTOR_H_
#define SATISFACTION_SERVICES_SERVER_CALL_LOG_INTERCEPTOR_H_

#include <grpcpp/support/server_interceptor.h>

namespace satisfaction::server {

// Writes one log line per call: method, status code and duration. Requests and
// responses are never logged, so customer data stays out of the logs.
class CallLogInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override;
};

}  // namespace satisfaction::server

#endif  // SATISFACTION_SERVICES_SERVER_CALL_LOG_INTERCEPTOR_H_
