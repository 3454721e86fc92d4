#ifndef SATISFACTION_SERVICES_ANALYTICS_SATISFACTION_FIGURES_H_
#define SATISFACTION_SERVICES_ANALYTICS_SATISFACTION_FIGURES_H_

#include <array>
#include <vector>

#include "satisfaction/v1/analytics.pb.h"

// The formulas behind the satisfaction figures, over counts of 1s to 5s.
namespace satisfaction::analytics {

// The two-sided 95% point of the normal distribution, as the API states it.
inline constexpr double kZ95 = 1.96;

// How many answers gave each score, 1 to 5.
struct ScoreCounts {
  std::array<long long, 5> of_score{};

  void Add(int score, long long answers) { of_score[score - 1] += answers; }
  long long answers() const;
};

// One 5-point item's answers in a group, with its weight in the index and its
// dimension.
struct ItemTally {
  double weight = 1;
  int dimension = 0;  // v1::Dimension
  ScoreCounts scores;
};

// The figures over the items' answers (see v1::Figures): the mean and the
// shares over every answer; the index over the items answered, each by its
// own mean and weight.
v1::Figures FiguresOf(const std::vector<const ItemTally*>& items);

// value ± half_width.
v1::Interval IntervalAround(double value, double half_width);

// The Wilson score interval of `successes` in `trials` at 95%, in %.
v1::Interval WilsonPercent(long long successes, long long trials);
// The same for a share (0 to 1) of `trials` that need not be whole (an
// effective sample size).
v1::Interval WilsonPercentOfShare(double share, double trials);

}  // namespace satisfaction::analytics

#endif  // SATISFACTION_SERVICES_ANALYTICS_SATISFACTION_FIGURES_H_
