#include "services/revisits/funnel_counts.h"

#include <algorithm>
#include <iterator>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "satisfaction/v1/message.pb.h"
#include "services/storage/counts_upsert.h"
#include "services/storage/query.h"
#include "services/storage/sql_text.h"

namespace satisfaction::revisits {

bool CallReachedCustomer(int outcome) {
  return std::find(std::begin(kCallOutcomesThatReach), std::end(kCallOutcomesThatReach), outcome) !=
         std::end(kCallOutcomesThatReach);
}

std::string ReachedInRawRows(absl::string_view alias) {
  return absl::StrCat("(EXISTS (SELECT 1 FROM responses answer WHERE answer.revisit_id = ", alias,
                      ".id) OR EXISTS (SELECT 1 FROM call_attempts attempt WHERE attempt.revisit_id = ", alias,
                      ".id AND attempt.outcome IN (", absl::StrJoin(kCallOutcomesThatReach, ", "),
                      ")) OR EXISTS (SELECT 1 FROM message_attempts delivery WHERE delivery.revisit_id = ", alias,
                      ".id AND delivery.outcome = ", v1::DELIVERY_OUTCOME_DELIVERED, "))");
}

namespace {

int RowOf(long long revisit_id) { return static_cast<int>(revisit_id % kFunnelSlotsANode); }

}  // namespace

void FunnelCounts::AddPlanned(long long id, const std::string& questionnaire_id, long long created_at_us) {
  ++counts_[{questionnaire_id, FunnelBucketOf(created_at_us), RowOf(id)}][0];
}

void FunnelCounts::MarkReached(storage::Transaction& tx, const std::vector<long long>& ids, bool answered) {
  absl::flat_hash_set<long long> distinct(ids.begin(), ids.end());
  if (distinct.empty()) return;
  std::vector<long long> all(distinct.begin(), distinct.end()), first_reached;
  long long id = 0, created_at_us = 0;
  int survey = 0, reached = 0;
  std::string questionnaire;
  storage::Query query(tx, absl::StrCat("SELECT id, questionnaire_id, created_at_us, survey, reached FROM revisits"
                                        " WHERE id IN (",
                                        storage::Placeholders("r", all.size()), ") ORDER BY id", tx.ForUpdate()));
  query.BindEach("r", all).Into(id).Into(questionnaire).Into(created_at_us).Into(survey).Into(reached).Start();
  while (query.Next()) {
    if (reached == 0) first_reached.push_back(id);
    if (survey == 0) continue;
    Counts& counts = counts_[{questionnaire, FunnelBucketOf(created_at_us), RowOf(id)}];
    if (reached == 0) ++counts[1];
    if (answered) ++counts[2];
  }
  if (first_reached.empty()) return;
  storage::Query(tx, absl::StrCat("UPDATE revisits SET reached = 1 WHERE id IN (",
                                  storage::Placeholders("r", first_reached.size()), ")"))
      .BindEach("r", first_reached)
      .Execute();
}

void FunnelCounts::AddTo(storage::WriteBatch& writes, storage::ClusterNode node) const {
  auto rows = std::make_shared<std::map<std::tuple<std::string, long long, int>, Counts>>();
  for (const auto& [key, counts] : counts_) {
    (*rows)[{std::get<0>(key), std::get<1>(key), node.index * kFunnelSlotsANode + std::get<2>(key)}] = counts;
  }
  storage::AddCountsUpsert<std::tuple<std::string, long long, int>, 3>(writes, "revisit_funnel_rollups",
                                                                       "questionnaire_id, quarter_start_us, slot",
                                                                       {"planned", "reached", "responded"}, "f", rows);
}

void FunnelCounts::Write(storage::Transaction& tx) const {
  if (counts_.empty()) return;
  storage::WriteBatch writes(tx);
  AddTo(writes, tx.cluster_node());
  writes.Execute();
}

}  // namespace satisfaction::revisits
