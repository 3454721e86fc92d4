#include "services/http/http_message.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace satisfaction::http {
namespace {

std::string FindHeader(const HttpHeaders& headers, absl::string_view name) {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, name)) return value;
  }
  return "";
}

// A JSON string's contents: quotes and backslashes escaped, control characters
// (which an error message never needs) dropped.
std::string JsonEscaped(absl::string_view text) {
  std::string escaped;
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20) continue;
    if (c == '"' || c == '\\') escaped.push_back('\\');
    escaped.push_back(c);
  }
  return escaped;
}

}  // namespace

std::string HttpRequest::Header(absl::string_view name) const { return FindHeader(headers, name); }

std::string HttpResponse::Header(absl::string_view name) const { return FindHeader(headers, name); }

void HttpResponse::SetHeader(absl::string_view name, absl::string_view value) {
  for (auto& [key, old_value] : headers) {
    if (absl::EqualsIgnoreCase(key, name)) {
      old_value = std::string(value);
      return;
    }
  }
  headers.emplace_back(std::string(name), std::string(value));
}

void HttpResponse::SetContent(std::string content, absl::string_view content_type) {
  body = std::move(content);
  SetHeader("Content-Type", content_type);
}

HttpResponse JsonError(int status, absl::string_view message) {
  HttpResponse response;
  response.status = status;
  response.SetHeader("Cache-Control", "no-store");
  response.SetHeader("X-Content-Type-Options", "nosniff");
  response.SetContent(absl::StrCat(R"({"error":{"code":)", status, R"(,"message":")", JsonEscaped(message), R"("}})"),
                      "application/json; charset=utf-8");
  return response;
}

}  // namespace satisfaction::http
