#ifndef SATISFACTION_SERVICES_ACCESS_ACCESS_SERVICE_H_
#define SATISFACTION_SERVICES_ACCESS_ACCESS_SERVICE_H_

#include "satisfaction/v1/access.pb.h"
#include "services/access/access_policy.h"
#include "services/access/api_key_store.h"
#include "services/access/audit_log.h"
#include "services/access/key_authenticator.h"

namespace satisfaction::access {

// The handlers of API keys and the audit log, for admins: functions of the caller and the request,
// validating it before they touch a store; services/server binds them to gRPC.
class AccessService final {
 public:
  AccessService(ApiKeyStore& keys, KeyAuthenticator& authenticator, AuditLog& audit_log)
      : keys_(keys), authenticator_(authenticator), audit_log_(audit_log) {}

  absl::StatusOr<v1::CreateApiKeyResponse> CreateApiKey(const access::Caller& caller,
                                                        const v1::CreateApiKeyRequest& request);
  absl::StatusOr<v1::ListApiKeysResponse> ListApiKeys(const access::Caller& caller,
                                                      const v1::ListApiKeysRequest& request);
  absl::StatusOr<v1::ApiKey> RevokeApiKey(const access::Caller& caller, const v1::RevokeApiKeyRequest& request);
  absl::StatusOr<v1::ListAuditEventsResponse> ListAuditEvents(const access::Caller& caller,
                                                              const v1::ListAuditEventsRequest& request);

 private:
  ApiKeyStore& keys_;
  KeyAuthenticator& authenticator_;
  AuditLog& audit_log_;
};

}  // namespace satisfaction::access

#endif  // SATISFACTION_SERVICES_ACCESS_ACCESS_SERVICE_H_
