#include "services/leases/claimer.h"

#include "services/storage/transaction.h"

namespace satisfaction::leases {

absl::StatusOr<std::vector<long long>> Claimer::Claim(const ClaimScope& scope, const std::string& holder, int max_count,
                                                      absl::Duration lease, const LeaseSecret& secret, absl::Time now) {
  LeaseGrant grant{.token_hash = secret.hash, .holder = holder, .until_us = absl::ToUnixMicros(now + lease)};
  // A claim that meets a conflict runs again (see storage::RetryPolicy); one that
  // gave up its turn before failing to commit goes on without it, which SKIP
  // LOCKED keeps correct.
  ClaimTurns::Turn turn = turns_.Take(scope.cursor_key);
  return database_.InTransaction<std::vector<long long>>(
      storage::Access::kWrite, [&](storage::Transaction& tx) -> absl::StatusOr<std::vector<long long>> {
        absl::StatusOr<std::shared_ptr<const settings::ContactPolicyDocument::Snapshot>> policy =
            contact_policy_.InForce(tx);
        if (!policy.ok()) return policy.status();
        long long now_us = absl::ToUnixMicros(now);
        // A dialer or gateway that vanished must not keep its revisits until the maintenance loop runs.
        // Of the node's own share: servers on other nodes sweep theirs, and would collide here.
        if (lapsed_lease_sweeps_.Due(now)) ReturnLapsedLeases(tx, now_us, 100, OwnShare(tx.cluster_node(), now));
        std::vector<long long> claimed =
            ClaimDue(tx, scope, (*policy)->parsed, grant, max_count, now_us, cursors_, flow_);
        turn.Release();  // the next claim may start while this one commits
        return claimed;
      });
}

}  // namespace satisfaction::leases
