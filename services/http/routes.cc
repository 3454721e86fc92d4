#include "services/http/routes.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace satisfaction::http {

void Routes::Add(absl::string_view method, absl::string_view path, HttpHandler handler, Dispatch dispatch) {
  routes_.push_back({.method = std::string(method),
                     .path = std::string(path),
                     .prefix = false,
                     .handler = std::move(handler),
                     .dispatch = dispatch});
}

void Routes::AddPrefix(absl::string_view method, absl::string_view prefix, HttpHandler handler, Dispatch dispatch) {
  routes_.push_back({.method = std::string(method),
                     .path = std::string(prefix),
                     .prefix = true,
                     .handler = std::move(handler),
                     .dispatch = dispatch});
}

const Routes::Route* Routes::Find(absl::string_view method, absl::string_view path, int* status,
                                  std::string* allowed) const {
  // HEAD is GET without the body, which the server leaves out.
  absl::string_view wanted = method == "HEAD" ? "GET" : method;
  allowed->clear();
  for (const Route& route : routes_) {
    bool matches = route.prefix ? absl::StartsWith(path, route.path) : path == route.path;
    if (!matches) continue;
    if (route.method == wanted) return &route;
    absl::StrAppend(allowed, allowed->empty() ? "" : ", ", route.method, route.method == "GET" ? ", HEAD" : "");
  }
  *status = allowed->empty() ? 404 : 405;
  return nullptr;
}

}  // namespace satisfaction::http
