#ifndef SATISFACTION_SERVICES_HTTP_ROUTES_H_
#define SATISFACTION_SERVICES_HTTP_ROUTES_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "services/http/http_message.h"

namespace satisfaction::http {

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// Where a handler runs. Handlers that may block (the database) run on the
// server's bounded worker pool; a handler that only reads memory may run on
// the I/O thread, so that it answers even while every worker is busy.
enum class Dispatch { kWorker, kIoThread };

// The table of what the HTTP face answers: a method and a path, or a path
// prefix (the handler reads the rest of the path), to a handler.
class Routes {
 public:
  struct Route {
    std::string method;
    std::string path;
    bool prefix = false;
    HttpHandler handler;
    Dispatch dispatch = Dispatch::kWorker;
  };

  // Adds a handler for `method` (GET also answers HEAD) on exactly `path`.
  void Add(absl::string_view method, absl::string_view path, HttpHandler handler,
           Dispatch dispatch = Dispatch::kWorker);
  // Adds a handler for `method` on every path that starts with `prefix`.
  void AddPrefix(absl::string_view method, absl::string_view prefix, HttpHandler handler,
                 Dispatch dispatch = Dispatch::kWorker);

  // What answers `method` on `path`. Null with `*status` 404 when no route has
  // the path, or 405 with `*allowed` listing the methods that do.
  const Route* Find(absl::string_view method, absl::string_view path, int* status, std::string* allowed) const;

 private:
  std::vector<Route> routes_;
};

}  // namespace satisfaction::http

#endif  // SATISFACTION_SERVICES_HTTP_ROUTES_H_
