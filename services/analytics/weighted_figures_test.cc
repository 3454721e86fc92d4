#include "services/analytics/weighted_figures.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/reference_values.h"

namespace satisfaction::analytics {
namespace {

using test_support::WeightedReference;
using test_support::WeightingCase;

void ExpectClose(double actual, double expected, const std::string& what) {
  EXPECT_NEAR(actual, expected, 1e-9 * std::max(1.0, std::abs(expected))) << what;
}

std::vector<const StratifiedItem*> Pointers(const std::vector<StratifiedItem>& items) {
  std::vector<const StratifiedItem*> pointers;
  for (const StratifiedItem& item : items) pointers.push_back(&item);
  return pointers;
}

WeightingCase CaseOf(const std::vector<StratifiedItem>& items, const TypeShares& target) {
  WeightingCase c{.target = target};
  for (const StratifiedItem& item : items) {
    auto& by_type = c.items.emplace_back(item.weight, std::map<int, std::array<long long, 5>>{}).second;
    for (const auto& [type, counts] : item.by_type) by_type[type] = counts.of_score;
  }
  return c;
}

StratifiedItem Item(double weight, std::map<int, std::array<long long, 5>> by_type) {
  StratifiedItem item{.weight = weight};
  for (const auto& [type, counts] : by_type) item.by_type[type] = {.of_score = counts};
  return item;
}

TEST(WeightedFiguresTest, TheWeightedFiguresMatchNumPyOverTheAnswersSpelledOut) {
  const std::vector<std::pair<std::vector<StratifiedItem>, TypeShares>> cases = {
      // New customers answer most but are a fifth of the registry.
      {{Item(2, {{v1::CUSTOMER_TYPE_NEW, {3, 4, 10, 20, 13}}, {v1::CUSTOMER_TYPE_LOYAL, {0, 1, 2, 4, 5}}}),
        Item(1, {{v1::CUSTOMER_TYPE_NEW, {5, 6, 9, 18, 12}}, {v1::CUSTOMER_TYPE_LOYAL, {1, 0, 3, 5, 3}}})},
       {{v1::CUSTOMER_TYPE_NEW, 200}, {v1::CUSTOMER_TYPE_LOYAL, 800}}},
      // A type in the target answered nothing (uncovered); one outside it is
      // not weighted; loyal customers skip the second item.
      {{Item(2, {{v1::CUSTOMER_TYPE_ACTIVE, {1, 2, 3, 4, 5}},
                 {v1::CUSTOMER_TYPE_LOYAL, {0, 0, 1, 3, 6}},
                 {v1::CUSTOMER_TYPE_CHURNED, {4, 1, 0, 0, 0}}}),
        Item(1, {{v1::CUSTOMER_TYPE_ACTIVE, {0, 1, 2, 2, 1}}, {v1::CUSTOMER_TYPE_DORMANT, {1, 0, 0, 1, 0}}}),
        Item(0.5, {{v1::CUSTOMER_TYPE_LOYAL, {0, 0, 0, 2, 2}}, {v1::CUSTOMER_TYPE_DORMANT, {0, 1, 1, 0, 0}}})},
       {{v1::CUSTOMER_TYPE_ACTIVE, 30},
        {v1::CUSTOMER_TYPE_LOYAL, 45},
        {v1::CUSTOMER_TYPE_DORMANT, 15},
        {v1::CUSTOMER_TYPE_NEW, 10}}},
      // Everyone agrees within a type: the spread is between the types.
      {{Item(1, {{v1::CUSTOMER_TYPE_NEW, {0, 0, 0, 0, 7}}, {v1::CUSTOMER_TYPE_DORMANT, {0, 3, 0, 0, 0}}})},
       {{v1::CUSTOMER_TYPE_NEW, 0.25}, {v1::CUSTOMER_TYPE_DORMANT, 0.75}}},
  };
  std::vector<WeightingCase> asked;
  for (const auto& [items, target] : cases) asked.push_back(CaseOf(items, target));
  std::vector<WeightedReference> reference = test_support::WeightedFigureReferences(asked);
  ASSERT_EQ(reference.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    v1::WeightedFigures figures = WeightedFiguresOf(Pointers(cases[i].first), cases[i].second);
    test_support::ExpectAsReference(figures, reference[i], absl::StrCat("case ", i));
  }
}

TEST(WeightedFiguresTest, TheStrataShowEachTypesAnswersShareAndWeight) {
  std::vector<StratifiedItem> items = {Item(1, {{v1::CUSTOMER_TYPE_NEW, {0, 0, 2, 4, 4}},
                                                {v1::CUSTOMER_TYPE_LOYAL, {0, 0, 0, 5, 5}},
                                                {v1::CUSTOMER_TYPE_CHURNED, {1, 1, 0, 0, 0}}})};
  TypeShares target = {{v1::CUSTOMER_TYPE_NEW, 3}, {v1::CUSTOMER_TYPE_LOYAL, 1}, {v1::CUSTOMER_TYPE_DORMANT, 4}};
  v1::WeightedFigures figures = WeightedFiguresOf(Pointers(items), target);
  ASSERT_EQ(figures.strata_size(), 4);
  // New 3/4 and loyal 1/4 of the types answered, 20 answers between them.
  EXPECT_EQ(figures.strata(0).customer_type(), v1::CUSTOMER_TYPE_NEW);
  EXPECT_EQ(figures.strata(0).answers(), 10);
  EXPECT_DOUBLE_EQ(figures.strata(0).target_share(), 3.0 / 8);
  EXPECT_DOUBLE_EQ(figures.strata(0).weight(), 0.75 * 20 / 10);
  EXPECT_EQ(figures.strata(1).customer_type(), v1::CUSTOMER_TYPE_DORMANT);
  EXPECT_EQ(figures.strata(1).answers(), 0);
  EXPECT_DOUBLE_EQ(figures.strata(1).target_share(), 4.0 / 8);
  EXPECT_EQ(figures.strata(1).weight(), 0);
  EXPECT_EQ(figures.strata(2).customer_type(), v1::CUSTOMER_TYPE_CHURNED);
  EXPECT_EQ(figures.strata(2).answers(), 2);
  EXPECT_EQ(figures.strata(2).target_share(), 0) << "outside the target";
  EXPECT_EQ(figures.strata(2).weight(), 0);
  EXPECT_EQ(figures.strata(3).customer_type(), v1::CUSTOMER_TYPE_LOYAL);
  EXPECT_DOUBLE_EQ(figures.strata(3).weight(), 0.25 * 20 / 10);
  EXPECT_DOUBLE_EQ(figures.uncovered_share(), 0.5);
  EXPECT_DOUBLE_EQ(figures.mean_score(), 0.75 * 4.2 + 0.25 * 4.5);
  EXPECT_DOUBLE_EQ(figures.csat_percent(), 100 * (0.75 * 0.8 + 0.25 * 1));
  // Kish: 1 / Σ P_h²/a_h.
  EXPECT_DOUBLE_EQ(figures.effective_answers(), 1 / (0.75 * 0.75 / 10 + 0.25 * 0.25 / 10));
}

// When the group's own mix is the target, every answer weighs 1 and the
// weighted figures are the plain ones.
TEST(WeightedFiguresTest, TheGroupsOwnMixGivesThePlainFigures) {
  std::vector<StratifiedItem> items = {
      Item(2, {{v1::CUSTOMER_TYPE_NEW, {1, 2, 5, 8, 4}}, {v1::CUSTOMER_TYPE_ACTIVE, {0, 1, 3, 4, 2}}}),
      Item(1, {{v1::CUSTOMER_TYPE_NEW, {2, 2, 4, 7, 5}}, {v1::CUSTOMER_TYPE_ACTIVE, {1, 1, 2, 3, 3}}})};
  // 40 answers of new customers, 20 of active ones; each item 20 and 10.
  v1::WeightedFigures weighted =
      WeightedFiguresOf(Pointers(items), {{v1::CUSTOMER_TYPE_NEW, 2}, {v1::CUSTOMER_TYPE_ACTIVE, 1}});
  std::vector<ItemTally> tallies;
  for (const StratifiedItem& item : items) {
    ItemTally& tally = tallies.emplace_back(ItemTally{.weight = item.weight});
    for (const auto& [type, counts] : item.by_type) {
      for (int score = 1; score <= 5; ++score) tally.scores.Add(score, counts.of_score[score - 1]);
    }
  }
  v1::Figures plain = FiguresOf({&tallies[0], &tallies[1]});
  ExpectClose(weighted.effective_answers(), static_cast<double>(plain.answers()), "n_eff");
  for (const v1::StratumWeight& stratum : weighted.strata()) ExpectClose(stratum.weight(), 1, "weight");
  ExpectClose(weighted.mean_score(), plain.mean_score(), "mean");
  ExpectClose(weighted.mean_score_interval().low(), plain.mean_score_interval().low(), "mean low");
  ExpectClose(weighted.csat_percent(), plain.csat_percent(), "CSAT");
  ExpectClose(weighted.csat_interval().high(), plain.csat_interval().high(), "CSAT high");
  ExpectClose(weighted.dissatisfied_interval().low(), plain.dissatisfied_interval().low(), "dissatisfied low");
  ExpectClose(weighted.index(), plain.index(), "index");
  ExpectClose(weighted.index_interval().low(), plain.index_interval().low(), "index low");
}

TEST(WeightedFiguresTest, WhatCannotBeWeighedIsUnset) {
  // Only a type outside the target answered.
  std::vector<StratifiedItem> outside = {Item(1, {{v1::CUSTOMER_TYPE_CHURNED, {0, 0, 1, 1, 0}}})};
  v1::WeightedFigures none = WeightedFiguresOf(Pointers(outside), {{v1::CUSTOMER_TYPE_NEW, 1}});
  EXPECT_FALSE(none.has_mean_score() || none.has_csat_percent() || none.has_index());
  EXPECT_EQ(none.effective_answers(), 0);
  EXPECT_EQ(none.uncovered_share(), 1);
  ASSERT_EQ(none.strata_size(), 2);
  EXPECT_EQ(none.strata(1).answers(), 2);

  // One answer: figures, but no spread to give an interval of the mean or index.
  std::vector<StratifiedItem> one = {Item(1, {{v1::CUSTOMER_TYPE_NEW, {0, 0, 0, 1, 0}}})};
  v1::WeightedFigures single = WeightedFiguresOf(Pointers(one), {{v1::CUSTOMER_TYPE_NEW, 1}});
  EXPECT_EQ(single.mean_score(), 4);
  EXPECT_FALSE(single.has_mean_score_interval());
  EXPECT_FALSE(single.has_index_interval());
  EXPECT_EQ(single.effective_answers(), 1);
  EXPECT_TRUE(single.has_csat_interval()) << "Wilson's needs no spread";
}

}  // namespace
}  // namespace satisfaction::analytics
