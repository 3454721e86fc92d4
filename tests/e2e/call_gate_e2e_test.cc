// One door for every call: every method of the API is served through the
// CallGate, a handler never runs for a call the gate refused (whatever its
// shape: unary, answered later, or streaming either way), and wiring
// mistakes stop the server from starting.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <set>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "satisfaction/v1/callback.pb.h"
#include "satisfaction/v1/customer.pb.h"
#include "satisfaction/v1/response.pb.h"
#include "services/access/api_key_store.h"
#include "services/access/audit_log.h"
#include "services/access/key_authenticator.h"
#include "services/rpc/admitted_service.h"
#include "tests/e2e/api_methods.h"
#include "tests/e2e/generic_call.h"
#include "tests/e2e/test_server.h"
#include "tests/support/authorized_channel.h"
#include "tests/support/backend_test.h"
#include "tests/support/test_database.h"

namespace satisfaction {
namespace {

using test_support::TestBackend;

TEST(CallGateTest, EveryApiMethodIsServedThroughTheGate) {
  std::unique_ptr<test_support::TestDatabase> database = test_support::TestDatabase::Create(TestBackend::kSqlite);
  std::unique_ptr<test_support::TestServer> server = test_support::TestServer::Start(database->url());
  ASSERT_NE(server, nullptr);
  std::vector<std::string> admitted = server->server().AdmittedMethods();
  std::set<std::string> served(admitted.begin(), admitted.end());
  std::set<std::string> api;
  for (const google::protobuf::MethodDescriptor* method : test_support::ApiMethodDescriptors()) {
    api.insert(test_support::MethodPath(*method));
  }
  EXPECT_EQ(served, api) << "the server serves exactly the API's methods, each through the gate";
}

// Handlers that only count their runs, bound through the gate of a real key
// store, served on a loopback port.
class GatedSpyServer {
 public:
  explicit GatedSpyServer(const test_support::TestDatabase& test_database)
      : database_(test_support::OpenMigrated(test_database, 4)),
        keys_(*database_),
        authenticator_(keys_, absl::Minutes(1), /*default_rate_limit_per_minute=*/60'000),
        audit_log_(*database_),
        gate_(authenticator_, audit_log_),
        callbacks_("satisfaction.v1.CallbackService", gate_),
        customers_("satisfaction.v1.CustomerService", gate_),
        responses_("satisfaction.v1.ResponseService", gate_) {
    callbacks_
        .Unary<v1::FetchDueCallbacksRequest, v1::FetchDueCallbacksResponse>(
            "FetchDueCallbacks",
            [this](const access::Caller&, const v1::FetchDueCallbacksRequest&) {
              ++runs_;
              return v1::FetchDueCallbacksResponse();
            })
        .ServerStream<v1::WatchCallbacksRequest, v1::CallbacksDue>(
            "WatchCallbacks",
            [this](const access::Caller&, const v1::WatchCallbacksRequest&, MessageWriter<v1::CallbacksDue>& updates) {
              ++runs_;
              updates.Write(v1::CallbacksDue());
              return absl::OkStatus();
            });
    customers_.ClientStream<v1::ImportCustomersRequest, v1::ImportCustomersResponse>(
        "ImportCustomers", [this](const access::Caller&, MessageReader<v1::ImportCustomersRequest>& messages) {
          ++runs_;
          v1::ImportCustomersRequest message;
          while (messages.Read(message)) {
          }
          return v1::ImportCustomersResponse();
        });
    responses_.AsyncUnary<v1::SubmitResponseRequest, v1::Response>(
        "SubmitResponse", [this](const access::Caller&, const v1::SubmitResponseRequest&, std::optional<v1::AuditEvent>,
                                 Done<v1::Response> done) {
          ++runs_;
          std::move(done)(v1::Response(), /*audit_event_written=*/false);
        });
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&callbacks_);
    builder.RegisterService(&customers_);
    builder.RegisterService(&responses_);
    server_ = builder.BuildAndStart();
  }
  ~GatedSpyServer() { server_->Shutdown(); }

  // A key of `role` (empty: none).
  std::string Key(v1::Role role) {
    v1::ApiKey spec;
    spec.set_display_name("spy");
    spec.set_role(role);
    absl::StatusOr<access::ApiKeyStore::Created> created = keys_.Create(spec, "test", absl::Now());
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? created->key : "";
  }
  std::shared_ptr<grpc::Channel> Channel(const std::string& key) {
    return test_support::AuthorizedChannel(absl::StrCat("127.0.0.1:", port_), key);
  }
  int runs() const { return runs_; }
  rpc::AdmittedService& callbacks() { return callbacks_; }
  rpc::CallGate& gate() { return gate_; }

 private:
  std::unique_ptr<storage::Database> database_;
  access::ApiKeyStore keys_;
  access::KeyAuthenticator authenticator_;
  access::AuditLog audit_log_;
  rpc::CallGate gate_;
  rpc::AdmittedService callbacks_, customers_, responses_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::atomic<int> runs_{0};
};

class CallGateE2eTest : public test_support::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    spy_ = std::make_unique<GatedSpyServer>(*test_database_);
  }

  // Calls each spied method once with `key`; the status of each.
  std::vector<grpc::Status> CallEach(const std::string& key) {
    std::shared_ptr<grpc::Channel> channel = spy_->Channel(key);
    v1::FetchDueCallbacksRequest fetch;
    fetch.set_queue("q");
    v1::WatchCallbacksRequest watch;
    watch.set_queue("q");
    v1::ImportCustomersRequest import;
    v1::SubmitResponseRequest submit;
    submit.set_invitation_token("t");
    return {test_support::GenericCall(channel, "/satisfaction.v1.CallbackService/FetchDueCallbacks",
                                      fetch.SerializeAsString()),
            test_support::GenericCall(channel, "/satisfaction.v1.CallbackService/WatchCallbacks",
                                      watch.SerializeAsString()),
            test_support::GenericStreamCall(channel, "/satisfaction.v1.CustomerService/ImportCustomers",
                                            {import.SerializeAsString(), import.SerializeAsString()}),
            test_support::GenericCall(channel, "/satisfaction.v1.ResponseService/SubmitResponse",
                                      submit.SerializeAsString())};
  }

