#ifndef SATISFACTION_SERVICES_HTTP_HTTP_SERVER_H_
#define SATISFACTION_SERVICES_HTTP_HTTP_SERVER_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/http/routes.h"

namespace satisfaction::http {

// How much the HTTP face lets clients hold, and for how long. The defaults
// hold thousands of idle or slow clients while answering the rest.
struct HttpServerOptions {
  // Threads that read and write sockets; handlers never block them.
  int io_threads = 2;
  // Threads for handlers that may block (the database), and how many requests
  // may wait for one of them per thread before the next is refused with 503.
  int workers = 16;
  int queued_per_worker = 16;
  // Connections held at once, in all and from one client address. Beyond
  // either, a new connection is answered 503 and closed at once.
  int max_connections = 2048;
  int connections_per_address = 64;
  // How long a request's head and body may take to arrive, counted from its
  // first byte (then 408 and the connection closes); also the bound on
  // writing each response.
  absl::Duration request_timeout = absl::Seconds(10);
  // How long a connection may wait for the first byte of a request, a new
  // connection or a kept-alive one, before it is closed.
  absl::Duration idle_timeout = absl::Seconds(5);
  // Beyond these the request is refused: 431 for the head, 413 for the body.
  size_t max_header_bytes = 16 << 10;
  size_t max_body_bytes = 64 << 10;
  // Told of every answer (on an I/O thread: it must be cheap): the route's
  // path ("unread" for a request that could not be read, "other" for one no
  // route takes), the status, and the time from the request's first byte.
  std::function<void(const std::string& route, int status, absl::Duration took)> on_answer;
};

// The server's HTTP face, event-driven (Boost.Beast): GET /healthz (200 while
// the database answers, 503 otherwise) for load balancers and orchestrators
// that speak HTTP rather than gRPC health checks, and whatever `routes` adds
// (the survey site). Slow and idle clients cost a socket and a timer each,
// never a thread: a few I/O threads serve every connection, and handlers
// that may block run on a bounded worker pool.
class HttpServer {
 public:
  // Binds `listen` (HOST:PORT, port 0 for any free one) and serves. /healthz
  // asks `is_serving` on an I/O thread: it must not block (read an atomic).
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(const std::string& listen, std::function<bool()> is_serving,
                                                           Routes routes = {}, HttpServerOptions options = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const { return port_; }
  // Connections open now (each counted until it is closed).
  int open_connections() const;

  // Stops accepting, closes connections waiting for a request, lets requests
  // in flight be answered (with Connection: close) for up to `grace`, then
  // closes whatever is left and joins every thread. Safe to call more than once.
  void Stop(absl::Duration grace = absl::ZeroDuration());

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace satisfaction::http

#endif  // SATISFACTION_SERVICES_HTTP_HTTP_SERVER_H_
