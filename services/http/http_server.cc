#include "services/http/http_server.h"

#include <httplib.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

namespace satisfaction::http {

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(const std::string& listen,
                                                              std::function<bool()> is_serving,
                                                              const std::function<void(httplib::Server&)>& routes) {
  size_t colon = listen.rfind(':');
  int port = -1;
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &port)) {
    return absl::InvalidArgumentError(absl::StrCat("HTTP listen address '", listen, "' is not HOST:PORT"));
  }
  std::string host = listen.substr(0, colon);
  // [::1] is how addresses are written; the socket wants ::1.
  absl::string_view bare_host = host;
  if (absl::ConsumePrefix(&bare_host, "[")) absl::ConsumeSuffix(&bare_host, "]");

  std::unique_ptr<HttpServer> http(new HttpServer());
  http->server_ = std::make_unique<httplib::Server>();
  httplib::Server& server = *http->server_;
  server.set_payload_max_length(64 << 10);
  server.set_read_timeout(10, 0);
  server.set_write_timeout(10, 0);
  server.Get("/healthz", [is_serving](const httplib::Request&, httplib::Response& response) {
    bool serving = is_serving();
    response.status = serving ? 200 : 503;
    response.set_header("Cache-Control", "no-store");
    response.set_content(serving ? "SERVING\n" : "NOT_SERVING\n", "text/plain; charset=utf-8");
  });

  if (routes) routes(server);

  std::string bind_host(bare_host);
  if (port == 0) {
    http->port_ = server.bind_to_any_port(bind_host);
  } else {
    http->port_ = server.bind_to_port(bind_host, port) ? port : -1;
  }
  if (http->port_ < 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen for HTTP on ", listen));
  }
  http->thread_ = std::thread([&server] { server.listen_after_bind(); });
  // httplib's stop() does nothing until the serving thread has marked itself
  // running; a stop before that would leave the thread in accept() forever.
  absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (!server.is_running()) {
    if (absl::Now() > give_up) {
      return absl::InternalError(absl::StrCat("the HTTP server on ", listen, " did not start"));
    }
    absl::SleepFor(absl::Milliseconds(1));
  }
  return http;
}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace satisfaction::http
