#ifndef SATISFACTION_SERVICES_REVISITS_FUNNEL_COUNTS_H_
#define SATISFACTION_SERVICES_REVISITS_FUNNEL_COUNTS_H_

#include <array>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/string_view.h"
#include "satisfaction/v1/callback.pb.h"
#include "services/storage/galera.h"
#include "services/storage/transaction.h"
#include "services/storage/write_batch.h"

namespace satisfaction::revisits {

// The call outcomes that reached the customer: they picked up (completed,
// refused, call back later, do not call).
inline constexpr v1::CallOutcome kCallOutcomesThatReach[] = {v1::CALL_OUTCOME_COMPLETED, v1::CALL_OUTCOME_REFUSED,
                                                             v1::CALL_OUTCOME_CALL_BACK_LATER,
                                                             v1::CALL_OUTCOME_DO_NOT_CALL};
// Whether a call with this outcome (a CallOutcome) reached the customer.
bool CallReachedCustomer(int outcome);

// An SQL condition on the revisit `alias` that holds when something that
// reached its customer is stored: an answer, a call picked up, a message
// delivered. What the `reached` mark says, read from the raw rows.
std::string ReachedInRawRows(absl::string_view alias);

// The funnel's totals are counted per quarter-hour of planning: every day of
// every time zone is whole quarter-hours, so the days of any report sum
// whole buckets.
inline constexpr long long kFunnelBucketMicros = 15 * 60 * 1'000'000LL;

// The start of the quarter-hour that holds `at_us`.
inline long long FunnelBucketOf(long long at_us) { return at_us - at_us % kFunnelBucketMicros; }

// Each node adds to this many rows of a questionnaire's quarter-hour, a
// revisit's counts to the row its id picks: a row stays locked from a
// writer's upsert to its commit, and concurrent writers (RecordEvent plans in
// a transaction each) would otherwise queue on one row. Readers sum them.
inline constexpr int kFunnelSlotsANode = 4;

// Counts for revisit_funnel_rollups, the aggregate GetResponseFunnel's totals
// read: of the survey revisits planned in a quarter-hour, by questionnaire,
// how many were planned, reached their customer (an answer, a call picked up,
// a message delivered) and were answered. A writer counts what its
// transaction does, then adds the counts to its rows last (they are shared
// with other writers, and stay locked until the commit).
class FunnelCounts {
 public:
  // The survey revisit `id` of `questionnaire_id`, planned at `created_at_us`.
  void AddPlanned(long long id, const std::string& questionnaire_id, long long created_at_us);

  // Marks the revisits `ids` as having reached their customer, and counts
  // each survey revisit among them as reached the first time only; with
  // `answered`, each also counts as answered (a revisit has one answer at
  // most). Locks the revisits, so that two writers never both count one.
  void MarkReached(storage::Transaction& tx, const std::vector<long long>& ids, bool answered);

  // Adds the upsert of the counts to the rows of `node` (slots from its
  // index × kFunnelSlotsANode on); nothing when nothing was counted.
  void AddTo(storage::WriteBatch& writes, storage::ClusterNode node) const;
  // The same, run now.
  void Write(storage::Transaction& tx) const;

 private:
  // planned, reached, answered
  using Counts = std::array<long long, 3>;
  // By questionnaire, quarter-hour and the revisit's row among the node's.
  std::map<std::tuple<std::string, long long, int>, Counts> counts_;
};

}  // namespace satisfaction::revisits

#endif  // SATISFACTION_SERVICES_REVISITS_FUNNEL_COUNTS_H_
