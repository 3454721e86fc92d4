#include "services/access/access_interceptor.h"

#include <google/protobuf/message.h>
#include <google/protobuf/util/time_util.h>

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "services/access/admission.h"
#include "services/access/contact_masking.h"
#include "services/common/request_checks.h"

namespace satisfaction::access {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using grpc::experimental::InterceptionHookPoints;

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

// The ids of the messages in the reply's repeated `field`, comma-separated.
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

std::string ResourceOf(const Message& request, const MethodPolicy& policy) {
  for (const std::string& path : policy.resource_fields) {
    std::string value = FieldText(request, path);
    if (!value.empty()) return policy.resource_is_contact ? MaskPhone(value) : value;
  }
  return "";
}

class AccessInterceptor : public grpc::experimental::Interceptor {
 public:
  AccessInterceptor(grpc::experimental::ServerRpcInfo* info, KeyAuthenticator& authenticator, AuditLog& audit_log)
      : call_(info->server_context()),
        method_(info->method()),
        policy_(FindMethodPolicy(method_)),
        request_is_message_(ReadsOneRequestFirst(*info)),
        authenticator_(authenticator),
        audit_log_(audit_log) {}

  ~AccessInterceptor() override { ForgetAdmission(call_); }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      Decide(*methods->GetRecvInitialMetadata());
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) && audited_ &&
        request_is_message_ && !saw_request_ && methods->GetRecvMessage() != nullptr) {
      saw_request_ = true;
      resource_ = ResourceOf(*static_cast<const Message*>(methods->GetRecvMessage()), *policy_);
      if (policy_->audited_in_write) RecordPendingAudit(call_, Event(grpc::Status::OK));
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_MESSAGE) && audited_ &&
        !policy_->claimed_field.empty() && methods->GetSendMessage() != nullptr) {
      std::string claimed = ClaimedIds(*static_cast<const Message*>(methods->GetSendMessage()), policy_->claimed_field);
      if (claimed.empty()) {
        audited_ = false;  // a poll that found nothing
      } else {
        resource_ = std::move(claimed);
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS) && audited_ &&
        !(policy_->audited_in_write && AuditedWithWrite(call_))) {
      // The status goes out once the event is committed. A call the client
      // would be told succeeded, whose event could not be written, is
      // answered UNAVAILABLE instead: the log must hold everything a client
      // was told happened. (Its change may be committed; writes are safe to
      // send again.)
      bool told_ok = methods->GetSendStatus().ok();
      audit_log_.Record(Event(methods->GetSendStatus()), [methods, told_ok](const absl::Status& recorded) {
        if (told_ok && !recorded.ok()) {
          methods->ModifySendStatus(grpc::Status(
              grpc::StatusCode::UNAVAILABLE,
              "the audit log could not record this call, so it is not confirmed; its change may have been made:"
              " send it again"));
        }
        methods->Proceed();
      });
      return;
    }
    methods->Proceed();
  }

 private:
  void Decide(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata) {
    if (IsOpenMethod(method_)) return;  // gRPC's own handlers, which ask nothing
    std::optional<absl::string_view> authorization;
    if (auto it = metadata.find("authorization"); it != metadata.end()) {
      authorization = absl::string_view(it->second.data(), it->second.size());
    }
    absl::Time now = absl::Now();
    absl::StatusOr<Caller> caller = authenticator_.Authenticate(authorization, now);
    if (!caller.ok()) {
      RecordAdmission(call_, caller.status());
      return;
    }
    if (absl::Status allowed = Authorize(*caller, method_); !allowed.ok()) {
      RecordDecision(*caller, allowed);
      return;
    }
    RecordDecision(*caller, authenticator_.TakeCall(*caller, now));
  }

  // Records the decision on a known caller, who is audited for writes and
  // exports unless refused for going too fast (a flood must stay cheap).
  void RecordDecision(const Caller& caller, const absl::Status& decision) {
    audited_ = policy_ != nullptr && policy_->kind != CallKind::kRead &&
               decision.code() != absl::StatusCode::kResourceExhausted;
    caller_ = caller;
    if (decision.ok()) {
      RecordAdmission(call_, caller);
    } else {
      RecordAdmission(call_, decision);
    }
  }

  v1::AuditEvent Event(const grpc::Status& status) const {
    v1::AuditEvent event;
    *event.mutable_time() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now()));
    event.set_key_id(caller_.key_id);
    event.set_role(caller_.role);
    event.set_method(method_);
    event.set_resource(resource_);
    event.set_outcome(status.ok() ? "OK"
                                  : absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())));
    event.set_message(status.error_message());
    event.set_peer(call_->peer());
    return event;
  }

  const grpc::ServerContextBase* const call_;
  const std::string method_;
  const MethodPolicy* const policy_;
  const bool request_is_message_;
  KeyAuthenticator& authenticator_;
  AuditLog& audit_log_;
  Caller caller_;
  bool audited_ = false;
  bool saw_request_ = false;
  std::string resource_;
};

}  // namespace

grpc::experimental::Interceptor* AccessInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new AccessInterceptor(info, authenticator_, audit_log_);
}

}  // namespace satisfaction::access
