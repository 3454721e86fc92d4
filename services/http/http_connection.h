#ifndef SATISFACTION_SERVICES_HTTP_HTTP_CONNECTION_H_
#define SATISFACTION_SERVICES_HTTP_HTTP_CONNECTION_H_

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "services/http/connection_limits.h"
#include "services/http/http_server.h"
#include "services/http/routes.h"
#include "services/http/worker_pool.h"

namespace satisfaction::http {

class HttpConnection;

// What every connection of one server shares. It outlives them all.
struct ConnectionContext {
  ConnectionContext(HttpServerOptions options, Routes routes)
      : options(options),
        routes(std::move(routes)),
        limits(options.max_connections, options.connections_per_address),
        workers(options.workers, options.workers * options.queued_per_worker) {}

  void Register(const std::shared_ptr<HttpConnection>& connection);
  void Unregister(HttpConnection* connection);
  // The connections open now.
  std::vector<std::shared_ptr<HttpConnection>> Open();

  const HttpServerOptions options;
  const Routes routes;
  ConnectionLimits limits;
  WorkerPool workers;
  std::atomic<bool> stopping{false};

 private:
  absl::Mutex mutex_;
  absl::flat_hash_map<HttpConnection*, std::weak_ptr<HttpConnection>> open_ ABSL_GUARDED_BY(mutex_);
};

// One client connection: reads requests one at a time, each within its
// deadlines and size limits, hands them to their route, and writes the
// answers. Everything it does runs on its socket's strand; it lives as long
// as an operation of its own is pending, and holds its place in the
// context's limits until then.
class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  // `socket` was admitted for `remote_address` by context.limits.
  HttpConnection(boost::asio::ip::tcp::socket socket, std::string remote_address, ConnectionContext& context);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  void Start();
  // Ends the connection for a stopping server: at once if it waits for or
  // reads a request, after the answer if one is being made. Any thread.
  void Close();

 private:
  enum class State { kIdle, kReading, kHandling, kWriting, kLingering, kClosed };
  // After an answer: wait for the next request, or close (draining what the
  // client still sends when its request was not read to the end).
  enum class Then { kKeepAlive, kClose, kLingerAndClose };

  void AwaitRequest();
  void ReadHead();
  void OnHead(boost::beast::error_code error);
  void ReadBody();
  void OnRequest(boost::beast::error_code error);
  void RefuseUnreadable(boost::beast::error_code error);
  void Route();
  void Respond(HttpResponse response, Then then);
  // Answers with a streamed body, producing it on the calling worker thread.
  void StreamFromWorker(HttpResponse response);
  // Fills response_'s status line and headers, logs the answer; what to do
  // after it.
  Then PrepareHead(HttpResponse& answer, Then then);
  // From a worker: runs `write` (which starts one write and calls its
  // argument when it ends) on the strand, and waits; whether it succeeded.
  bool WriteAndWait(std::function<void(std::function<void(bool)>)> write);
  void OnWritten(boost::beast::error_code error, Then then);
  void Linger();
  void Discard();
  void Shutdown();
  // Cancels the socket's operations when `timeout` passes before the next Arm or Disarm.
  void Arm(absl::Duration timeout);
  void Disarm();

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;
  const std::string remote_address_;
  ConnectionContext& context_;
  State state_ = State::kIdle;
  bool timed_out_ = false;
  bool closing_ = false;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  // Of the request being answered.
  absl::Time started_;
  std::string route_label_;
  std::string method_;
  // The client's X-Request-Id if fit to log, else one of the server's own:
  // sent back, and in the request's log line.
  std::string request_id_;
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool head_ = false;
  boost::beast::http::response<boost::beast::http::string_body> response_;
  size_t discarded_ = 0;
};

}  // namespace satisfaction::http

#endif  // SATISFACTION_SERVICES_HTTP_HTTP_CONNECTION_H_
