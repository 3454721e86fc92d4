#include "services/rpc/admitted_service.h"

#include <cstdio>
#include <cstdlib>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "services/common/request_id.h"

namespace satisfaction::rpc {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::MethodDescriptor;
using google::protobuf::ServiceDescriptor;

// A wiring mistake, not a runtime condition: the server must not start.
[[noreturn]] void WiringError(const std::string& message) {
  std::fprintf(stderr, "gRPC wiring: %s\n", message.c_str());
  std::abort();
}

const ServiceDescriptor& FindService(absl::string_view full_name) {
  const ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(std::string(full_name));
  if (service == nullptr) WiringError(absl::StrCat("no generated service ", full_name));
  return *service;
}

}  // namespace

AdmittedService::AdmittedService(absl::string_view full_name, CallGate& gate)
    : descriptor_(FindService(full_name)), gate_(gate) {}

const MethodInfo& AdmittedService::Bind(absl::string_view name, const Descriptor* request, const Descriptor* response,
                                        Shape shape, bool writes_audit_event) {
  const MethodDescriptor* method = descriptor_.FindMethodByName(std::string(name));
  if (method == nullptr) WiringError(absl::StrCat(descriptor_.full_name(), " has no method ", name));
  std::string path = absl::StrCat("/", descriptor_.full_name(), "/", method->name());
  for (const MethodInfo& bound : methods_) {
    if (bound.path == path) WiringError(absl::StrCat(path, " is bound twice"));
  }
  if (method->input_type() != request || method->output_type() != response) {
    WiringError(absl::StrCat(path, " takes ", method->input_type()->full_name(), " and returns ",
                             method->output_type()->full_name(), "; the handler bound takes ", request->full_name(),
                             " and returns ", response->full_name()));
  }
  Shape declared = method->client_streaming()   ? Shape::kClientStream
                   : method->server_streaming() ? Shape::kServerStream
                                                : Shape::kUnary;
  if (method->client_streaming() && method->server_streaming()) {
    WiringError(absl::StrCat(path, " streams both ways, which no handler shape serves"));
  }
  if (declared != shape) WiringError(absl::StrCat(path, " is bound with a handler of the wrong streaming shape"));
  const access::MethodPolicy* policy = access::FindMethodPolicy(path);
  if (policy != nullptr && policy->audited_in_write != writes_audit_event) {
    WiringError(absl::StrCat(path, policy->audited_in_write
                                       ? " is audited in its own write: bind a handler that writes the audit event"
                                       : " is audited by the gate: bind a handler that does not write the audit event"));
  }
  metrics::MethodSeries* series = gate_.SeriesFor(path);
  methods_.push_back({.path = std::move(path), .policy = policy, .descriptor = method, .series = series});
  return methods_.back();
}

std::vector<std::string> AdmittedService::UnboundMethods() const {
  absl::flat_hash_set<const MethodDescriptor*> bound;
  for (const MethodInfo& method : methods_) bound.insert(method.descriptor);
  std::vector<std::string> unbound;
  for (int i = 0; i < descriptor_.method_count(); ++i) {
    if (!bound.contains(descriptor_.method(i))) unbound.push_back(descriptor_.method(i)->full_name());
  }
  return unbound;
}

std::vector<std::string> AdmittedService::BoundMethods() const {
  std::vector<std::string> paths;
  for (const MethodInfo& method : methods_) paths.push_back(method.path);
  return paths;
}

GatedCall AdmittedService::Admit(const MethodInfo& method, grpc::ServerContextBase& context) {
  auto find = [&metadata = context.client_metadata()](const char* key) -> std::optional<absl::string_view> {
    auto it = metadata.find(key);
    if (it == metadata.end()) return std::nullopt;
    return absl::string_view(it->second.data(), it->second.size());
  };
  // The peer goes only into audit events: a read is never audited, and
  // context.peer() builds a string on every call.
  bool may_be_audited = method.policy != nullptr && method.policy->kind != access::CallKind::kRead;
  GatedCall call = gate_.Admit(method, find("authorization"), find(kRequestIdMetadata),
                               may_be_audited ? context.peer() : std::string());
  // Sent with the reply's (or the refusal's) initial metadata.
  context.AddInitialMetadata(kRequestIdMetadata, call.request_id());
  return call;
}

absl::Status AdmittedService::Begin(GatedCall& call, const grpc::ServerContextBase& context,
                                    const grpc::ByteBuffer& bytes, google::protobuf::Message& request) {
  if (!call.admission().ok()) return call.admission().status();
  if (absl::Status parsed = ParseMessage(bytes, request); !parsed.ok()) return parsed;
  call.SawRequest(request);
  return CheckCallerStillWaiting(context);
}

grpc::Status AdmittedService::End(GatedCall& call, const absl::Status& outcome, const google::protobuf::Message& reply,
                                  grpc::ByteBuffer* reply_bytes) {
  // A sync call's thread waits for the audit log anyway: gRPC sends the
  // status from this thread once the handler returns.
  absl::Notification closed;
  grpc::Status sent;
  gate_.Close(call, outcome, [&](grpc::Status status) {
    sent = std::move(status);
    closed.Notify();
  });
  closed.WaitForNotification();
  if (sent.ok()) sent = SerializeReply(reply, reply_bytes);
  return sent;
}

}  // namespace satisfaction::rpc
