#include "services/leases/claimer.h"

namespace satisfaction::leases {

absl::StatusOr<std::vector<long long>> Claimer::Claim(const ClaimScope& scope, const std::string& holder, int max_count,
                                                      absl::Duration lease, const LeaseSecret& secret, absl::Time now) {
  LeaseGrant grant{.token_hash = secret.hash, .holder = holder, .until_us = absl::ToUnixMicros(now + lease)};
  absl::StatusOr<std::vector<long long>> claimed;
  for (int attempt = 0; attempt < 4; ++attempt) {
    ClaimTurns::Turn turn = turns_.Take(scope.cursor_key);
    claimed = ClaimOnce(scope, grant, max_count, now, turn);
    if (claimed.status().code() != absl::StatusCode::kAborted) break;
  }
  return claimed;
}

absl::StatusOr<std::vector<long long>> Claimer::ClaimOnce(const ClaimScope& scope, const LeaseGrant& grant,
                                                          int max_count, absl::Time now, ClaimTurns::Turn& turn) {
  return database_.InTransaction<std::vector<long long>>(
      storage::Access::kWrite, [&](soci::session& session) -> absl::StatusOr<std::vector<long long>> {
        absl::StatusOr<std::shared_ptr<const settings::ContactPolicyDocument::Snapshot>> policy =
            contact_policy_.InForce(session);
        if (!policy.ok()) return policy.status();
        long long now_us = absl::ToUnixMicros(now);
        // A dialer or gateway that vanished must not keep its revisits until the maintenance loop runs.
        if (lapsed_lease_sweeps_.Due(now)) ReturnLapsedLeases(session, now_us, 100);
        std::vector<long long> claimed =
            ClaimDue(session, scope, (*policy)->parsed, grant, max_count, now_us, cursors_);
        turn.Release();  // the next claim may start while this one commits
        return claimed;
      });
}

}  // namespace satisfaction::leases
