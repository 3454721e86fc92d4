#include "services/http/http_server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "services/http/http_connection.h"

namespace satisfaction::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// What a connection beyond a cap is told before it is closed.
const std::string& TooManyConnectionsAnswer() {
  static const std::string answer = [] {
    HttpResponse refusal = JsonError(503, "too many connections; try again");
    std::string head = "HTTP/1.1 503 Service Unavailable\r\n";
    for (const auto& [name, value] : refusal.headers) absl::StrAppend(&head, name, ": ", value, "\r\n");
    return absl::StrCat(head, "Retry-After: 1\r\nConnection: close\r\nContent-Length: ", refusal.body.size(),
                        "\r\n\r\n", refusal.body);
  }();
  return answer;
}

// Out of file descriptors (or kernel memory) accepting: wait before trying
// again rather than spin.
constexpr auto kAcceptRetryPause = std::chrono::milliseconds(100);
// Refusals and accept failures go to the log at most this often.
constexpr absl::Duration kReportInterval = absl::Minutes(1);
// What a refused connection may have sent already and is read before closing.
constexpr int kRefusedReads = 16;

// Tells a connection beyond a cap why, without waiting on it: a fresh
// socket's buffer takes the short answer at once, and whatever request has
// arrived is read so that closing does not reset the connection before the
// client reads the answer.
void Refuse(tcp::socket& socket) {
  boost::system::error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(asio::buffer(TooManyConnectionsAnswer()), ignored);
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  char discard[4096];
  for (int i = 0; i < kRefusedReads && socket.read_some(asio::buffer(discard), ignored) > 0; ++i) {
  }
  socket.close(ignored);
}

}  // namespace

struct HttpServer::Impl {
  Impl(HttpServerOptions options, Routes routes)
      : context(options, std::move(routes)),
        keep_running(io.get_executor()),
        acceptor(asio::make_strand(io)),
        retry_timer(acceptor.get_executor()) {}

  void Accept();
  void OnAccept(boost::system::error_code error, tcp::socket socket);
  void NoteRefusal(ConnectionLimits::Admission admission);

  // Declared first, destroyed last: connections still held by handlers in
  // `io` release their place in it when `io` is destroyed.
  ConnectionContext context;
  asio::io_context io;
  // Keeps the I/O threads running while no socket operation is pending (when
  // stopping, the last requests may still be on the workers).
  asio::executor_work_guard<asio::io_context::executor_type> keep_running;
  tcp::acceptor acceptor;
  asio::steady_timer retry_timer;
  std::vector<std::thread> threads;
  bool stopped = false;
  // Refusals since the last report, which goes to the log at most once a minute.
  int refused_per_address = 0, refused_server_full = 0;
  absl::Time last_report = absl::InfinitePast();
  absl::Time last_accept_failure_report = absl::InfinitePast();
};

void HttpServer::Impl::Accept() {
  acceptor.async_accept(asio::make_strand(io), [this](boost::system::error_code error, tcp::socket socket) {
    OnAccept(error, std::move(socket));
  });
}

void HttpServer::Impl::OnAccept(boost::system::error_code error, tcp::socket socket) {
  if (error == asio::error::operation_aborted || context.stopping) return;
  if (error) {
    if (absl::Time now = absl::Now(); now - last_accept_failure_report >= kReportInterval) {
      spdlog::warn("HTTP accept failed (reported once a minute), pausing {} ms each time: {}",
                   kAcceptRetryPause.count(), error.message());
      last_accept_failure_report = now;
    }
    retry_timer.expires_after(kAcceptRetryPause);
    retry_timer.async_wait([this](boost::system::error_code error) {
      if (!error && !context.stopping) Accept();
    });
    return;
  }
  boost::system::error_code ignored;
  std::string address = socket.remote_endpoint(ignored).address().to_string();
  ConnectionLimits::Admission admission = context.limits.Admit(address);
  if (admission == ConnectionLimits::Admission::kAdmitted) {
    std::make_shared<HttpConnection>(std::move(socket), address, context)->Start();
  } else {
    Refuse(socket);
    NoteRefusal(admission);
  }
  Accept();
}

