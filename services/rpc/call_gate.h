#ifndef SATISFACTION_SERVICES_RPC_CALL_GATE_H_
#define SATISFACTION_SERVICES_RPC_CALL_GATE_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <grpcpp/support/status.h>

#include <chrono>
#include <optional>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "satisfaction/v1/access.pb.h"
#include "services/access/access_policy.h"
#include "services/access/audit_log.h"
#include "services/access/key_authenticator.h"
#include "services/metrics/server_metrics.h"

namespace satisfaction::rpc {

// What the server knows of one of its methods.
struct MethodInfo {
  // "/satisfaction.v1.CustomerService/GetCustomer"
  std::string path;
  // Its row of the access table; nullptr if the table lacks it (then only
  // admins may call it).
  const access::MethodPolicy* policy = nullptr;
  const google::protobuf::MethodDescriptor* descriptor = nullptr;
  // Its calls' metrics; nullptr without metrics.
  metrics::MethodSeries* series = nullptr;
};

// One call on its way through the gate: who made it, what it is about, and
// whether the audit log must record it.
class GatedCall {
 public:
  // The caller admitted to the method, or the refusal (UNAUTHENTICATED,
  // PERMISSION_DENIED, RESOURCE_EXHAUSTED or UNAVAILABLE).
  const absl::StatusOr<access::Caller>& admission() const { return admission_; }
  // The id the call is logged under, for the client to be told.
  const std::string& request_id() const { return request_id_; }

  // The request, once read: it names the resource the audit log records.
  void SawRequest(const google::protobuf::Message& request);
  // The reply about to be sent: a fetch that claimed nothing is not audited,
  // one that did is audited by the ids it claimed.
  void WillReply(const google::protobuf::Message& reply);

  // For methods whose policy says audited_in_write: the event the handler
  // writes in its own transaction (time and outcome for it to set), if the
  // call is audited; MarkAuditedWithWrite once it did.
  std::optional<v1::AuditEvent> PendingAuditEvent() const;
  void MarkAuditedWithWrite() { audited_with_write_ = true; }

 private:
  friend class CallGate;
  GatedCall(const MethodInfo& method, std::string peer, std::string request_id)
      : method_(method), peer_(std::move(peer)), request_id_(std::move(request_id)) {}
  v1::AuditEvent Event(const grpc::Status& sent) const;

  const MethodInfo& method_;
  const std::string peer_;
  const std::string request_id_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  absl::StatusOr<access::Caller> admission_;
  access::Caller caller_;  // known even when refused, for the audit log
  bool audited_ = false;
  bool audited_with_write_ = false;
  std::string resource_;
};

// The one door of every call: admits the caller (key, role, rate limit),
// turns the handler's outcome into what the client is told, records writes
// and exports in the audit log before answering, and logs the call.
// Thread-safe.
class CallGate {
 public:
  // `metrics` (may be null) counts the calls, their codes and durations.
  CallGate(access::KeyAuthenticator& authenticator, access::AuditLog& audit_log,
           metrics::ServerMetrics* metrics = nullptr)
      : authenticator_(authenticator), audit_log_(audit_log), metrics_(metrics) {}

  // Decides on a call to `method` as it starts. `authorization` and
  // `request_id` are the call's metadata of those names (see
  // kRequestIdMetadata), if any; `peer` the client's address.
  GatedCall Admit(const MethodInfo& method, std::optional<absl::string_view> authorization,
                  std::optional<absl::string_view> request_id, std::string peer);

  // Ends `call` with `outcome`: runs `answer` with the status to send once the
  // audit log holds the call (a call told OK whose event could not be written
  // is answered UNAVAILABLE instead), and logs it with its request id.
  void Close(GatedCall& call, const absl::Status& outcome, absl::AnyInvocable<void(grpc::Status) &&> answer);

  // The metrics series for calls to `path` (MethodInfo::series); nullptr without metrics.
  metrics::MethodSeries* SeriesFor(const std::string& path) {
    return metrics_ != nullptr ? metrics_->ForMethod(path) : nullptr;
  }

 private:
  access::KeyAuthenticator& authenticator_;
  access::AuditLog& audit_log_;
  metrics::ServerMetrics* const metrics_;
};

// The status a client is told for `outcome`. Server faults (INTERNAL,
// UNKNOWN, DATA_LOSS) never carry their detail to the client, which may hold
// database driver text: the client gets a short id (`error_id`, also set) to
// quote, and the log line carries the id with the detail. Other messages are
// capped at 1,024 bytes (clients refuse trailers over 8 KiB).
grpc::Status ClientStatus(const absl::Status& outcome, std::string& error_id);

}  // namespace satisfaction::rpc

#endif  // SATISFACTION_SERVICES_RPC_CALL_GATE_H_
