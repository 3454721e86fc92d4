#include "services/server/call_log_interceptor.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_replace.h"
#include "services/common/text_limits.h"

namespace satisfaction::server {
namespace {

using grpc::experimental::InterceptionHookPoints;

// Log lines stay one short line whatever a client sends: a status message
// may quote request values, and the method is the path the client asked for.
constexpr size_t kMaxLoggedMessageChars = 300;
constexpr size_t kMaxLoggedMethodChars = 120;

// gRPC's codes are the canonical ones Abseil names.
std::string CodeName(grpc::StatusCode code) { return absl::StatusCodeToString(static_cast<absl::StatusCode>(code)); }

// Server-side faults are worth an operator's attention; client mistakes are not.
bool IsServerFault(grpc::StatusCode code) {
  return code == grpc::StatusCode::INTERNAL || code == grpc::StatusCode::UNKNOWN ||
         code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DATA_LOSS ||
         code == grpc::StatusCode::RESOURCE_EXHAUSTED;
}

// A status message inside message="...": printable, and its quotes escaped
// (Printable escapes backslashes, so \" cannot be mistaken).
std::string QuotedForLog(const std::string& message) {
  return absl::StrReplaceAll(Printable(message, kMaxLoggedMessageChars), {{"\"", "\\\""}});
}

class CallLogInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit CallLogInterceptor(grpc::experimental::ServerRpcInfo* info)
      : method_(Printable(info->method(), kMaxLoggedMethodChars)), start_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      double millis = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
      if (status.ok()) {
        spdlog::info("rpc method={} code=OK duration_ms={:.2f}", method_, millis);
      } else {
        spdlog::log(IsServerFault(status.error_code()) ? spdlog::level::warn : spdlog::level::info,
                    "rpc method={} code={} duration_ms={:.2f} message=\"{}\"", method_, CodeName(status.error_code()),
                    millis, QuotedForLog(status.error_message()));
      }
    }
    methods->Proceed();
  }

 private:
  std::string method_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

grpc::experimental::Interceptor* CallLogInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new CallLogInterceptor(info);
}

}  // namespace satisfaction::server
