#include "services/http/http_connection.h"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <exception>
#include <future>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/log_format.h"
#include "services/common/request_id.h"

namespace satisfaction::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

// How long, and how much, a connection closed on an unread request keeps
// reading what the client still sends, so that closing does not reset the
// connection before the client has read why.
constexpr absl::Duration kLingerTime = absl::Seconds(2);
constexpr size_t kLingerBytes = 256 << 10;
constexpr size_t kReadChunk = 4096;

constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";

std::string Text(beast::string_view text) { return std::string(text.data(), text.size()); }

HttpRequest ToHttpRequest(bhttp::request<bhttp::string_body>&& message, const std::string& remote_address) {
  HttpRequest request;
  request.method = Text(message.method_string());
  std::string target = Text(message.target());
  size_t question = target.find('?');
  request.path = target.substr(0, question);
  if (question != std::string::npos) request.query = target.substr(question + 1);
  for (const auto& field : message) request.headers.emplace_back(Text(field.name_string()), Text(field.value()));
  request.body = std::move(message.body());
  request.remote_address = remote_address;
  return request;
}

// Handlers answer errors as values; an exception is a bug, answered 500
// rather than taking the process down.
HttpResponse RunHandler(const Routes::Route& route, const HttpRequest& request) {
  try {
    return route.handler(request);
  } catch (const std::exception& e) {
    spdlog::error("HTTP {} {} failed: {}", request.method, route.path, e.what());
  } catch (...) {
    spdlog::error("HTTP {} {} failed", request.method, route.path);
  }
  return JsonError(500, "internal error");
}

// One line per answer, like the gRPC call log: probes only at debug, server
// faults at warn.
void LogAnswer(const std::string& method, const std::string& route, int status, absl::Duration took,
               const std::string& request_id) {
  spdlog::level::level_enum level = status >= 500         ? spdlog::level::warn
                                    : route == "/healthz" ? spdlog::level::debug
                                                          : spdlog::level::info;
  if (!spdlog::should_log(level)) return;
  LogEvent(level, "http",
           {LogField::Word("method", method.empty() ? "-" : method), LogField::Word("route", route),
            LogField::Number("status", status, 0), LogField::Number("duration_ms", absl::ToDoubleMilliseconds(took), 2),
            LogField::Word("request_id", request_id)});
}

HttpResponse Busy() {
  HttpResponse response = JsonError(503, "the service is busy; try again shortly");
  response.SetHeader("Retry-After", "1");
  return response;
}

}  // namespace

void ConnectionContext::Register(const std::shared_ptr<HttpConnection>& connection) {
  absl::MutexLock lock(&mutex_);
  open_[connection.get()] = connection;
}

void ConnectionContext::Unregister(HttpConnection* connection) {
  absl::MutexLock lock(&mutex_);
  open_.erase(connection);
}

std::vector<std::shared_ptr<HttpConnection>> ConnectionContext::Open() {
  std::vector<std::shared_ptr<HttpConnection>> open;
  absl::MutexLock lock(&mutex_);
  for (const auto& [pointer, weak] : open_) {
    if (std::shared_ptr<HttpConnection> connection = weak.lock()) open.push_back(std::move(connection));
  }
  return open;
}

HttpConnection::HttpConnection(asio::ip::tcp::socket socket, std::string remote_address, ConnectionContext& context)
    : socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      remote_address_(std::move(remote_address)),
      context_(context) {}

HttpConnection::~HttpConnection() {
  context_.Unregister(this);
  context_.limits.Release(remote_address_);
}

void HttpConnection::Start() {
  context_.Register(shared_from_this());
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] { self->AwaitRequest(); });
}

void HttpConnection::Close() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    self->closing_ = true;
    if (self->state_ == State::kIdle || self->state_ == State::kReading) self->Shutdown();
  });
}

void HttpConnection::Arm(absl::Duration timeout) {
  timed_out_ = false;
  timer_.expires_after(absl::ToChronoNanoseconds(timeout));
  timer_.async_wait([self = shared_from_this()](beast::error_code error) {
    // A wait cancelled, or overtaken by a later Arm, has nothing to do.
    if (error || self->timer_.expiry() > asio::steady_timer::clock_type::now()) return;
    self->timed_out_ = true;
    beast::error_code ignored;
    self->socket_.cancel(ignored);
  });
}

// A far expiry rather than cancel(): a wait that already expired but has not
// run yet then finds its deadline moved, and does nothing.
void HttpConnection::Disarm() { timer_.expires_at(asio::steady_timer::time_point::max()); }

// Waits for the first byte of a request with the idle timeout: a client that
// keeps a connection open without using it is closed, without an answer.
void HttpConnection::AwaitRequest() {
  if (closing_ || context_.stopping) return Shutdown();
  state_ = State::kIdle;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(context_.options.max_header_bytes));
  parser_->body_limit(context_.options.max_body_bytes);
  if (buffer_.size() > 0) return ReadHead();  // the next request came with the last
  Arm(context_.options.idle_timeout);
  socket_.async_read_some(buffer_.prepare(kReadChunk),
                          [self = shared_from_this()](beast::error_code error, size_t bytes) {
                            if (error || self->state_ == State::kClosed) return self->Shutdown();
                            self->buffer_.commit(bytes);
                            self->ReadHead();
                          });
}

