#ifndef SATISFACTION_TESTS_E2E_E2E_FIXTURE_H_
#define SATISFACTION_TESTS_E2E_E2E_FIXTURE_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <string>

#include "gtest/gtest.h"
#include "services/server/server_config.h"
#include "tests/e2e/access_test_keys.h"
#include "tests/e2e/test_server.h"
#include "tests/support/backend_test.h"
#include "tests/support/test_database.h"

namespace satisfaction::test_support {

// What a test server loads from disk: nothing, or the repository's templates/
// (questionnaires, revisit rules and messages).
enum class Templates { kNone, kRepository };

// How an end-to-end suite wants its server.
struct E2eOptions {
  // The fixture fills in the database, the listen addresses and the templates.
  server::ServerConfig config;
  Templates templates = Templates::kNone;
  // Whether SetUp starts the server; suites that start their own (TLS, a
  // server process) say false and call StartServer or use test_database_.
  bool start_server = true;
};

// The end-to-end fixture: on each backend (SATISFACTION_INSTANTIATE_ON_BACKENDS),
// a fresh database and the real server on it, started as `options` say, with
// a real gRPC channel calling as the admin and keys for other callers.
class E2eTest : public BackendTest {
 protected:
  explicit E2eTest(E2eOptions options = {}) : options_(std::move(options)) {}

  void SetUp() override {
    BackendTest::SetUp();
    if (!options_.start_server) return;
    server_ = StartServer(options_.config);
    ASSERT_NE(server_, nullptr);
    keys_ = std::make_unique<AccessKeys>(*server_);
  }

  // Stops the server before its database is dropped.
  void TearDown() override {
    keys_.reset();
    server_.reset();
  }

  // Another server on the same database, with `config` and the suite's
  // templates unless `templates` says otherwise; null if it cannot start.
  std::unique_ptr<TestServer> StartServer(const server::ServerConfig& config = {},
                                          std::optional<Templates> templates = std::nullopt) {
    bool with_templates = templates.value_or(options_.templates) == Templates::kRepository;
    return TestServer::Start(test_database_->url(), with_templates ? RepoRoot() + "/templates" : "", config);
  }

  // The server's channel, calling as the admin.
  std::shared_ptr<grpc::Channel> channel() { return server_->channel(); }
  // A channel to the server calling with a new key of `role`, bound as `spec`
  // says; the key's id goes to `id` if given.
  std::shared_ptr<grpc::Channel> ChannelAs(v1::Role role, const v1::ApiKey& spec = {}, std::string* id = nullptr) {
    return server_->ChannelWithKey(keys_->Create(role, spec, id));
  }

  std::unique_ptr<TestServer> server_;
  // Creates and revokes keys as the admin.
  std::unique_ptr<AccessKeys> keys_;

 private:
  E2eOptions options_;
};

// An E2eTest of one service, whose `stub_` calls it as the admin.
template <typename Service>
class ServiceE2eTest : public E2eTest {
 protected:
  using E2eTest::E2eTest;

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(E2eTest::SetUp());
    stub_ = Service::NewStub(channel());
  }

  std::unique_ptr<typename Service::Stub> stub_;
};

}  // namespace satisfaction::test_support

#endif  // SATISFACTION_TESTS_E2E_E2E_FIXTURE_H_
