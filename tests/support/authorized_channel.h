#ifndef SATISFACTION_TESTS_SUPPORT_AUTHORIZED_CHANNEL_H_
#define SATISFACTION_TESTS_SUPPORT_AUTHORIZED_CHANNEL_H_

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/client_interceptor.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace satisfaction::test_support {

// Sends `authorization: Bearer <key>` with every call of a channel, as a
// client of the service does.
class BearerKeyInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit BearerKeyInterceptor(std::string key) : key_(std::move(key)) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->insert({"authorization", "Bearer " + key_});
    }
    methods->Proceed();
  }

 private:
  std::string key_;
};

class BearerKeyInterceptorFactory : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit BearerKeyInterceptorFactory(std::string key) : key_(std::move(key)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(grpc::experimental::ClientRpcInfo*) override {
    return new BearerKeyInterceptor(key_);
  }

 private:
  std::string key_;
};

// A channel to `target` whose calls carry `key` (none if empty).
inline std::shared_ptr<grpc::Channel> AuthorizedChannel(
    const std::string& target, const std::string& key,
    const std::shared_ptr<grpc::ChannelCredentials>& credentials = grpc::InsecureChannelCredentials(),
    const grpc::ChannelArguments& arguments = {}) {
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  if (!key.empty()) interceptors.push_back(std::make_unique<BearerKeyInterceptorFactory>(key));
  return grpc::experimental::CreateCustomChannelWithInterceptors(target, credentials, arguments,
                                                                 std::move(interceptors));
}

// The key benchmarks call with: $SATISFACTION_API_KEY, which
// tests/bench/with_server.sh sets to the server's first admin key.
inline std::string BenchKey() {
  const char* key = std::getenv("SATISFACTION_API_KEY");
  return key == nullptr ? "" : key;
}

}  // namespace satisfaction::test_support

#endif  // SATISFACTION_TESTS_SUPPORT_AUTHORIZED_CHANNEL_H_
