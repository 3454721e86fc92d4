// The HTTP server alone, with handlers of the tests' own: routing, limits,
// deadlines, the worker pool and stopping. Times are kept short so that the
// deadlines pass quickly; nothing here asserts how long anything took.
#include "services/http/http_server.h"

#include <atomic>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "tests/support/http_client.h"
#include "tests/support/raw_connection.h"

namespace satisfaction::http {
namespace {

using test_support::HttpGet;
using test_support::HttpReply;
using test_support::RawConnection;
using test_support::SendHttp;

constexpr absl::Duration kPatience = absl::Seconds(10);

std::unique_ptr<HttpServer> StartOrDie(
    Routes routes = {}, HttpServerOptions options = {}, std::function<bool()> is_serving = [] { return true; }) {
  absl::StatusOr<std::unique_ptr<HttpServer>> server =
      HttpServer::Start("127.0.0.1:0", std::move(is_serving), std::move(routes), options);
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

std::unique_ptr<RawConnection> Connect(int port, const std::string& source = "") {
  absl::StatusOr<std::unique_ptr<RawConnection>> connection = RawConnection::Open(port, source);
  EXPECT_TRUE(connection.ok()) << connection.status();
  return connection.ok() ? *std::move(connection) : nullptr;
}

// Whether `received` is one whole HTTP answer: its body as long as its
// Content-Length says.
bool IsWholeAnswer(const std::string& received) {
  size_t length_at = received.find("Content-Length: ");
  size_t body_at = received.find("\r\n\r\n");
  size_t length = 0;
  if (length_at == std::string::npos || body_at == std::string::npos) return false;
  std::string digits = received.substr(length_at + 16, received.find("\r\n", length_at) - length_at - 16);
  return absl::SimpleAtoi(digits, &length) && received.size() - body_at - 4 == length;
}

HttpResponse Text(absl::string_view text) {
  HttpResponse response;
  response.SetContent(std::string(text), "text/plain");
  return response;
}

Routes EchoRoutes() {
  Routes routes;
  routes.Add("POST", "/echo", [](const HttpRequest& request) {
    return Text(absl::StrCat(request.body, " from ", request.remote_address, " as ", request.Header("x-name")));
  });
  routes.AddPrefix("GET", "/items/", [](const HttpRequest& request) {
    return Text(absl::StrCat("item ", request.path.substr(7), " query ", request.query));
  });
  return routes;
}

TEST(HttpServer, HealthzFollowsTheDatabase) {
  std::atomic<bool> serving{true};
  std::unique_ptr<HttpServer> server = StartOrDie({}, {}, [&] { return serving.load(); });
  ASSERT_NE(server, nullptr);
  absl::StatusOr<HttpReply> up = HttpGet(server->port(), "/healthz");
  ASSERT_TRUE(up.ok()) << up.status();
  EXPECT_EQ(up->status, 200);
  EXPECT_EQ(up->body, "SERVING\n");
  EXPECT_EQ(up->Header("Cache-Control"), "no-store");
  serving = false;
  absl::StatusOr<HttpReply> down = HttpGet(server->port(), "/healthz");
  ASSERT_TRUE(down.ok()) << down.status();
  EXPECT_EQ(down->status, 503);
  EXPECT_EQ(down->body, "NOT_SERVING\n");
}

TEST(HttpServer, RoutesGetTheRequestAndUnknownOnesAreRefused) {
  std::unique_ptr<HttpServer> server = StartOrDie(EchoRoutes());
  ASSERT_NE(server, nullptr);
  int port = server->port();
  absl::StatusOr<HttpReply> echo =
      SendHttp(port, {.method = "POST", .target = "/echo", .headers = {{"X-Name", "pat"}}, .body = "hello"});
  ASSERT_TRUE(echo.ok()) << echo.status();
  EXPECT_EQ(echo->status, 200);
  EXPECT_EQ(echo->body, "hello from 127.0.0.1 as pat");
  EXPECT_EQ(echo->Header("Content-Type"), "text/plain");

  absl::StatusOr<HttpReply> item = HttpGet(port, "/items/42?color=red");
  ASSERT_TRUE(item.ok()) << item.status();
  EXPECT_EQ(item->body, "item 42 query color=red");

  absl::StatusOr<HttpReply> head = SendHttp(port, {.method = "HEAD", .target = "/items/7"});
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->body, "");
  EXPECT_EQ(head->Header("Content-Length"), "13") << "the length GET would send";

  absl::StatusOr<HttpReply> missing = HttpGet(port, "/nowhere");
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_EQ(missing->status, 404);
  EXPECT_TRUE(absl::StrContains(missing->body, R"({"error":{"code":404,)")) << missing->body;

  absl::StatusOr<HttpReply> wrong_method = HttpGet(port, "/echo");
  ASSERT_TRUE(wrong_method.ok()) << wrong_method.status();
  EXPECT_EQ(wrong_method->status, 405);
  EXPECT_EQ(wrong_method->Header("Allow"), "POST");
}

TEST(HttpServer, AThrowingHandlerIsAnswered500AndTheServerGoesOn) {
  Routes routes;
  routes.Add("GET", "/broken", [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("a bug"); });
  std::unique_ptr<HttpServer> server = StartOrDie(std::move(routes));
  ASSERT_NE(server, nullptr);
  absl::StatusOr<HttpReply> broken = HttpGet(server->port(), "/broken");
  ASSERT_TRUE(broken.ok()) << broken.status();
  EXPECT_EQ(broken->status, 500);
  EXPECT_FALSE(absl::StrContains(broken->body, "a bug")) << "nothing about the server";
  EXPECT_EQ(HttpGet(server->port(), "/healthz")->status, 200);
}

TEST(HttpServer, OneConnectionCarriesManyRequestsInTurn) {
  std::unique_ptr<HttpServer> server = StartOrDie(EchoRoutes());
  ASSERT_NE(server, nullptr);
  std::unique_ptr<RawConnection> client = Connect(server->port());
  ASSERT_NE(client, nullptr);
  // Three requests sent at once (pipelined): three answers, in order.
  ASSERT_TRUE(
      client->Send("GET /items/1 HTTP/1.1\r\nHost: x\r\n\r\n"
                   "GET /items/2 HTTP/1.1\r\nHost: x\r\n\r\n"
                   "GET /items/3 HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(client->ReadUntil("item 3 query ", kPatience)) << client->received();
  const std::string& received = client->received();
  EXPECT_LT(received.find("item 1"), received.find("item 2"));
  EXPECT_LT(received.find("item 2"), received.find("item 3"));
  ASSERT_TRUE(client->Send("GET /items/4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  EXPECT_TRUE(client->ReadUntilClosed(kPatience)) << "closed after the answer the client asked it to close after";
  EXPECT_TRUE(absl::StrContains(client->received(), "item 4"));
}

TEST(HttpServer, ABodyOverTheLimitIs413) {
  HttpServerOptions options;
  options.max_body_bytes = 1000;
  std::unique_ptr<HttpServer> server = StartOrDie(EchoRoutes(), options);
  ASSERT_NE(server, nullptr);
  absl::StatusOr<HttpReply> fits =
      SendHttp(server->port(), {.method = "POST", .target = "/echo", .body = std::string(1000, 'a')});
  ASSERT_TRUE(fits.ok()) << fits.status();
  EXPECT_EQ(fits->status, 200);
  absl::StatusOr<HttpReply> over =
      SendHttp(server->port(), {.method = "POST", .target = "/echo", .body = std::string(1001, 'a')});
  ASSERT_TRUE(over.ok()) << over.status();
  EXPECT_EQ(over->status, 413);
  EXPECT_TRUE(absl::StrContains(over->body, "over 1000 bytes")) << over->body;
  EXPECT_EQ(over->Header("Connection"), "close");

  // A chunked body is counted as it comes.
  std::unique_ptr<RawConnection> chunked = Connect(server->port());
  ASSERT_NE(chunked, nullptr);
  ASSERT_TRUE(chunked->Send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(chunked->Send(absl::StrCat("190\r\n", std::string(400, 'b'), "\r\n")));
  EXPECT_TRUE(chunked->ReadUntilClosed(kPatience));
  EXPECT_TRUE(absl::StartsWith(chunked->received(), "HTTP/1.1 413 ")) << chunked->received();
}

TEST(HttpServer, AHeadOverTheLimitIs431AndGarbageIs400) {
  HttpServerOptions options;
  options.max_header_bytes = 2000;
  std::unique_ptr<HttpServer> server = StartOrDie(EchoRoutes(), options);
  ASSERT_NE(server, nullptr);
  absl::StatusOr<HttpReply> large =
      SendHttp(server->port(), {.target = "/items/1", .headers = {{"X-Padding", std::string(3000, 'p')}}});
  ASSERT_TRUE(large.ok()) << large.status();
  EXPECT_EQ(large->status, 431);

  std::unique_ptr<RawConnection> garbage = Connect(server->port());
  ASSERT_NE(garbage, nullptr);
  ASSERT_TRUE(garbage->Send("\x16\x03\x01 this is not HTTP\r\n\r\n"));
  EXPECT_TRUE(garbage->ReadUntilClosed(kPatience));
  EXPECT_TRUE(absl::StartsWith(garbage->received(), "HTTP/1.1 400 ")) << garbage->received();
}

TEST(HttpServer, ExpectContinueGetsTheGoAhead) {
  std::unique_ptr<HttpServer> server = StartOrDie(EchoRoutes());
  ASSERT_NE(server, nullptr);
  std::unique_ptr<RawConnection> client = Connect(server->port());
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n"));
  ASSERT_TRUE(client->ReadUntil("HTTP/1.1 100 Continue\r\n\r\n", kPatience)) << client->received();
  ASSERT_TRUE(client->Send("hi"));
  EXPECT_TRUE(client->ReadUntil("hi from 127.0.0.1", kPatience)) << client->received();
}

// A client that sends its head a line at a time never finishes within the
// request deadline, however often it sends: it gets 408 and is closed.
TEST(HttpServer, ARequestNotCompleteByTheDeadlineIs408) {
  HttpServerOptions options;
  options.request_timeout = absl::Milliseconds(300);
  options.idle_timeout = absl::Seconds(30);
  std::unique_ptr<HttpServer> server = StartOrDie(EchoRoutes(), options);
  ASSERT_NE(server, nullptr);
  std::unique_ptr<RawConnection> slow = Connect(server->port());
  ASSERT_NE(slow, nullptr);
  ASSERT_TRUE(slow->Send("GET /items/1 HTTP/1.1\r\n"));
  for (int line = 0; !slow->PeerClosed() && line < 1000; ++line) {
    slow->Send(absl::StrCat("X-Line-", line, ": a\r\n"));
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_TRUE(slow->ReadUntilClosed(kPatience));
  EXPECT_TRUE(absl::StartsWith(slow->received(), "HTTP/1.1 408 ")) << slow->received();
}

TEST(HttpServer, IdleConnectionsAreClosedWithoutAnAnswer) {
  HttpServerOptions options;
  options.idle_timeout = absl::Milliseconds(200);
  std::unique_ptr<HttpServer> server = StartOrDie(EchoRoutes(), options);
  ASSERT_NE(server, nullptr);
  std::unique_ptr<RawConnection> silent = Connect(server->port());
  std::unique_ptr<RawConnection> kept_alive = Connect(server->port());
  ASSERT_NE(silent, nullptr);
  ASSERT_NE(kept_alive, nullptr);
  ASSERT_TRUE(kept_alive->Send("GET /items/1 HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(kept_alive->ReadUntil("item 1 query ", kPatience));
  EXPECT_TRUE(silent->ReadUntilClosed(kPatience)) << "a connection that never sends a request";
  EXPECT_EQ(silent->received(), "");
  EXPECT_TRUE(kept_alive->ReadUntilClosed(kPatience)) << "a kept-alive connection that sends no more";
  EXPECT_TRUE(absl::StrContains(kept_alive->received(), "item 1")) << "only the one answer";
  // The status line: the answer's random X-Request-Id may hold the digits 408.
  EXPECT_FALSE(absl::StrContains(kept_alive->received(), "HTTP/1.1 408"));
}

TEST(HttpServer, ConnectionsBeyondTheCapsAre503AndClosed) {
  HttpServerOptions options;
  options.connections_per_address = 2;
  options.max_connections = 3;
  options.idle_timeout = absl::Minutes(1);
  std::unique_ptr<HttpServer> server = StartOrDie(EchoRoutes(), options);
  ASSERT_NE(server, nullptr);
  int port = server->port();
  std::unique_ptr<RawConnection> first = Connect(port, "127.0.0.2");
  std::unique_ptr<RawConnection> second = Connect(port, "127.0.0.2");
  std::unique_ptr<RawConnection> third_from_same = Connect(port, "127.0.0.2");
  ASSERT_NE(third_from_same, nullptr);
  EXPECT_TRUE(third_from_same->ReadUntilClosed(kPatience));
  EXPECT_TRUE(absl::StartsWith(third_from_same->received(), "HTTP/1.1 503 ")) << third_from_same->received();
  EXPECT_TRUE(absl::StrContains(third_from_same->received(), "Retry-After: 1"));
  EXPECT_TRUE(IsWholeAnswer(third_from_same->received())) << third_from_same->received();

  std::unique_ptr<RawConnection> other = Connect(port, "127.0.0.3");
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(other->Send("GET /items/5 HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(other->ReadUntil("item 5", kPatience)) << "another address has its own share";
  std::unique_ptr<RawConnection> beyond_server_cap = Connect(port, "127.0.0.4");
  ASSERT_NE(beyond_server_cap, nullptr);
  EXPECT_TRUE(beyond_server_cap->ReadUntilClosed(kPatience));
  EXPECT_TRUE(absl::StartsWith(beyond_server_cap->received(), "HTTP/1.1 503 "));

  first.reset();  // frees a place, once the server has noticed
  absl::Time give_up = absl::Now() + kPatience;
  while (server->open_connections() > 2 && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(10));
  absl::StatusOr<HttpReply> admitted = SendHttp(port, {.target = "/items/6", .source_address = "127.0.0.2"});
  ASSERT_TRUE(admitted.ok()) << admitted.status();
  EXPECT_EQ(admitted->status, 200);
}

// Handlers that block stay on the workers: with every worker busy and the
// queue full, the next request is 503 at once, and /healthz still answers.
TEST(HttpServer, BusyWorkersRefuseWith503AndHealthStillAnswers) {
  absl::Notification release;
  std::atomic<int> entered{0};
  Routes routes;
  routes.Add("GET", "/slow", [&](const HttpRequest&) {
    entered.fetch_add(1);
    release.WaitForNotification();
    return Text("done");
  });
  HttpServerOptions options;
  options.workers = 1;
  options.queued_per_worker = 1;
  std::unique_ptr<HttpServer> server = StartOrDie(std::move(routes), options);
  ASSERT_NE(server, nullptr);
  int port = server->port();
  std::unique_ptr<RawConnection> running = Connect(port);
  ASSERT_NE(running, nullptr);
  ASSERT_TRUE(running->Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  while (entered.load() == 0) absl::SleepFor(absl::Milliseconds(1));
  // Two more: the one the server reads first takes the queue's one place,
  // the other is refused at once.
  std::unique_ptr<RawConnection> second = Connect(port);
  std::unique_ptr<RawConnection> third = Connect(port);
  ASSERT_NE(second, nullptr);
  ASSERT_NE(third, nullptr);
  ASSERT_TRUE(second->Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(third->Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  RawConnection* refused = nullptr;
  RawConnection* queued = nullptr;
  absl::Time give_up = absl::Now() + kPatience;
  while (refused == nullptr && absl::Now() < give_up) {
    if (second->ReadUntil("\r\n\r\n", absl::Milliseconds(10))) refused = second.get(), queued = third.get();
    if (third->ReadUntil("\r\n\r\n", absl::Milliseconds(10))) refused = third.get(), queued = second.get();
  }
  ASSERT_NE(refused, nullptr) << "neither was refused";
  EXPECT_TRUE(refused->ReadUntil("}}", kPatience));
  EXPECT_TRUE(absl::StartsWith(refused->received(), "HTTP/1.1 503 ")) << refused->received();
  EXPECT_TRUE(absl::StrContains(refused->received(), "Retry-After: 1"));
  absl::StatusOr<HttpReply> health = HttpGet(port, "/healthz");
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(health->status, 200);

  release.Notify();
  EXPECT_TRUE(running->ReadUntil("done", kPatience));
  EXPECT_TRUE(queued->ReadUntil("done", kPatience)) << "the queued request is answered";
}

TEST(HttpServer, StopAnswersRequestsInFlightAndClosesIdleConnections) {
  absl::Notification entered, release;
  Routes routes;
  routes.Add("GET", "/slow", [&](const HttpRequest&) {
    entered.Notify();
    release.WaitForNotification();
    return Text("done");
  });
  std::unique_ptr<HttpServer> server = StartOrDie(std::move(routes));
  ASSERT_NE(server, nullptr);
  std::unique_ptr<RawConnection> idle = Connect(server->port());
  std::unique_ptr<RawConnection> busy = Connect(server->port());
  ASSERT_NE(idle, nullptr);
  ASSERT_NE(busy, nullptr);
  ASSERT_TRUE(busy->Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  entered.WaitForNotification();
  std::thread stopper([&] { server->Stop(kPatience); });
  EXPECT_TRUE(idle->ReadUntilClosed(kPatience)) << "closed at once";
  EXPECT_EQ(idle->received(), "");
  release.Notify();
  EXPECT_TRUE(busy->ReadUntilClosed(kPatience));
  EXPECT_TRUE(absl::StrContains(busy->received(), "Connection: close")) << busy->received();
  EXPECT_TRUE(absl::StrContains(busy->received(), "done"));
  stopper.join();
  EXPECT_FALSE(HttpGet(server->port(), "/healthz").ok()) << "no longer listening";
}

// A server stopped right after it started must still stop.
TEST(HttpServer, StopsEvenRightAfterStarting) {
  for (int i = 0; i < 100; ++i) {
    std::unique_ptr<HttpServer> server = StartOrDie();
    ASSERT_NE(server, nullptr);
    server->Stop();
  }
}

TEST(HttpServer, BadAddressesAndOptionsAreRefused) {
  for (const char* bad : {"no-port", "127.0.0.1:99999", "127.0.0.1:http", "no.such.host.invalid:0"}) {
    absl::StatusOr<std::unique_ptr<HttpServer>> refused = HttpServer::Start(bad, [] { return true; });
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << bad << ": " << refused.status();
  }
  for (auto spoil : std::vector<std::function<void(HttpServerOptions&)>>{
           [](HttpServerOptions& o) { o.workers = 0; }, [](HttpServerOptions& o) { o.io_threads = 0; },
           [](HttpServerOptions& o) { o.connections_per_address = 0; },
           [](HttpServerOptions& o) { o.idle_timeout = absl::ZeroDuration(); }}) {
    HttpServerOptions options;
    spoil(options);
    EXPECT_EQ(HttpServer::Start(
                  "127.0.0.1:0", [] { return true; }, {}, options)
                  .status()
                  .code(),
              absl::StatusCode::kInvalidArgument);
  }
  absl::StatusOr<std::unique_ptr<HttpServer>> first = HttpServer::Start("127.0.0.1:0", [] { return true; });
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<std::unique_ptr<HttpServer>> same_port =
      HttpServer::Start(absl::StrCat("127.0.0.1:", (*first)->port()), [] { return true; });
  EXPECT_EQ(same_port.status().code(), absl::StatusCode::kUnavailable) << same_port.status();
}

}  // namespace
}  // namespace satisfaction::http

namespace satisfaction::http {
namespace {

// A route whose body is `chunks` lines streamed one by one; `complete`
// says whether the producer finishes, and `written` counts the chunks the
// writer took.
Routes StreamingRoutes(int chunks, bool complete, std::atomic<int>* written) {
  Routes routes;
  routes.Add("GET", "/stream", [chunks, complete, written](const HttpRequest&) {
    HttpResponse response;
    response.SetHeader("Content-Type", "text/csv");
    response.stream = [chunks, complete, written](BodyWriter& body) {
      for (int i = 0; i < chunks; ++i) {
        if (!body.Write(absl::StrCat("line ", i, "\n"))) return false;
        ++*written;
      }
      return complete;
    };
    return response;
  });
  routes.Add("GET", "/plain", [](const HttpRequest&) { return Text("after the stream"); });
  return routes;
}

TEST(HttpServer, AStreamedBodyArrivesInChunksAndTheConnectionGoesOn) {
  std::atomic<int> written{0};
  std::unique_ptr<HttpServer> server = StartOrDie(StreamingRoutes(1000, /*complete=*/true, &written));
  ASSERT_NE(server, nullptr);
  absl::StatusOr<HttpReply> streamed = HttpGet(server->port(), "/stream");
  ASSERT_TRUE(streamed.ok()) << streamed.status();
  EXPECT_EQ(streamed->status, 200);
  EXPECT_EQ(streamed->Header("Transfer-Encoding"), "chunked");
  EXPECT_EQ(streamed->Header("Content-Type"), "text/csv");
  EXPECT_FALSE(streamed->Header("x-request-id").empty());
  std::string expected;
  for (int i = 0; i < 1000; ++i) absl::StrAppend(&expected, "line ", i, "\n");
  EXPECT_EQ(streamed->body, expected);

  // The same connection answers the next request after the last chunk.
  std::unique_ptr<RawConnection> connection = Connect(server->port());
  ASSERT_NE(connection, nullptr);
  ASSERT_TRUE(connection->Send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\nGET /plain HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(connection->ReadUntil("after the stream", kPatience)) << connection->received();
  EXPECT_NE(connection->received().find("line 999\n\r\n0\r\n\r\n"), std::string::npos);
}

TEST(HttpServer, AnHttp10ClientGetsTheStreamUntilTheConnectionCloses) {
  std::atomic<int> written{0};
  std::unique_ptr<HttpServer> server = StartOrDie(StreamingRoutes(3, /*complete=*/true, &written));
  ASSERT_NE(server, nullptr);
  std::unique_ptr<RawConnection> connection = Connect(server->port());
  ASSERT_NE(connection, nullptr);
  ASSERT_TRUE(connection->Send("GET /stream HTTP/1.0\r\n\r\n"));
  ASSERT_TRUE(connection->ReadUntilClosed(kPatience));
  const std::string& received = connection->received();
  EXPECT_EQ(received.find("chunked"), std::string::npos) << received;
  EXPECT_TRUE(absl::EndsWith(received, "\r\n\r\nline 0\nline 1\nline 2\n")) << received;
}

TEST(HttpServer, AStreamThatFailsEndsWithoutItsLastChunk) {
  std::atomic<int> written{0};
  std::unique_ptr<HttpServer> server = StartOrDie(StreamingRoutes(2, /*complete=*/false, &written));
  ASSERT_NE(server, nullptr);
  std::unique_ptr<RawConnection> connection = Connect(server->port());
  ASSERT_NE(connection, nullptr);
  ASSERT_TRUE(connection->Send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(connection->ReadUntilClosed(kPatience)) << "the server closes a stream that failed";
  EXPECT_NE(connection->received().find("line 1\n"), std::string::npos);
  EXPECT_EQ(connection->received().find("\r\n0\r\n\r\n"), std::string::npos)
      << "no last chunk: the client sees an error";
}

TEST(HttpServer, AClientThatGoesAwayStopsTheProducer) {
  std::atomic<int> written{0};
  // Far more than the socket buffers hold.
  std::unique_ptr<HttpServer> server = StartOrDie(StreamingRoutes(10'000'000, /*complete=*/true, &written));
  ASSERT_NE(server, nullptr);
  {
    std::unique_ptr<RawConnection> connection = Connect(server->port());
    ASSERT_NE(connection, nullptr);
    ASSERT_TRUE(connection->Send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(connection->ReadUntil("line 10\n", kPatience));
  }  // closed without reading on
  // The writer then fails and the producer stops; a worker is free again.
  absl::Time deadline = absl::Now() + kPatience;
  int seen = -1;
  while (absl::Now() < deadline && written.load() != seen) {
    seen = written.load();
    absl::SleepFor(absl::Milliseconds(200));
  }
  int stopped_at = written.load();
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_EQ(written.load(), stopped_at) << "the producer still writes to a client gone";
  EXPECT_LT(stopped_at, 10'000'000);
  absl::StatusOr<HttpReply> plain = HttpGet(server->port(), "/plain");
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->body, "after the stream");
}

}  // namespace
}  // namespace satisfaction::http
