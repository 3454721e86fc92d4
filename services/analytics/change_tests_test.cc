#include "services/analytics/change_tests.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "tests/support/reference_values.h"

namespace satisfaction::analytics {
namespace {

ScoreCounts Counts(std::array<long long, 5> of_score) { return {.of_score = of_score}; }

void ExpectClose(double actual, double expected, const std::string& what) {
  EXPECT_NEAR(actual, expected, 1e-9 * std::max(1.0, std::abs(expected))) << what;
}

TEST(ChangeTestsTest, TheTestsAndTheAdjustmentMatchSciPy) {
  const std::vector<std::array<long long, 4>> proportions = {{45, 60, 30, 55}, {820, 1000, 790, 1000}, {3, 40, 9, 38}};
  const std::vector<std::pair<ScoreCounts, ScoreCounts>> means = {
      {Counts({2, 3, 10, 25, 20}), Counts({5, 8, 12, 15, 9})},
      {Counts({100, 50, 200, 400, 250}), Counts({90, 70, 180, 420, 240})},
      {Counts({0, 0, 1, 1, 0}), Counts({1, 0, 0, 0, 3})}};
  const std::vector<double> p_values = {0.01, 0.04, 0.03, 0.2, 0.002, 0.04};
  std::string cases = R"({"proportions": [)";
  for (size_t i = 0; i < proportions.size(); ++i) {
    const auto& [s, n, bs, bn] = proportions[i];
    absl::StrAppend(&cases, i ? ", " : "", "[", s, ", ", n, ", ", bs, ", ", bn, "]");
  }
  absl::StrAppend(&cases, R"(], "means": [)");
  for (size_t i = 0; i < means.size(); ++i) {
    absl::StrAppend(&cases, i ? ", " : "", "[[", absl::StrJoin(means[i].first.of_score, ", "), "], [",
                    absl::StrJoin(means[i].second.of_score, ", "), "]]");
  }
  absl::StrAppend(&cases, R"(], "p_values": [)", absl::StrJoin(p_values, ", "), "]}");
  std::vector<double> reference = test_support::ChangeTestReferences(cases);
  ASSERT_EQ(reference.size(), 2 * proportions.size() + 3 * means.size() + p_values.size()) << cases;

  size_t at = 0;
  for (const auto& [s, n, bs, bn] : proportions) {
    std::optional<v1::ChangeTest> z = TwoProportionZTest(s, n, bs, bn);
    ASSERT_TRUE(z.has_value());
    std::string what = absl::StrCat(s, "/", n, " against ", bs, "/", bn);
    ExpectClose(z->statistic() * z->statistic(), reference[at++], what + ": z squared");
    ExpectClose(z->p_value(), reference[at++], what + ": p");
    ExpectClose(z->change(), 100.0 * s / n - 100.0 * bs / bn, what + ": change in points");
    EXPECT_EQ(z->statistic() > 0, s * bn > bs * n) << what;
  }
  for (const auto& [now, base] : means) {
    std::optional<v1::ChangeTest> t = WelchTTest(now, base);
    ASSERT_TRUE(t.has_value());
    ExpectClose(t->statistic(), reference[at++], "t");
    ExpectClose(t->degrees_of_freedom(), reference[at++], "degrees of freedom");
    ExpectClose(t->p_value(), reference[at++], "p");
  }
  std::vector<double> adjusted = BenjaminiHochberg(p_values);
  for (size_t i = 0; i < p_values.size(); ++i) ExpectClose(adjusted[i], reference[at++], absl::StrCat("BH ", i));
}

TEST(ChangeTestsTest, WhatCannotBeTestedIsNot) {
  EXPECT_FALSE(TwoProportionZTest(1, 0, 3, 10).has_value()) << "no trials now";
  std::optional<v1::ChangeTest> all_satisfied = TwoProportionZTest(10, 10, 20, 20);
  ASSERT_TRUE(all_satisfied.has_value());
  EXPECT_EQ(all_satisfied->p_value(), 1);
  EXPECT_EQ(all_satisfied->change(), 0);
  EXPECT_FALSE(WelchTTest(Counts({0, 0, 0, 1, 0}), Counts({0, 0, 3, 4, 0})).has_value()) << "one answer";
  EXPECT_FALSE(WelchTTest(Counts({0, 0, 0, 5, 0}), Counts({0, 0, 0, 0, 7})).has_value()) << "no spread on either side";
  EXPECT_TRUE(BenjaminiHochberg({}).empty());
  EXPECT_EQ(BenjaminiHochberg({0.03}), std::vector<double>{0.03}) << "one test is not adjusted";
}

}  // namespace
}  // namespace satisfaction::analytics
