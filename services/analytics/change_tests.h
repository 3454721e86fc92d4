#ifndef SATISFACTION_SERVICES_ANALYTICS_CHANGE_TESTS_H_
#define SATISFACTION_SERVICES_ANALYTICS_CHANGE_TESTS_H_

#include <optional>
#include <vector>

#include "satisfaction/v1/analytics.pb.h"
#include "services/analytics/satisfaction_figures.h"

// Whether a figure changed between two ranges for real, from the counts the
// aggregates keep (see v1::ChangeTest).
namespace satisfaction::analytics {

// The two-proportion z-test (pooled) of `successes` of `trials` now against
// `base_successes` of `base_trials`; the change in percentage points.
// Nothing when a side has no trials. Equal shares of 0% or 100% on both
// sides change nothing: z 0, p 1.
std::optional<v1::ChangeTest> TwoProportionZTest(long long successes, long long trials, long long base_successes,
                                                 long long base_trials);

// Welch's t-test of the mean score now against the base range's. Nothing
// when a side has fewer than two answers, or neither side any spread.
std::optional<v1::ChangeTest> WelchTTest(const ScoreCounts& now, const ScoreCounts& base);

// Benjamini–Hochberg adjusted p-values, in the order given.
std::vector<double> BenjaminiHochberg(const std::vector<double>& p_values);

}  // namespace satisfaction::analytics

#endif  // SATISFACTION_SERVICES_ANALYTICS_CHANGE_TESTS_H_
