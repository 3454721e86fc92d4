#include "tests/support/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace satisfaction::test_support {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

std::string Text(beast::string_view text) { return std::string(text.data(), text.size()); }

}  // namespace

std::string HttpReply::Header(absl::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, name)) return value;
  }
  return "";
}

absl::StatusOr<HttpReply> SendHttp(int port, const HttpCall& call) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  beast::error_code error;
  stream.socket().open(tcp::v4(), error);
  if (!call.source_address.empty() && !error) {
    stream.socket().bind(tcp::endpoint(asio::ip::make_address(call.source_address), 0), error);
  }
  if (error) return absl::InternalError(absl::StrCat("client socket: ", error.message()));

  bhttp::request<bhttp::string_body> request{bhttp::string_to_verb(call.method), call.target, 11};
  request.set(bhttp::field::host, absl::StrCat("127.0.0.1:", port));
  for (const auto& [name, value] : call.headers) request.set(name, value);
  request.body() = call.body;
  if (!call.body.empty() || call.method == "POST") request.prepare_payload();
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 << 20);
  if (call.method == "HEAD") parser.skip(true);

  stream.expires_after(absl::ToChronoNanoseconds(call.timeout));
  stream.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), [&](beast::error_code connected) {
    if (connected) {
      error = connected;
      return;
    }
    bhttp::async_write(stream, request, [&](beast::error_code written, size_t) {
      if (written) {
        error = written;
        return;
      }
      bhttp::async_read(stream, buffer, parser, [&](beast::error_code read, size_t) { error = read; });
    });
  });
  io.run();
  if (error == beast::error::timeout) return absl::DeadlineExceededError("no answer in time");
  if (error) return absl::UnavailableError(absl::StrCat("HTTP ", call.method, " ", call.target, ": ", error.message()));

  HttpReply reply;
  bhttp::response<bhttp::string_body> response = parser.release();
  reply.status = static_cast<int>(response.result_int());
  for (const auto& field : response) reply.headers.emplace_back(Text(field.name_string()), Text(field.value()));
  reply.body = std::move(response.body());
  return reply;
}

absl::StatusOr<HttpReply> HttpGet(int port, const std::string& target,
                                  std::vector<std::pair<std::string, std::string>> headers) {
  return SendHttp(port, {.method = "GET", .target = target, .headers = std::move(headers)});
}

absl::StatusOr<HttpReply> HttpPost(int port, const std::string& target, const std::string& body,
                                   const std::string& content_type) {
  return SendHttp(port,
                  {.method = "POST", .target = target, .headers = {{"Content-Type", content_type}}, .body = body});
}

}  // namespace satisfaction::test_support
