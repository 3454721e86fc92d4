#include "services/rpc/call_gate.h"

#include <google/protobuf/util/time_util.h>
#include <spdlog/spdlog.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "services/access/contact_masking.h"
#include "services/common/fault_ids.h"
#include "services/common/log_format.h"
#include "services/common/request_id.h"
#include "services/common/text_limits.h"

namespace satisfaction::rpc {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// The longest status message a client is sent. The message travels in the
// trailers, and clients refuse trailers over 8 KiB (RESOURCE_EXHAUSTED
// "received initial metadata size exceeds limit"), losing the status itself.
// Messages quote request values short already (Quote); this is the safety net.
constexpr size_t kMaxStatusMessageBytes = 1024;

// Log lines stay one short line whatever a client sends: a status message
// may quote request values.
constexpr size_t kMaxLoggedMessageChars = 300;
// The detail of a server fault is for operators, and may be long (SQL).
constexpr size_t kMaxLoggedDetailChars = 2000;

// The value of the field at `path` ("customer.external_id") as text, empty if
// unset; enums by name.
std::string FieldText(const Message& message, const std::string& path) {
  const Message* current = &message;
  std::vector<std::string> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* field = current->GetDescriptor()->FindFieldByName(parts[i]);
    if (field == nullptr || field->is_repeated()) return "";
    const google::protobuf::Reflection* reflection = current->GetReflection();
    if (i + 1 < parts.size()) {
      if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || !reflection->HasField(*current, field)) return "";
      current = &reflection->GetMessage(*current, field);
      continue;
    }
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        return reflection->GetString(*current, field);
      case FieldDescriptor::CPPTYPE_ENUM:
        return reflection->GetEnum(*current, field)->name();
      case FieldDescriptor::CPPTYPE_INT32:
        return std::to_string(reflection->GetInt32(*current, field));
      default:
        return "";
    }
  }
  return "";
}

// The ids of the messages in the reply's repeated `field_name`, comma-separated.
std::string ClaimedIds(const Message& reply, const std::string& field_name) {
  const FieldDescriptor* field = reply.GetDescriptor()->FindFieldByName(field_name);
  if (field == nullptr || !field->is_repeated() || field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) return "";
  const google::protobuf::Reflection* reflection = reply.GetReflection();
  std::vector<std::string> ids;
  for (int i = 0; i < reflection->FieldSize(reply, field); ++i) {
    ids.push_back(FieldText(reflection->GetRepeatedMessage(reply, field, i), "id"));
  }
  return absl::StrJoin(ids, ",");
}

// gRPC's codes are the canonical ones Abseil names.
std::string CodeName(grpc::StatusCode code) { return absl::StatusCodeToString(static_cast<absl::StatusCode>(code)); }

// Server-side faults are worth an operator's attention; client mistakes are not.
bool IsServerFault(absl::StatusCode code) {
  return code == absl::StatusCode::kInternal || code == absl::StatusCode::kUnknown ||
         code == absl::StatusCode::kUnavailable || code == absl::StatusCode::kDataLoss ||
         code == absl::StatusCode::kResourceExhausted;
}

// Faults whose message is for the server's log alone.
bool IsHiddenFault(absl::StatusCode code) {
  return code == absl::StatusCode::kInternal || code == absl::StatusCode::kUnknown ||
         code == absl::StatusCode::kDataLoss;
}

void LogCall(const std::string& method, std::chrono::steady_clock::time_point start, const absl::Status& outcome,
             const grpc::Status& sent, const std::string& error_id, const std::string& request_id) {
  double millis = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::string code = CodeName(sent.error_code());
  std::vector<LogField> fields = {LogField::Word("method", method), LogField::Word("code", code).JsonKey("status"),
                                  LogField::Number("duration_ms", millis, 2)};
  if (sent.ok()) {
    fields.push_back(LogField::Word("request_id", request_id));
    LogEvent(spdlog::level::info, "rpc", fields);
    return;
  }
  // The outcome's own message: the client may have been told less (or, when
  // the audit log failed, something else).
  absl::string_view message = outcome.ok() ? sent.error_message() : outcome.message();
  // Server faults log what their status carries beyond the message (a
  // database driver's text), which no client is sent.
  std::string detail = IsServerFault(outcome.code()) ? FaultDetail(outcome) : "";
  if (detail == outcome.message()) detail.clear();
  if (!error_id.empty()) fields.push_back(LogField::Word("error_id", error_id));
  fields.push_back(LogField::Text("message", message, kMaxLoggedMessageChars).JsonKey("status_message"));
  if (!detail.empty()) fields.push_back(LogField::Text("detail", detail, kMaxLoggedDetailChars));
  fields.push_back(LogField::Word("request_id", request_id));
  LogEvent(IsServerFault(static_cast<absl::StatusCode>(sent.error_code())) ? spdlog::level::warn : spdlog::level::info,
           "rpc", fields);
}

}  // namespace

