#ifndef SATISFACTION_TESTS_E2E_ACCESS_TEST_KEYS_H_
#define SATISFACTION_TESTS_E2E_ACCESS_TEST_KEYS_H_

#include <string>

#include "gtest/gtest.h"
#include "satisfaction/v1/access.grpc.pb.h"
#include "tests/e2e/test_server.h"

namespace satisfaction::test_support {

// Creates API keys through AccessService, as the test server's admin.
class AccessKeys {
 public:
  explicit AccessKeys(TestServer& server) : stub_(v1::AccessService::NewStub(server.channel())) {}

  // A new key of `role`, bound as `spec` says (its display name and role are
  // filled in); its id goes to `id` if given.
  std::string Create(v1::Role role, v1::ApiKey spec = {}, std::string* id = nullptr) {
    v1::CreateApiKeyRequest request;
    spec.set_role(role);
    if (spec.display_name().empty()) spec.set_display_name(absl::StrCat("test ", v1::Role_Name(role)));
    *request.mutable_api_key() = spec;
    v1::CreateApiKeyResponse created;
    grpc::Status status = stub_->CreateApiKey(Context().get(), request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    if (id != nullptr) *id = created.api_key().id();
    return created.key();
  }

  // A key of `role` that was revoked at once.
  std::string CreateRevoked(v1::Role role) {
    std::string id;
    std::string key = Create(role, {}, &id);
    Revoke(id);
    return key;
  }

  void Revoke(const std::string& id) {
    v1::RevokeApiKeyRequest request;
    request.set_id(id);
    v1::ApiKey revoked;
    grpc::Status status = stub_->RevokeApiKey(Context().get(), request, &revoked);
    EXPECT_TRUE(status.ok()) << status.error_message();
  }

  v1::AccessService::Stub& stub() { return *stub_; }

 private:
  std::unique_ptr<v1::AccessService::Stub> stub_;
};

}  // namespace satisfaction::test_support

#endif  // SATISFACTION_TESTS_E2E_ACCESS_TEST_KEYS_H_