// From a request's first byte, its head and body together have the request
// timeout: a client sending a header line now and then cannot hold the
// connection longer.
void HttpConnection::ReadHead() {
  state_ = State::kReading;
  started_ = absl::Now();
  route_label_ = "unread";
  method_.clear();
  request_id_.clear();
  Arm(context_.options.request_timeout);
  bhttp::async_read_header(socket_, buffer_, *parser_,
                           [self = shared_from_this()](beast::error_code error, size_t) { self->OnHead(error); });
}

void HttpConnection::OnHead(beast::error_code error) {
  if (error) return RefuseUnreadable(error);
  if (parser_->is_done()) return OnRequest(error);
  const auto& head = parser_->get();
  if (head.version() >= 11 && absl::EqualsIgnoreCase(Text(head[bhttp::field::expect]), "100-continue")) {
    // The client waits for a go-ahead before it sends the body.
    return asio::async_write(socket_, asio::buffer(kContinue, sizeof(kContinue) - 1),
                             [self = shared_from_this()](beast::error_code error, size_t) {
                               if (error) return self->Shutdown();
                               self->ReadBody();
                             });
  }
  ReadBody();
}

void HttpConnection::ReadBody() {
  bhttp::async_read(socket_, buffer_, *parser_,
                    [self = shared_from_this()](beast::error_code error, size_t) { self->OnRequest(error); });
}

void HttpConnection::OnRequest(beast::error_code error) {
  if (error) return RefuseUnreadable(error);
  Disarm();
  Route();
}

// Answers a request that could not be read whole, and closes: the rest of
// the connection can no longer be told apart into requests.
void HttpConnection::RefuseUnreadable(beast::error_code error) {
  if (state_ == State::kClosed || (closing_ && !timed_out_)) return Shutdown();
  keep_alive_ = false;
  version_ = 11;
  head_ = false;
  if (timed_out_) return Respond(JsonError(408, "the request took too long to arrive"), Then::kLingerAndClose);
  if (error == bhttp::error::header_limit) {
    return Respond(
        JsonError(431, absl::StrCat("the request head is over ", context_.options.max_header_bytes, " bytes")),
        Then::kLingerAndClose);
  }
  if (error == bhttp::error::body_limit) {
    return Respond(JsonError(413, absl::StrCat("the body is over ", context_.options.max_body_bytes, " bytes")),
                   Then::kLingerAndClose);
  }
  if (error == bhttp::error::end_of_stream || error == asio::error::eof || error == asio::error::connection_reset ||
      error == asio::error::operation_aborted || error == bhttp::error::partial_message) {
    return Shutdown();  // the client went away
  }
  Respond(JsonError(400, "not an HTTP/1.1 request"), Then::kLingerAndClose);
}

void HttpConnection::Route() {
  state_ = State::kHandling;
  bhttp::request<bhttp::string_body> message = parser_->release();
  version_ = message.version();
  keep_alive_ = message.keep_alive();
  head_ = message.method() == bhttp::verb::head;
  HttpRequest request = ToHttpRequest(std::move(message), remote_address_);
  method_ = request.method;
  request_id_ = ChooseRequestId(request.Header(kRequestIdMetadata));
  int status = 404;
  std::string allowed;
  const Routes::Route* route = context_.routes.Find(request.method, request.path, &status, &allowed);
  route_label_ = route != nullptr ? route->path : "other";
  if (route == nullptr) {
    HttpResponse refusal = JsonError(status, status == 404 ? "no such page" : "method not allowed");
    if (status == 405) refusal.SetHeader("Allow", allowed);
    return Respond(std::move(refusal), Then::kKeepAlive);
  }
  if (route->dispatch == Dispatch::kIoThread) return Respond(RunHandler(*route, request), Then::kKeepAlive);
  bool queued = context_.workers.TrySubmit([self = shared_from_this(), route, request = std::move(request)] {
    HttpResponse response = RunHandler(*route, request);
    if (response.stream && !self->head_) return self->StreamFromWorker(std::move(response));
    asio::post(self->socket_.get_executor(), [self, response = std::move(response)]() mutable {
      self->Respond(std::move(response), Then::kKeepAlive);
    });
  });
  if (!queued) Respond(Busy(), Then::kKeepAlive);
}

