#include "services/access/admission.h"

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace satisfaction::access {
namespace {

// What is known of a call under way.
struct Admission {
  absl::StatusOr<Caller> decision;
  std::optional<v1::AuditEvent> pending_audit;
  bool audited_with_write = false;
};

struct Admissions {
  absl::Mutex mutex;
  absl::flat_hash_map<const grpc::ServerContextBase*, Admission> calls ABSL_GUARDED_BY(mutex);
};

// One per process: a call's context is unique among the calls under way in
// every server of the process.
Admissions& All() {
  static auto* admissions = new Admissions();
  return *admissions;
}

}  // namespace

absl::StatusOr<Caller> AdmittedCaller(const grpc::ServerContextBase& call) {
  Admissions& all = All();
  absl::MutexLock lock(&all.mutex);
  auto it = all.calls.find(&call);
  if (it == all.calls.end()) return absl::UnauthenticatedError("no access decision was made for this call");
  return it->second.decision;
}

void RecordAdmission(const grpc::ServerContextBase* call, absl::StatusOr<Caller> decision) {
  Admissions& all = All();
  absl::MutexLock lock(&all.mutex);
  all.calls[call].decision = std::move(decision);
}

void ForgetAdmission(const grpc::ServerContextBase* call) {
  Admissions& all = All();
  absl::MutexLock lock(&all.mutex);
  all.calls.erase(call);
}

std::optional<v1::AuditEvent> PendingAuditEvent(const grpc::ServerContextBase& call) {
  Admissions& all = All();
  absl::MutexLock lock(&all.mutex);
  auto it = all.calls.find(&call);
  if (it == all.calls.end()) return std::nullopt;
  return it->second.pending_audit;
}

void MarkAuditedWithWrite(const grpc::ServerContextBase& call) {
  Admissions& all = All();
  absl::MutexLock lock(&all.mutex);
  auto it = all.calls.find(&call);
  if (it != all.calls.end()) it->second.audited_with_write = true;
}

void RecordPendingAudit(const grpc::ServerContextBase* call, v1::AuditEvent event) {
  Admissions& all = All();
  absl::MutexLock lock(&all.mutex);
  all.calls[call].pending_audit = std::move(event);
}

bool AuditedWithWrite(const grpc::ServerContextBase* call) {
  Admissions& all = All();
  absl::MutexLock lock(&all.mutex);
  auto it = all.calls.find(call);
  return it != all.calls.end() && it->second.audited_with_write;
}

}  // namespace satisfaction::access
