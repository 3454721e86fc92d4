#ifndef SATISFACTION_SERVICES_ACCESS_ACCESS_INTERCEPTOR_H_
#define SATISFACTION_SERVICES_ACCESS_ACCESS_INTERCEPTOR_H_

#include <grpcpp/support/server_interceptor.h>

#include "services/access/audit_log.h"
#include "services/access/key_authenticator.h"

namespace satisfaction::access {

// Decides on each call as its metadata arrives: open methods (health,
// reflection) pass; every other call needs a key (KeyAuthenticator), whose role
// the policy table allows (Authorize), within its rate limit. The decision is
// recorded for the handler (see admission.h). Writes and exports by a known
// key go to the audit log before their status is sent, with the outcome.
class AccessInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  AccessInterceptorFactory(KeyAuthenticator& authenticator, AuditLog& audit_log)
      : authenticator_(authenticator), audit_log_(audit_log) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override;

 private:
  KeyAuthenticator& authenticator_;
  AuditLog& audit_log_;
};

}  // namespace satisfaction::access

#endif  // SATISFACTION_SERVICES_ACCESS_ACCESS_INTERCEPTOR_H_
