#include "services/http/http_server.h"

#include <httplib.h>

#include <atomic>

#include "gtest/gtest.h"

namespace satisfaction::http {
namespace {

TEST(HttpServer, HealthzFollowsTheDatabase) {
  std::atomic<bool> serving{true};
  absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Start("127.0.0.1:0", [&] { return serving.load(); });
  ASSERT_TRUE(server.ok()) << server.status();
  httplib::Client client("127.0.0.1", (*server)->port());
  httplib::Result up = client.Get("/healthz");
  ASSERT_TRUE(up);
  EXPECT_EQ(up->status, 200);
  EXPECT_EQ(up->body, "SERVING\n");
  serving = false;
  httplib::Result down = client.Get("/healthz");
  ASSERT_TRUE(down);
  EXPECT_EQ(down->status, 503);
}

// A server stopped right after it started must still stop: httplib ignores a
// stop() that comes before its serving thread runs (this once hung a test).
TEST(HttpServer, StopsEvenRightAfterStarting) {
  for (int i = 0; i < 300; ++i) {
    absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Start("127.0.0.1:0", [] { return true; });
    ASSERT_TRUE(server.ok()) << server.status();
    (*server)->Stop();
  }
}

TEST(HttpServer, BadAddressesAreRefused) {
  EXPECT_FALSE(HttpServer::Start("no-port", [] { return true; }).ok());
}

}  // namespace
}  // namespace satisfaction::http