void HttpServer::Impl::NoteRefusal(ConnectionLimits::Admission admission) {
  ++(admission == ConnectionLimits::Admission::kAddressFull ? refused_per_address : refused_server_full);
  absl::Time now = absl::Now();
  if (now - last_report < kReportInterval) return;
  spdlog::warn(
      "HTTP connections refused with 503: {} from addresses with --http-connections-per-address ({}) open, {} with "
      "--http-max-connections ({}) open",
      refused_per_address, context.options.connections_per_address, refused_server_full,
      context.options.max_connections);
  refused_per_address = refused_server_full = 0;
  last_report = now;
}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(const std::string& listen,
                                                              std::function<bool()> is_serving, Routes routes,
                                                              HttpServerOptions options) {
  size_t colon = listen.rfind(':');
  int port = -1;
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("HTTP listen address '", listen, "' is not HOST:PORT"));
  }
  if (options.io_threads < 1 || options.workers < 1 || options.queued_per_worker < 1 || options.max_connections < 1 ||
      options.connections_per_address < 1 || options.request_timeout <= absl::ZeroDuration() ||
      options.idle_timeout <= absl::ZeroDuration() || options.max_header_bytes < 1024 || options.max_body_bytes < 1) {
    return absl::InvalidArgumentError("HTTP server options: counts and times must be positive, heads 1 KiB at least");
  }
  // [::1] is how addresses are written; the resolver wants ::1.
  absl::string_view host = absl::string_view(listen).substr(0, colon);
  if (absl::ConsumePrefix(&host, "[")) absl::ConsumeSuffix(&host, "]");

  routes.Add(
      "GET", "/healthz",
      [is_serving = std::move(is_serving)](const HttpRequest&) {
        bool serving = is_serving();
        HttpResponse response;
        response.status = serving ? 200 : 503;
        response.SetHeader("Cache-Control", "no-store");
        response.SetContent(serving ? "SERVING\n" : "NOT_SERVING\n", "text/plain; charset=utf-8");
        return response;
      },
      Dispatch::kIoThread);
  auto impl = std::make_unique<Impl>(options, std::move(routes));

  boost::system::error_code error;
  tcp::resolver resolver(impl->io);
  tcp::resolver::results_type endpoints =
      resolver.resolve(std::string(host), std::to_string(port), tcp::resolver::passive, error);
  if (error || endpoints.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("HTTP listen address '", listen, "': ", error.message()));
  }
  tcp::endpoint endpoint = endpoints.begin()->endpoint();
  tcp::acceptor& acceptor = impl->acceptor;
  if (acceptor.open(endpoint.protocol(), error) || acceptor.set_option(tcp::acceptor::reuse_address(true), error) ||
      acceptor.bind(endpoint, error) || acceptor.listen(asio::socket_base::max_listen_connections, error)) {
    return absl::UnavailableError(absl::StrCat("cannot listen for HTTP on ", listen, ": ", error.message()));
  }
  int bound_port = acceptor.local_endpoint(error).port();
  if (error) return absl::UnavailableError(absl::StrCat("cannot listen for HTTP on ", listen, ": ", error.message()));

  impl->Accept();
  for (int i = 0; i < options.io_threads; ++i) impl->threads.emplace_back([io = &impl->io] { io->run(); });
  std::unique_ptr<HttpServer> server(new HttpServer(std::move(impl)));
  server->port_ = bound_port;
  return server;
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

int HttpServer::open_connections() const { return impl_->context.limits.open_connections(); }

void HttpServer::Stop(absl::Duration grace) {
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->context.stopping = true;
  asio::post(impl_->acceptor.get_executor(), [impl = impl_.get()] {
    boost::system::error_code ignored;
    impl->acceptor.close(ignored);
    impl->retry_timer.cancel();
  });
  for (const std::shared_ptr<HttpConnection>& connection : impl_->context.Open()) connection->Close();
  absl::Time give_up = absl::Now() + grace;
  while (impl_->context.limits.open_connections() > 0 && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  impl_->io.stop();
  for (std::thread& thread : impl_->threads) thread.join();
  // Requests still waiting for a worker are dropped with their connections.
  impl_->context.workers.Stop();
  boost::system::error_code ignored;
  impl_->acceptor.close(ignored);
}

}  // namespace satisfaction::http
