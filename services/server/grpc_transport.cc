#include "services/server/grpc_transport.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/textproto_files.h"

namespace satisfaction::server {
namespace {

// Turns server reflection on or off for one server. Linking gRPC's reflection
// library turns it on for every server of the process (a static initializer
// registers its plugin), so off means taking that plugin out again.
class ReflectionPlugins : public grpc::ServerBuilderOption {
 public:
  explicit ReflectionPlugins(bool enabled) : enabled_(enabled) {}
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    std::unique_ptr<grpc::ServerBuilderPlugin> reflection =
        std::make_unique<grpc::reflection::ProtoServerReflectionPlugin>();
    std::string name = reflection->name();
    std::erase_if(*plugins, [&](const auto& plugin) { return plugin->name() == name; });
    if (enabled_) plugins->push_back(std::move(reflection));
  }

 private:
  const bool enabled_;
};

}  // namespace

std::unique_ptr<grpc::ServerBuilderOption> ReflectionOption(bool enabled) {
  return std::make_unique<ReflectionPlugins>(enabled);
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> GrpcCredentials(const ServerConfig& config) {
  if (config.tls_cert.empty()) return grpc::InsecureServerCredentials();
  absl::StatusOr<std::string> cert = ReadTextFile(config.tls_cert);
  if (!cert.ok()) return absl::InvalidArgumentError(absl::StrCat("--tls-cert: ", cert.status().message()));
  absl::StatusOr<std::string> key = ReadTextFile(config.tls_key);
  if (!key.ok()) return absl::InvalidArgumentError(absl::StrCat("--tls-key: ", key.status().message()));
  grpc::SslServerCredentialsOptions options(config.tls_client_ca.empty()
                                                ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                                                : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  if (!config.tls_client_ca.empty()) {
    absl::StatusOr<std::string> ca = ReadTextFile(config.tls_client_ca);
    if (!ca.ok()) return absl::InvalidArgumentError(absl::StrCat("--tls-client-ca: ", ca.status().message()));
    options.pem_root_certs = *ca;
  }
  options.pem_key_cert_pairs.push_back({.private_key = *key, .cert_chain = *cert});
  return grpc::SslServerCredentials(options);
}

}  // namespace satisfaction::server
