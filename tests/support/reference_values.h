#ifndef SATISFACTION_TESTS_SUPPORT_REFERENCE_VALUES_H_
#define SATISFACTION_TESTS_SUPPORT_REFERENCE_VALUES_H_

#include <array>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "satisfaction/v1/analytics.pb.h"

// Reference values for the statistics tests, computed another way by the
// scripts in tests/reference/ with Debian's python3, NumPy and SciPy. Each
// fails the test, and returns what it read, if its script fails.
namespace satisfaction::test_support {

// The values tests/reference/change_tests.py prints for `cases` (JSON; see
// the script).
std::vector<double> ChangeTestReferences(const std::string& cases);

// Answers to weight: items, each with its weight in the index and, by
// customer type, its counts of 1s to 5s; and the target's share of each type.
struct WeightingCase {
  std::vector<std::pair<double, std::map<int, std::array<long long, 5>>>> items;
  std::map<int, double> target;
};

// What tests/reference/weighted_figures.py gives for a case.
struct WeightedReference {
  double mean_score, mean_score_low, mean_score_high;
  double csat_percent, csat_low, csat_high;
  double dissatisfied_percent, dissatisfied_low, dissatisfied_high;
  double index, index_low, index_high;
  double effective_answers, uncovered_share;
  std::array<double, 6> weight_of_type;  // an answer's, by v1::CustomerType
};

// A reference per case, in order.
std::vector<WeightedReference> WeightedFigureReferences(const std::vector<WeightingCase>& cases);

// Expects `figures` to be `reference`, each figure within a relative 1e-9;
// `what` names the case in failures.
void ExpectAsReference(const v1::WeightedFigures& figures, const WeightedReference& reference, const std::string& what);

}  // namespace satisfaction::test_support

#endif  // SATISFACTION_TESTS_SUPPORT_REFERENCE_VALUES_H_
