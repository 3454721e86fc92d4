#ifndef SATISFACTION_TESTS_SUPPORT_HTTP_CLIENT_H_
#define SATISFACTION_TESTS_SUPPORT_HTTP_CLIENT_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace satisfaction::test_support {

// One HTTP/1.1 request to a test server on 127.0.0.1, on a connection of its own.
struct HttpCall {
  std::string method = "GET";
  std::string target = "/";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Connects from this loopback address (e.g. "127.0.0.2"); empty: any.
  std::string source_address;
  absl::Duration timeout = absl::Seconds(20);
};

struct HttpReply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The header called `name` (any case), or "".
  std::string Header(absl::string_view name) const;
};

// Sends `call` and reads the whole answer; UNAVAILABLE when the connection
// fails or closes first, DEADLINE_EXCEEDED after call.timeout.
absl::StatusOr<HttpReply> SendHttp(int port, const HttpCall& call);

absl::StatusOr<HttpReply> HttpGet(int port, const std::string& target,
                                  std::vector<std::pair<std::string, std::string>> headers = {});
absl::StatusOr<HttpReply> HttpPost(int port, const std::string& target, const std::string& body,
                                   const std::string& content_type);

}  // namespace satisfaction::test_support

#endif  // SATISFACTION_TESTS_SUPPORT_HTTP_CLIENT_H_
