#include "services/analytics/satisfaction_figures.h"

#include <algorithm>
#include <cmath>

namespace satisfaction::analytics {

namespace {

// Mean and sample variance of the scores counted.
struct Moments {
  long long n = 0;
  double mean = 0, variance = 0;  // variance: only when n >= 2
};

Moments MomentsOf(const ScoreCounts& counts) {
  Moments moments;
  double sum = 0, sum_of_squares = 0;
  for (int score = 1; score <= 5; ++score) {
    long long c = counts.of_score[score - 1];
    moments.n += c;
    sum += static_cast<double>(score) * c;
    sum_of_squares += static_cast<double>(score) * score * c;
  }
  if (moments.n == 0) return moments;
  moments.mean = sum / moments.n;
  if (moments.n >= 2) {
    // Clamped: rounding can take an all-equal group a hair below zero.
    moments.variance = std::max(0.0, (sum_of_squares - sum * moments.mean) / (moments.n - 1));
  }
  return moments;
}

}  // namespace

v1::Interval IntervalAround(double value, double half_width) {
  v1::Interval interval;
  interval.set_low(value - half_width);
  interval.set_high(value + half_width);
  return interval;
}

long long ScoreCounts::answers() const {
  long long total = 0;
  for (long long c : of_score) total += c;
  return total;
}

v1::Interval WilsonPercent(long long successes, long long trials) {
  return WilsonPercentOfShare(static_cast<double>(successes) / static_cast<double>(trials),
                              static_cast<double>(trials));
}

v1::Interval WilsonPercentOfShare(double p, double n) {
  double z2 = kZ95 * kZ95;
  double center = (p + z2 / (2 * n)) / (1 + z2 / n);
  double half = kZ95 * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
  v1::Interval interval;
  interval.set_low(100 * std::max(0.0, center - half));
  interval.set_high(100 * std::min(1.0, center + half));
  return interval;
}

v1::Figures FiguresOf(const std::vector<const ItemTally*>& items) {
  ScoreCounts all;
  for (const ItemTally* item : items) {
    for (int score = 1; score <= 5; ++score) all.Add(score, item->scores.of_score[score - 1]);
  }
  v1::Figures figures;
  Moments moments = MomentsOf(all);
  figures.set_answers(moments.n);
  if (moments.n == 0) return figures;

  figures.set_mean_score(moments.mean);
  if (moments.n >= 2) {
    *figures.mutable_mean_score_interval() =
        IntervalAround(moments.mean, kZ95 * std::sqrt(moments.variance / moments.n));
  }
  long long satisfied = all.of_score[3] + all.of_score[4], dissatisfied = all.of_score[0] + all.of_score[1];
  figures.set_csat_percent(100.0 * satisfied / moments.n);
  *figures.mutable_csat_interval() = WilsonPercent(satisfied, moments.n);
  figures.set_dissatisfied_percent(100.0 * dissatisfied / moments.n);
  *figures.mutable_dissatisfied_interval() = WilsonPercent(dissatisfied, moments.n);

  // Index: Σ wᵢ·100·(x̄ᵢ − 1)/4 / Σ wᵢ; its variance Σ (wᵢ/W)²·25²·sᵢ²/nᵢ.
  double weights = 0, weighted = 0, variance = 0;
  bool every_item_has_spread = true;
  for (const ItemTally* item : items) {
    Moments m = MomentsOf(item->scores);
    if (m.n == 0) continue;
    weights += item->weight;
    weighted += item->weight * 25 * (m.mean - 1);
    every_item_has_spread = every_item_has_spread && m.n >= 2;
  }
  double index = weighted / weights;
  figures.set_index(index);
  if (every_item_has_spread) {
    for (const ItemTally* item : items) {
      Moments m = MomentsOf(item->scores);
      if (m.n == 0) continue;
      double share = item->weight / weights;
      variance += share * share * 625 * m.variance / m.n;
    }
    *figures.mutable_index_interval() = IntervalAround(index, kZ95 * std::sqrt(variance));
  }
  return figures;
}

}  // namespace satisfaction::analytics
