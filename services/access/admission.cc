#include "services/access/admission.h"

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace satisfaction::access {
namespace {

struct Admissions {
  absl::Mutex mutex;
  absl::flat_hash_map<const grpc::ServerContextBase*, absl::StatusOr<Caller>> decisions ABSL_GUARDED_BY(mutex);
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
  auto it = all.decisions.find(&call);
  if (it == all.decisions.end()) return absl::UnauthenticatedError("no access decision was made for this call");
  return it->second;
}

void RecordAdmission(const grpc::ServerContextBase* call, absl::StatusOr<Caller> decision) {
  Admissions& all = All();
  absl::MutexLock lock(&all.mutex);
  all.decisions.insert_or_assign(call, std::move(decision));
}

void ForgetAdmission(const grpc::ServerContextBase* call) {
  Admissions& all = All();
  absl::MutexLock lock(&all.mutex);
  all.decisions.erase(call);
}

}  // namespace satisfaction::access
