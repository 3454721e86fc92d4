#include "services/analytics/weighted_figures.h"

#include <array>
#include <cmath>
#include <set>

namespace satisfaction::analytics {

namespace {

// Answers of the types in the target, each type weighted by its target share
// renormalized over the types that answered: P_h·a/a_h an answer.
struct WeightedAnswers {
  long long answers = 0;  // a: of the types in the target
  double effective = 0;   // Kish's (Σw)²/Σw² = 1/Σ P_h²/a_h
  double mean = 0;        // Σ P_h·x̄_h
  // Σw(x − mean)²/Σw · n_eff/(n_eff − 1): the unbiased variance under
  // reliability weights, the plain sample variance when weights are equal.
  // Only when answers >= 2.
  double variance = 0;
  double satisfied = 0, dissatisfied = 0;  // weighted shares of 4-5s and 1-2s, 0 to 1

  double StandardError() const { return std::sqrt(variance / effective); }
};

WeightedAnswers Weigh(const std::map<int, ScoreCounts>& by_type, const TypeShares& target) {
  WeightedAnswers weighted;
  double covered = 0;
  for (const auto& [type, counts] : by_type) {
    auto share = target.find(type);
    if (share == target.end() || counts.answers() == 0) continue;
    covered += share->second;
    weighted.answers += counts.answers();
  }
  if (weighted.answers == 0) return weighted;

  // Each type's answers as the shares of its scores, weighted by its share.
  std::array<double, 5> score_shares{};
  double sum_of_squared_shares = 0;
  for (const auto& [type, counts] : by_type) {
    auto share = target.find(type);
    if (share == target.end() || counts.answers() == 0) continue;
    double p = share->second / covered, a = static_cast<double>(counts.answers());
    sum_of_squared_shares += p * p / a;
    for (int score = 1; score <= 5; ++score) score_shares[score - 1] += p * counts.of_score[score - 1] / a;
  }
  weighted.effective = 1 / sum_of_squared_shares;
  for (int score = 1; score <= 5; ++score) weighted.mean += score * score_shares[score - 1];
  weighted.satisfied = score_shares[3] + score_shares[4];
  weighted.dissatisfied = score_shares[0] + score_shares[1];
  if (weighted.answers >= 2) {
    // Around the weighted mean (two passes: no cancellation when all agree).
    double spread = 0;
    for (int score = 1; score <= 5; ++score) {
      spread += score_shares[score - 1] * (score - weighted.mean) * (score - weighted.mean);
    }
    weighted.variance = spread * weighted.effective / (weighted.effective - 1);
  }
  return weighted;
}

// Every type's answers over the items.
std::map<int, ScoreCounts> PooledByType(const std::vector<const StratifiedItem*>& items) {
  std::map<int, ScoreCounts> pooled;
  for (const StratifiedItem* item : items) {
    for (const auto& [type, counts] : item->by_type) {
      for (int score = 1; score <= 5; ++score) pooled[type].Add(score, counts.of_score[score - 1]);
    }
  }
  return pooled;
}

}  // namespace

v1::WeightedFigures WeightedFiguresOf(const std::vector<const StratifiedItem*>& items, const TypeShares& target) {
  v1::WeightedFigures figures;
  const std::map<int, ScoreCounts> by_type = PooledByType(items);
  WeightedAnswers all = Weigh(by_type, target);

  // The strata: every type in the target or answering.
  double target_total = 0, covered = 0;
  for (const auto& [type, share] : target) target_total += share;
  std::set<int> types;
  for (const auto& [type, share] : target) types.insert(type);
  for (const auto& [type, counts] : by_type) {
    if (counts.answers() > 0) types.insert(type);
  }
  auto answers_of = [&](int type) {
    auto counts = by_type.find(type);
    return counts == by_type.end() ? 0 : counts->second.answers();
  };
  for (int type : types) {
    auto share = target.find(type);
    if (share != target.end() && answers_of(type) > 0) covered += share->second;
  }
  double uncovered = 0;
  for (int type : types) {
    v1::StratumWeight& stratum = *figures.add_strata();
    auto share = target.find(type);
    double target_share = share == target.end() ? 0 : share->second;
    long long answers = answers_of(type);
    stratum.set_customer_type(static_cast<v1::CustomerType>(type));
    stratum.set_answers(answers);
    stratum.set_target_share(target_share / target_total);
    if (answers == 0) uncovered += target_share;
    if (answers > 0 && target_share > 0) {
      stratum.set_weight(target_share / covered * static_cast<double>(all.answers) / static_cast<double>(answers));
    }
  }
  figures.set_uncovered_share(uncovered / target_total);
  figures.set_effective_answers(all.effective);
  if (all.answers == 0) return figures;

  figures.set_mean_score(all.mean);
  if (all.answers >= 2) *figures.mutable_mean_score_interval() = IntervalAround(all.mean, kZ95 * all.StandardError());
  figures.set_csat_percent(100 * all.satisfied);
  *figures.mutable_csat_interval() = WilsonPercentOfShare(all.satisfied, all.effective);
  figures.set_dissatisfied_percent(100 * all.dissatisfied);
  *figures.mutable_dissatisfied_interval() = WilsonPercentOfShare(all.dissatisfied, all.effective);

  // Index: each item's weighted mean, reweighted over the types that answered
  // it, then the items' weights as in the plain index; items independent.
  double weights = 0, weighted_index = 0;
  bool every_item_has_two_answers = true;
  std::vector<std::pair<double, WeightedAnswers>> answered;  // item weight, its answers
  for (const StratifiedItem* item : items) {
    WeightedAnswers of_item = Weigh(item->by_type, target);
    if (of_item.answers == 0) continue;
    weights += item->weight;
    weighted_index += item->weight * 25 * (of_item.mean - 1);
    every_item_has_two_answers = every_item_has_two_answers && of_item.answers >= 2;
    answered.emplace_back(item->weight, of_item);
  }
  double index = weighted_index / weights;
  figures.set_index(index);
  if (every_item_has_two_answers) {
    double variance = 0;
    for (const auto& [weight, of_item] : answered) {
      double share = weight / weights, error = 25 * of_item.StandardError();
      variance += share * share * error * error;
    }
    *figures.mutable_index_interval() = IntervalAround(index, kZ95 * std::sqrt(variance));
  }
  return figures;
}

}  // namespace satisfaction::analytics