grpc::Status ClientStatus(const absl::Status& outcome, std::string& error_id) {
  error_id.clear();
  if (outcome.ok()) return grpc::Status::OK;
  if (!IsHiddenFault(outcome.code())) {
    // The canonical codes are the same numbers in gRPC and Abseil.
    return grpc::Status(static_cast<grpc::StatusCode>(outcome.code()),
                        Abbreviate(outcome.message(), kMaxStatusMessageBytes));
  }
  error_id = NewFaultId();
  return grpc::Status(static_cast<grpc::StatusCode>(outcome.code()),
                      absl::StrCat("internal error ", error_id, ": the server's log has the detail under this id"));
}

void GatedCall::SawRequest(const Message& request) {
  if (!audited_ || method_.policy == nullptr) return;
  for (const std::string& path : method_.policy->resource_fields) {
    std::string value = FieldText(request, path);
    if (value.empty()) continue;
    resource_ = method_.policy->resource_is_contact ? access::MaskPhone(value) : value;
    return;
  }
}

void GatedCall::WillReply(const Message& reply) {
  if (!audited_ || method_.policy == nullptr || method_.policy->claimed_field.empty()) return;
  std::string claimed = ClaimedIds(reply, method_.policy->claimed_field);
  if (claimed.empty()) {
    audited_ = false;  // a poll that found nothing
  } else {
    resource_ = std::move(claimed);
  }
}

std::optional<v1::AuditEvent> GatedCall::PendingAuditEvent() const {
  if (!audited_ || method_.policy == nullptr || !method_.policy->audited_in_write) return std::nullopt;
  return Event(grpc::Status::OK);
}

v1::AuditEvent GatedCall::Event(const grpc::Status& sent) const {
  v1::AuditEvent event;
  *event.mutable_time() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now()));
  event.set_key_id(caller_.key_id);
  event.set_role(caller_.role);
  event.set_method(method_.path);
  event.set_resource(resource_);
  event.set_outcome(sent.ok() ? "OK" : absl::StatusCodeToString(static_cast<absl::StatusCode>(sent.error_code())));
  event.set_message(sent.error_message());
  event.set_peer(peer_);
  return event;
}

GatedCall CallGate::Admit(const MethodInfo& method, std::optional<absl::string_view> authorization,
                          std::optional<absl::string_view> request_id, std::string peer) {
  GatedCall call(method, std::move(peer), ChooseRequestId(request_id));
  if (method.series != nullptr) method.series->CallStarted();
  absl::Time now = absl::Now();
  absl::StatusOr<access::Caller> caller = authenticator_.Authenticate(authorization, now);
  if (!caller.ok()) {
    call.admission_ = caller.status();
    return call;
  }
  absl::Status decision = access::Authorize(*caller, method.path);
  if (decision.ok()) {
    decision = authenticator_.TakeCall(*caller, now);
    if (!decision.ok() && metrics_ != nullptr) metrics_->RateLimited(access::RoleName(caller->role));
  }
  // A known caller is audited for writes and exports, unless refused for
  // going too fast (a flood must stay cheap).
  call.audited_ = method.policy != nullptr && method.policy->kind != access::CallKind::kRead &&
                  decision.code() != absl::StatusCode::kResourceExhausted;
  call.caller_ = *caller;
  if (decision.ok()) {
    call.admission_ = *std::move(caller);
  } else {
    call.admission_ = decision;
  }
  return call;
}

void CallGate::Close(GatedCall& call, const absl::Status& outcome, absl::AnyInvocable<void(grpc::Status) &&> answer) {
  std::string error_id;
  grpc::Status sent = ClientStatus(outcome, error_id);
  auto finish = [method = call.method_.path, start = call.start_, outcome, error_id, request_id = call.request_id_,
                 series = call.method_.series, answer = std::move(answer)](grpc::Status final_status) mutable {
    LogCall(method, start, outcome, final_status, error_id, request_id);
    if (series != nullptr) {
      series->CallEnded(final_status.error_code(), absl::FromChrono(std::chrono::steady_clock::now() - start));
    }
    std::move(answer)(std::move(final_status));
  };
  if (!call.audited_ || call.audited_with_write_) {
    finish(std::move(sent));
    return;
  }
  // The status goes out once the event is committed. A call the client would
  // be told succeeded, whose event could not be written, is answered
  // UNAVAILABLE instead: the log must hold everything a client was told
  // happened. (Its change may be committed; writes are safe to send again.)
  audit_log_.Record(call.Event(sent), [sent, finish = std::move(finish)](const absl::Status& recorded) mutable {
    if (sent.ok() && !recorded.ok()) {
      sent = grpc::Status(grpc::StatusCode::UNAVAILABLE,
                          "the audit log could not record this call, so it is not confirmed; its change may have "
                          "been made: send it again");
    }
    finish(std::move(sent));
  });
}

}  // namespace satisfaction::rpc
