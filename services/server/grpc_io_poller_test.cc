#include "services/server/grpc_io_poller.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "absl/synchronization/notification.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace satisfaction::server {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// Check answered through the callback API, Watch on a sync thread: a server
// gRPC treats as hybrid, like ours.
class HybridHealth final : public Health::WithCallbackMethod_Check<Health::Service> {
 public:
  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context, const HealthCheckRequest*,
                                  HealthCheckResponse* response) override {
    response->set_status(HealthCheckResponse::SERVING);
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  grpc::Status Watch(grpc::ServerContext*, const HealthCheckRequest*,
                     grpc::ServerWriter<HealthCheckResponse>* writer) override {
    HealthCheckResponse response;
    response.set_status(HealthCheckResponse::SERVING);
    writer->Write(response);
    return grpc::Status::OK;
  }
};

// Watch alone, on a sync thread.
class SyncHealth final : public Health::Service {
 public:
  grpc::Status Watch(grpc::ServerContext*, const HealthCheckRequest*,
                     grpc::ServerWriter<HealthCheckResponse>* writer) override {
    writer->Write(HealthCheckResponse());
    return grpc::Status::OK;
  }
};

// A deadline on every call, so that a call nobody answers fails the test
// instead of hanging it.
std::unique_ptr<grpc::ClientContext> ContextWithDeadline() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return context;
}

struct TestServer {
  std::unique_ptr<GrpcIoPoller> poller;
  std::unique_ptr<grpc::Server> server;
  std::shared_ptr<grpc::Channel> channel;
};

TestServer Serve(grpc::Service& service) {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  TestServer test;
  test.poller = std::make_unique<GrpcIoPoller>(builder);
  test.server = builder.BuildAndStart();
  test.channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials());
  return test;
}

TEST(GrpcIoPollerTest, HybridServerAnswersCallbackAndSyncCallsAndStops) {
  HybridHealth service;
  TestServer test = Serve(service);
  ASSERT_NE(test.server, nullptr);
  std::unique_ptr<Health::Stub> stub = Health::NewStub(test.channel);

  for (int i = 0; i < 20; ++i) {
    std::unique_ptr<grpc::ClientContext> context = ContextWithDeadline();
    HealthCheckResponse response;
    ASSERT_TRUE(stub->Check(context.get(), HealthCheckRequest(), &response).ok());
    EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);

    std::unique_ptr<grpc::ClientContext> watch_context = ContextWithDeadline();
    std::unique_ptr<grpc::ClientReader<HealthCheckResponse>> reader =
        stub->Watch(watch_context.get(), HealthCheckRequest());
    ASSERT_TRUE(reader->Read(&response));
    EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
    EXPECT_FALSE(reader->Read(&response));
    ASSERT_TRUE(reader->Finish().ok());
  }

  test.server->Shutdown();
  test.server->Wait();
  test.poller->Stop();
  test.poller->Stop();  // a second time changes nothing
}

// The polled queue makes even a server of sync methods alone a hybrid, and
// gRPC may route calls to unknown methods to that queue (1.51 leaves them to
// the sync threads): either way they are answered.
TEST(GrpcIoPollerTest, UnknownMethodsAreAnsweredUnimplemented) {
  SyncHealth service;
  TestServer test = Serve(service);
  ASSERT_NE(test.server, nullptr);

  grpc::GenericStub stub(test.channel);
  for (int i = 0; i < 3; ++i) {
    std::unique_ptr<grpc::ClientContext> context = ContextWithDeadline();
    grpc::Slice empty(std::string(""));
    grpc::ByteBuffer request(&empty, 1), response;
    absl::Notification done;
    grpc::Status status;
    stub.UnaryCall(context.get(), "/satisfaction.test.Nothing/Call", grpc::StubOptions(), &request, &response,
                   [&](grpc::Status sent) {
                     status = std::move(sent);
                     done.Notify();
                   });
    done.WaitForNotification();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED) << status.error_message();
  }

  test.server->Shutdown();
  test.server->Wait();
  test.poller->Stop();
}

TEST(GrpcIoPollerTest, StopsWhenNoServerWasBuilt) {
  grpc::ServerBuilder builder;
  GrpcIoPoller poller(builder);
  poller.Stop();
}

}  // namespace
}  // namespace satisfaction::server
