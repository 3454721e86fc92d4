#ifndef SATISFACTION_SERVICES_ACCESS_ACCESS_SERVICE_H_
#define SATISFACTION_SERVICES_ACCESS_ACCESS_SERVICE_H_

#include "satisfaction/v1/access.grpc.pb.h"
#include "services/access/api_key_store.h"
#include "services/access/audit_log.h"
#include "services/access/key_authenticator.h"

namespace satisfaction::access {

// The gRPC face of API keys and the audit log, for admins.
class AccessService final : public v1::AccessService::Service {
 public:
  AccessService(ApiKeyStore& keys, KeyAuthenticator& authenticator, AuditLog& audit_log)
      : keys_(keys), authenticator_(authenticator), audit_log_(audit_log) {}

  grpc::Status CreateApiKey(grpc::ServerContext* context, const v1::CreateApiKeyRequest* request,
                            v1::CreateApiKeyResponse* response) override;
  grpc::Status ListApiKeys(grpc::ServerContext* context, const v1::ListApiKeysRequest* request,
                           v1::ListApiKeysResponse* response) override;
  grpc::Status RevokeApiKey(grpc::ServerContext* context, const v1::RevokeApiKeyRequest* request,
                            v1::ApiKey* response) override;
  grpc::Status ListAuditEvents(grpc::ServerContext* context, const v1::ListAuditEventsRequest* request,
                               v1::ListAuditEventsResponse* response) override;

 private:
  ApiKeyStore& keys_;
  KeyAuthenticator& authenticator_;
  AuditLog& audit_log_;
};

}  // namespace satisfaction::access

#endif  // SATISFACTION_SERVICES_ACCESS_ACCESS_SERVICE_H_