HttpConnection::Then HttpConnection::PrepareHead(HttpResponse& answer, Then then) {
  state_ = State::kWriting;
  absl::Duration took = absl::Now() - started_;
  if (context_.options.on_answer) context_.options.on_answer(route_label_, answer.status, took);
  // A request that could not be read is known by an id of the server's own.
  if (request_id_.empty()) request_id_ = ChooseRequestId(std::nullopt);
  LogAnswer(method_, route_label_, answer.status, took, request_id_);
  answer.SetHeader(kRequestIdMetadata, request_id_);
  if (then == Then::kKeepAlive && (!keep_alive_ || closing_ || context_.stopping)) then = Then::kClose;
  response_ = {};
  response_.version(version_);
  response_.result(static_cast<unsigned>(answer.status));
  for (auto& [name, value] : answer.headers) response_.set(name, value);
  response_.keep_alive(then == Then::kKeepAlive);
  return then;
}

void HttpConnection::Respond(HttpResponse answer, Then then) {
  if (state_ == State::kClosed) return;
  then = PrepareHead(answer, then);
  response_.body() = std::move(answer.body);
  response_.prepare_payload();
  if (head_) response_.body().clear();  // Content-Length stays that of GET
  Arm(context_.options.request_timeout);
  bhttp::async_write(socket_, response_, [self = shared_from_this(), then](beast::error_code error, size_t) {
    self->OnWritten(error, then);
  });
}

bool HttpConnection::WriteAndWait(std::function<void(std::function<void(bool)>)> write) {
  std::promise<bool> written;
  asio::post(socket_.get_executor(), [this, &write, &written] {
    if (state_ == State::kClosed) return written.set_value(false);
    Arm(context_.options.request_timeout);
    write([this, &written](bool ok) {
      Disarm();
      written.set_value(ok);
    });
  });
  return written.get_future().get();
}

namespace {

// Chunks of a streamed body, written from the worker that produces them.
class StreamedBodyWriter final : public BodyWriter {
 public:
  using Writer = std::function<bool(std::function<void(std::function<void(bool)>)>)>;
  StreamedBodyWriter(asio::ip::tcp::socket& socket, bool chunked, Writer write_and_wait)
      : socket_(socket), chunked_(chunked), write_and_wait_(std::move(write_and_wait)) {}

  bool Write(absl::string_view chunk) override {
    if (failed_) return false;
    if (chunk.empty()) return true;  // an empty chunk would end the body
    failed_ = !write_and_wait_([&](std::function<void(bool)> done) {
      auto finished = [done](beast::error_code error, size_t) { done(!error); };
      if (chunked_)
        return asio::async_write(socket_, bhttp::make_chunk(asio::buffer(chunk.data(), chunk.size())), finished);
      asio::async_write(socket_, asio::buffer(chunk.data(), chunk.size()), finished);
    });
    return !failed_;
  }

  bool Finish() {
    if (failed_ || !chunked_) return !failed_;
    return write_and_wait_([&](std::function<void(bool)> done) {
      asio::async_write(socket_, bhttp::make_chunk_last(), [done](beast::error_code error, size_t) { done(!error); });
    });
  }

 private:
  asio::ip::tcp::socket& socket_;
  const bool chunked_;
  Writer write_and_wait_;
  bool failed_ = false;
};

}  // namespace

void HttpConnection::StreamFromWorker(HttpResponse answer) {
  // HTTP/1.0 has no chunks: the body ends where the connection does.
  bool chunked = version_ >= 11;
  std::shared_ptr<bhttp::response_serializer<bhttp::string_body>> serializer;
  Then then = Then::kClose;
  bool head_sent = WriteAndWait([&](std::function<void(bool)> done) {
    then = PrepareHead(answer, chunked ? Then::kKeepAlive : Then::kClose);
    if (chunked) response_.chunked(true);
    serializer = std::make_shared<bhttp::response_serializer<bhttp::string_body>>(response_);
    bhttp::async_write_header(socket_, *serializer, [done](beast::error_code error, size_t) { done(!error); });
  });
  StreamedBodyWriter writer(socket_, chunked, [this](auto write) { return WriteAndWait(std::move(write)); });
  bool complete = head_sent && answer.stream(writer) && writer.Finish();
  asio::post(socket_.get_executor(), [self = shared_from_this(), complete, then] {
    if (!complete || then != Then::kKeepAlive) return self->Shutdown();
    self->AwaitRequest();
  });
}

void HttpConnection::OnWritten(beast::error_code error, Then then) {
  Disarm();
  if (error || then == Then::kClose) return Shutdown();
  if (then == Then::kLingerAndClose) return Linger();
  AwaitRequest();
}

void HttpConnection::Linger() {
  state_ = State::kLingering;
  beast::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  buffer_.clear();
  Arm(kLingerTime);
  Discard();
}

void HttpConnection::Discard() {
  socket_.async_read_some(buffer_.prepare(kReadChunk),
                          [self = shared_from_this()](beast::error_code error, size_t bytes) {
                            self->discarded_ += bytes;
                            if (error || self->discarded_ > kLingerBytes || self->state_ == State::kClosed)
                              return self->Shutdown();
                            self->Discard();
                          });
}

void HttpConnection::Shutdown() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  Disarm();
  beast::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace satisfaction::http
