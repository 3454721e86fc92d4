#ifndef SATISFACTION_SERVICES_HTTP_HTTP_SERVER_H_
#define SATISFACTION_SERVICES_HTTP_HTTP_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"

namespace httplib {
class Server;
}

namespace satisfaction::http {

// The server's HTTP face: GET /healthz (200 while the database answers, 503
// otherwise) for load balancers and orchestrators that speak HTTP rather than
// gRPC health checks, and whatever `routes` adds (the survey site).
class HttpServer {
 public:
  // Binds `listen` (HOST:PORT, port 0 for any free one) and serves on a thread
  // of its own. `is_serving` is asked on every health check.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(const std::string& listen, std::function<bool()> is_serving,
                                                           const std::function<void(httplib::Server&)>& routes = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const { return port_; }
  // Stops accepting and waits for the serving thread.
  void Stop();

 private:
  HttpServer() = default;

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace satisfaction::http

#endif  // SATISFACTION_SERVICES_HTTP_HTTP_SERVER_H_
