#ifndef SATISFACTION_TESTS_E2E_TEST_SERVER_H_
#define SATISFACTION_TESTS_E2E_TEST_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "satisfaction/v1/revisit_policy.grpc.pb.h"
#include "services/server/satisfaction_server.h"
#include "tests/support/authorized_channel.h"

namespace satisfaction::test_support {

// The admin key every test server is started with.
inline constexpr char kTestAdminKey[] = "test-admin-key-0123456789abcdef0123456789";

// The real server, started in this process on loopback ports chosen by the
// kernel, with a real gRPC channel to it whose calls carry the admin key.
class TestServer {
 public:
  static std::unique_ptr<TestServer> Start(const std::string& db_url, const std::string& templates_dir = "",
                                           server::ServerConfig config = {}) {
    if (config.bootstrap_admin_key.empty()) config.bootstrap_admin_key = kTestAdminKey;
    config.db_url = db_url;
    config.templates_dir = templates_dir;
    config.grpc_listen = "127.0.0.1:0";
    config.http_listen = "127.0.0.1:0";
    config.metrics_listen = "127.0.0.1:0";
    config.db_startup_wait = absl::ZeroDuration();
    absl::StatusOr<std::unique_ptr<server::SatisfactionServer>> server = server::SatisfactionServer::Start(config);
    EXPECT_TRUE(server.ok()) << server.status();
    if (!server.ok()) return nullptr;
    auto test_server = std::unique_ptr<TestServer>(new TestServer());
    test_server->server_ = *std::move(server);
    test_server->channel_ = test_server->ChannelWithKey(config.bootstrap_admin_key);
    return test_server;
  }

  server::SatisfactionServer& server() { return *server_; }
  // Calls as the admin.
  std::shared_ptr<grpc::Channel> channel() { return channel_; }
  // Calls carrying `key` (none if empty).
  std::shared_ptr<grpc::Channel> ChannelWithKey(const std::string& key) {
    return AuthorizedChannel(absl::StrCat("127.0.0.1:", server_->grpc_port()), key);
  }

 private:
  TestServer() = default;
  std::unique_ptr<server::SatisfactionServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

// A client context with a deadline, so that no test can hang on a call.
inline std::unique_ptr<grpc::ClientContext> Context(absl::Duration timeout = absl::Seconds(20)) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

// Opens the contact policy's `windows` ("call_windows" or "message_windows")
// all day, every day, so that a test does not depend on the time of day.
inline void OpenAllDay(const std::shared_ptr<grpc::Channel>& channel, const std::string& windows) {
  v1::UpdateContactPolicyRequest request;
  const google::protobuf::FieldDescriptor* field = v1::ContactPolicy::descriptor()->FindFieldByName(windows);
  ASSERT_NE(field, nullptr) << windows;
  auto& week = static_cast<v1::WeeklyWindows&>(
      *request.mutable_policy()->GetReflection()->MutableMessage(request.mutable_policy(), field));
  for (v1::TimeWindow* day :
       {week.mutable_monday(), week.mutable_tuesday(), week.mutable_wednesday(), week.mutable_thursday(),
        week.mutable_friday(), week.mutable_saturday(), week.mutable_sunday()}) {
    day->set_start("00:00");
    day->set_end("24:00");
  }
  request.mutable_update_mask()->add_paths(windows);
  v1::ContactPolicy updated;
  grpc::Status status =
      v1::RevisitPolicyService::NewStub(channel)->UpdateContactPolicy(Context().get(), request, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
}

// Expects `status` to be `code` with a message that starts with `field`, the
// field the error is about.
inline void ExpectError(const grpc::Status& status, grpc::StatusCode code, const std::string& field = "") {
  EXPECT_EQ(status.error_code(), code) << status.error_message();
  EXPECT_TRUE(absl::StartsWith(status.error_message(), field)) << status.error_message() << " should name " << field;
}

}  // namespace satisfaction::test_support

#endif  // SATISFACTION_TESTS_E2E_TEST_SERVER_H_
