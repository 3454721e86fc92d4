#include "services/common/unreadable_request.h"

#include <google/protobuf/stubs/logging.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace satisfaction {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// The field protobuf last refused on this thread while parsing, if not yet taken.
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

// Whether `type` or a message type inside it, at any depth, has the field
// whose full name is `field`.
bool HasFieldNamed(const Descriptor* type, absl::string_view field) {
  absl::flat_hash_set<const Descriptor*> seen = {type};
  std::vector<const Descriptor*> pending = {type};
  while (!pending.empty()) {
    const Descriptor* current = pending.back();
    pending.pop_back();
    for (int i = 0; i < current->field_count(); ++i) {
      const FieldDescriptor* f = current->field(i);
      if (f->full_name() == field) return true;
      if (f->message_type() != nullptr && seen.insert(f->message_type()).second) pending.push_back(f->message_type());
    }
  }
  return false;
}

}  // namespace

void InstallProtobufLogHandler() {
  static std::once_flag once;
  std::call_once(once, [] { google::protobuf::SetLogHandler(&OnProtobufLog); });
}

std::string TakeRefusedUtf8Field() { return std::exchange(refused_utf8_field, std::string()); }

absl::Status UnreadableRequestError(const Descriptor* type, const std::string& refused_utf8_field) {
  std::string unreadable = type == nullptr ? "the request could not be read"
                                           : absl::StrCat("the request could not be read as a ", type->full_name());
  if (type != nullptr && !refused_utf8_field.empty() && HasFieldNamed(type, refused_utf8_field)) {
    return absl::InvalidArgumentError(absl::StrCat(refused_utf8_field, ": not valid UTF-8 (", unreadable, ")"));
  }
  return absl::InvalidArgumentError(unreadable);
}

}  // namespace satisfaction
