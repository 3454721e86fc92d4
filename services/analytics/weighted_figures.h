#ifndef SATISFACTION_SERVICES_ANALYTICS_WEIGHTED_FIGURES_H_
#define SATISFACTION_SERVICES_ANALYTICS_WEIGHTED_FIGURES_H_

#include <map>
#include <vector>

#include "satisfaction/v1/analytics.pb.h"
#include "services/analytics/satisfaction_figures.h"

// The satisfaction figures post-stratified by customer type: reweighted to a
// target mix of types, with Kish's effective sample size standing in for the
// number of answers in the intervals (see v1::WeightedFigures).
namespace satisfaction::analytics {

// Each customer type's share of the target mix (v1::CustomerType to a share
// above 0, on any scale); a type not named has none.
using TypeShares = std::map<int, double>;

// One 5-point item's answers in a group, by the customer type of the
// responses, with its weight in the index.
struct StratifiedItem {
  double weight = 1;
  std::map<int, ScoreCounts> by_type;
};

// The figures of the items' answers reweighted to `target` (not empty).
// Unset figures when no answer is of a type in the target; an interval is
// unset when fewer than two answers are.
v1::WeightedFigures WeightedFiguresOf(const std::vector<const StratifiedItem*>& items, const TypeShares& target);

}  // namespace satisfaction::analytics

#endif  // SATISFACTION_SERVICES_ANALYTICS_WEIGHTED_FIGURES_H_
