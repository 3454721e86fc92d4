#ifndef SATISFACTION_SERVICES_LEASES_CLAIMER_H_
#define SATISFACTION_SERVICES_LEASES_CLAIMER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/flow_observer.h"
#include "services/leases/lease_token.h"
#include "services/leases/revisit_leases.h"
#include "services/settings/contact_policy_settings.h"
#include "services/storage/database.h"

namespace satisfaction::leases {

// Claims a store's planned revisits under leases: one claim at a time per
// scope on this server (ClaimTurns), going on from where the last one stopped
// (ClaimCursors), by the contact policy in force.
class Claimer {
 public:
  // `flow` (may be null) hears of the revisits a claim ends on the way.
  explicit Claimer(storage::Database& database, FlowObserver* flow = nullptr)
      : database_(database), flow_(flow), contact_policy_(settings::MakeContactPolicyDocument(database)) {}

  // Leases up to `max_count` revisits of `scope` to `secret` and `holder`
  // until `now + lease`, and commits: their ids. All or nothing, so a
  // deadlock victim simply claims again.
  absl::StatusOr<std::vector<long long>> Claim(const ClaimScope& scope, const std::string& holder, int max_count,
                                               absl::Duration lease, const LeaseSecret& secret, absl::Time now);

  // The contact policy, for the store's other work.
  settings::ContactPolicyDocument& contact_policy() { return contact_policy_; }

 private:
  storage::Database& database_;
  FlowObserver* const flow_;
  settings::ContactPolicyDocument contact_policy_;
  ClaimTurns turns_;
  ClaimCursors cursors_;
  LapsedLeaseSweeps lapsed_lease_sweeps_;
};

}  // namespace satisfaction::leases

#endif  // SATISFACTION_SERVICES_LEASES_CLAIMER_H_
