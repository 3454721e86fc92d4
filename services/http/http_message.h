#ifndef SATISFACTION_SERVICES_HTTP_HTTP_MESSAGE_H_
#define SATISFACTION_SERVICES_HTTP_HTTP_MESSAGE_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace satisfaction::http {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// A request as a handler sees it, read whole (head and body) by the server.
struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // the target without its query
  std::string query;   // after '?', if any
  HttpHeaders headers;
  std::string body;
  // The peer's IP address, e.g. "127.0.0.1" or "::1": what rate limits count by.
  std::string remote_address;

  // The first header called `name` (any case), or "".
  std::string Header(absl::string_view name) const;
};

// Where a streamed body goes, chunk by chunk.
class BodyWriter {
 public:
  virtual ~BodyWriter() = default;
  // Sends `chunk` and waits until it is written: a slow client slows the
  // producer rather than filling memory. False once the client went away or
  // stopped reading for the request timeout (stop producing then).
  virtual bool Write(absl::string_view chunk) = 0;
};

// A handler's answer. The server adds Content-Length and Connection.
struct HttpResponse {
  int status = 200;
  HttpHeaders headers;
  std::string body;
  // For a body too large to hold (an export): set instead of `body`, run on
  // the worker after the head is sent (chunked, or until the connection
  // closes for an HTTP/1.0 client). The status and headers are sent before
  // it runs, so it reports a failure by returning false: the connection
  // then closes without the body's last chunk, which clients see as an
  // error rather than a short body.
  std::function<bool(BodyWriter&)> stream;

  // Sets header `name` (any case), replacing an earlier value.
  void SetHeader(absl::string_view name, absl::string_view value);
  // The header called `name` (any case), or "".
  std::string Header(absl::string_view name) const;
  void SetContent(std::string content, absl::string_view content_type);
};

// {"error":{"code":<status>,"message":<message>}}, not to be cached: how the
// HTTP face reports every error a script reads (the page's form, a prober).
HttpResponse JsonError(int status, absl::string_view message);

}  // namespace satisfaction::http

#endif  // SATISFACTION_SERVICES_HTTP_HTTP_MESSAGE_H_