  std::unique_ptr<GatedSpyServer> spy_;
};

TEST_P(CallGateE2eTest, AHandlerRunsOnlyForAnAdmittedCaller) {
  for (const grpc::Status& status : CallEach("")) EXPECT_EQ(status.error_code(), grpc::UNAUTHENTICATED);
  for (const grpc::Status& status : CallEach("not-a-key-of-this-server-0123456789")) {
    EXPECT_EQ(status.error_code(), grpc::UNAUTHENTICATED);
  }
  for (const grpc::Status& status : CallEach(spy_->Key(v1::ROLE_ANALYST))) {
    EXPECT_EQ(status.error_code(), grpc::PERMISSION_DENIED) << status.error_message();
  }
  EXPECT_EQ(spy_->runs(), 0) << "no handler ran for a refused call";

  std::vector<grpc::Status> admitted = CallEach(spy_->Key(v1::ROLE_ADMIN));
  for (const grpc::Status& status : admitted) EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(spy_->runs(), 4) << "each shape of handler ran once for the admin";
}

TEST_P(CallGateE2eTest, AnUnreadableRequestIsRefusedBeforeItsHandlerRuns) {
  grpc::Status status = test_support::GenericCall(spy_->Channel(spy_->Key(v1::ROLE_ADMIN)),
                                                  "/satisfaction.v1.CallbackService/FetchDueCallbacks", "\xff\xff\xff");
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT) << status.error_message();
  EXPECT_EQ(spy_->runs(), 0);
  grpc::Status refused = test_support::GenericCall(
      spy_->Channel(""), "/satisfaction.v1.CallbackService/FetchDueCallbacks", "\xff\xff\xff");
  EXPECT_EQ(refused.error_code(), grpc::UNAUTHENTICATED) << "who calls is decided before what was sent is read";
}

TEST_P(CallGateE2eTest, UnboundMethodsAreListedForTheServerToRefuseToStart) {
  std::vector<std::string> unbound = spy_->callbacks().UnboundMethods();
  std::set<std::string> names(unbound.begin(), unbound.end());
  EXPECT_EQ(names, (std::set<std::string>{"satisfaction.v1.CallbackService.ReportDisposition",
                                          "satisfaction.v1.CallbackService.ReportDispositions",
                                          "satisfaction.v1.CallbackService.ExtendCallbackLease",
                                          "satisfaction.v1.CallbackService.ReleaseCallback"}));
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(CallGateE2eTest);

using CallGateDeathTest = CallGateE2eTest;

TEST_P(CallGateDeathTest, WiringMistakesStopTheServerFromStarting) {
  auto release = [](const access::Caller&, const v1::ReleaseCallbackRequest&) -> absl::StatusOr<v1::Callback> {
    return v1::Callback();
  };
  auto watch_as_unary = [](const access::Caller&,
                           const v1::WatchCallbacksRequest&) -> absl::StatusOr<v1::CallbacksDue> {
    return v1::CallbacksDue();
  };
  auto fresh = [this] {
    return std::make_unique<rpc::AdmittedService>("satisfaction.v1.CallbackService", spy_->gate());
  };
  EXPECT_DEATH(rpc::AdmittedService("satisfaction.v1.NoSuchService", spy_->gate()), "no generated service");
  EXPECT_DEATH((fresh()->Unary<v1::ReleaseCallbackRequest, v1::Callback>("NoSuchMethod", release)), "has no method");
  EXPECT_DEATH((fresh()->Unary<v1::ReleaseCallbackRequest, v1::Callback>("ExtendCallbackLease", release)),
               "the handler bound takes");
  EXPECT_DEATH((fresh()
                    ->Unary<v1::ReleaseCallbackRequest, v1::Callback>("ReleaseCallback", release)
                    .Unary<v1::ReleaseCallbackRequest, v1::Callback>("ReleaseCallback", release)),
               "bound twice");
  EXPECT_DEATH((fresh()->Unary<v1::WatchCallbacksRequest, v1::CallbacksDue>("WatchCallbacks", watch_as_unary)),
               "wrong streaming shape");
  // A report is audited with its attempt: a handler that would not write the
  // event, or one that would write it for a method the gate audits, is refused.
  auto report = [](const access::Caller&,
                   const v1::ReportDispositionRequest&) -> absl::StatusOr<v1::ReportDispositionResponse> {
    return v1::ReportDispositionResponse();
  };
  EXPECT_DEATH((fresh()->Unary<v1::ReportDispositionRequest, v1::ReportDispositionResponse>("ReportDisposition",
                                                                                           report)),
               "audited in its own write");
  auto audited_release = [](const access::Caller&, const v1::ReleaseCallbackRequest&,
                            AuditInWrite&) -> absl::StatusOr<v1::Callback> { return v1::Callback(); };
  EXPECT_DEATH(
      (fresh()->AuditedUnary<v1::ReleaseCallbackRequest, v1::Callback>("ReleaseCallback", audited_release)),
      "audited by the gate");
}

INSTANTIATE_TEST_SUITE_P(Sqlite, CallGateDeathTest, testing::Values(TestBackend::kSqlite),
                         testing::PrintToStringParamName());

}  // namespace
}  // namespace satisfaction
