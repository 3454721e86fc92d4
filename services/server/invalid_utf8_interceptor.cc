#include "services/server/invalid_utf8_interceptor.h"

#include <google/protobuf/stubs/logging.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace satisfaction::server {
namespace {

using grpc::experimental::InterceptionHookPoints;

// The field protobuf last refused on this thread while parsing, if not yet reported.
thread_local std::string refused_utf8_field;

void OnProtobufLog(google::protobuf::LogLevel level, const char* file, int line, const std::string& message) {
  // "String field 'pkg.Message.field' contains invalid UTF-8 data when parsing a protocol buffer. ..."
  constexpr absl::string_view kPrefix = "String field '";
  if (absl::StartsWith(message, kPrefix) && absl::StrContains(message, "invalid UTF-8 data when parsing")) {
    absl::string_view rest = absl::string_view(message).substr(kPrefix.size());
    refused_utf8_field = std::string(rest.substr(0, rest.find('\'')));
    return;
  }
  spdlog::level::level_enum spd_level = level >= google::protobuf::LOGLEVEL_ERROR     ? spdlog::level::err
                                        : level == google::protobuf::LOGLEVEL_WARNING ? spdlog::level::warn
                                                                                      : spdlog::level::info;
  spdlog::log(spd_level, "protobuf {}:{}: {}", file, line, message);
}

class InvalidUtf8Interceptor : public grpc::experimental::Interceptor {
 public:
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      // The sync API answers a request it cannot parse INTERNAL, the callback API UNIMPLEMENTED.
      bool unreadable = (status.error_code() == grpc::StatusCode::INTERNAL ||
                         status.error_code() == grpc::StatusCode::UNIMPLEMENTED) &&
                        status.error_message().empty();
      if (unreadable && !refused_utf8_field.empty()) {
        methods->ModifySendStatus(
            grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                         absl::StrCat(refused_utf8_field, ": not valid UTF-8 (the request could not be read)")));
        refused_utf8_field.clear();
      }
    }
    methods->Proceed();
  }
};

}  // namespace

void InstallProtobufLogHandler() {
  static std::once_flag once;
  std::call_once(once, [] { google::protobuf::SetLogHandler(&OnProtobufLog); });
}

grpc::experimental::Interceptor* InvalidUtf8InterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo*) {
  return new InvalidUtf8Interceptor();
}

}  // namespace satisfaction::server
