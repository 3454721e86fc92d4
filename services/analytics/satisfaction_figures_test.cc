#include "services/analytics/satisfaction_figures.h"

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace satisfaction::analytics {
namespace {

// The expected figures, computed here straight from the raw scores.
double Mean(const std::vector<int>& scores) {
  double sum = 0;
  for (int s : scores) sum += s;
  return sum / scores.size();
}

double SampleSd(const std::vector<int>& scores) {
  double mean = Mean(scores), squares = 0;
  for (int s : scores) squares += (s - mean) * (s - mean);
  return std::sqrt(squares / (scores.size() - 1));
}

double SharePercent(const std::vector<int>& scores, int low, int high) {
  int hits = 0;
  for (int s : scores) hits += s >= low && s <= high;
  return 100.0 * hits / scores.size();
}

struct Item {
  double weight;
  std::vector<int> scores;
};

ItemTally TallyOf(const Item& item) {
  ItemTally tally{.weight = item.weight};
  for (int s : item.scores) tally.scores.Add(s, 1);
  return tally;
}

v1::Figures Compute(const std::vector<Item>& items) {
  std::vector<ItemTally> tallies;
  for (const Item& item : items) tallies.push_back(TallyOf(item));
  std::vector<const ItemTally*> pointers;
  for (const ItemTally& tally : tallies) pointers.push_back(&tally);
  return FiguresOf(pointers);
}

TEST(SatisfactionFiguresTest, WeightedItemsGiveTheIndexOfTheirMeans) {
  std::vector<Item> items = {{2.0, {5, 4, 4, 3, 5, 2}}, {1.0, {3, 3, 4, 1}}, {0.5, {5, 5, 5}}};
  v1::Figures figures = Compute(items);

  std::vector<int> all;
  for (const Item& item : items) all.insert(all.end(), item.scores.begin(), item.scores.end());
  EXPECT_EQ(figures.answers(), 13);
  EXPECT_NEAR(figures.mean_score(), Mean(all), 1e-12);
  double half = 1.96 * SampleSd(all) / std::sqrt(all.size());
  EXPECT_NEAR(figures.mean_score_interval().low(), Mean(all) - half, 1e-12);
  EXPECT_NEAR(figures.mean_score_interval().high(), Mean(all) + half, 1e-12);
  EXPECT_NEAR(figures.csat_percent(), SharePercent(all, 4, 5), 1e-12);
  EXPECT_NEAR(figures.dissatisfied_percent(), SharePercent(all, 1, 2), 1e-12);

  double weights = 0, weighted = 0, variance = 0;
  for (const Item& item : items) {
    weights += item.weight;
    weighted += item.weight * 100 * (Mean(item.scores) - 1) / 4;
  }
  for (const Item& item : items) {
    double se = (item.weight / weights) * 100 / 4 * SampleSd(item.scores) / std::sqrt(item.scores.size());
    variance += se * se;
  }
  EXPECT_NEAR(figures.index(), weighted / weights, 1e-9);
  EXPECT_NEAR(figures.index_interval().low(), weighted / weights - 1.96 * std::sqrt(variance), 1e-9);
  EXPECT_NEAR(figures.index_interval().high(), weighted / weights + 1.96 * std::sqrt(variance), 1e-9);
}

TEST(SatisfactionFiguresTest, WilsonIntervalMatchesItsFormula) {
  // 13 of 20: p = 0.65.
  double n = 20, p = 0.65, z = 1.96;
  double center = (p + z * z / (2 * n)) / (1 + z * z / n);
  double half = z * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n);
  v1::Interval interval = WilsonPercent(13, 20);
  EXPECT_NEAR(interval.low(), 100 * (center - half), 1e-9);
  EXPECT_NEAR(interval.high(), 100 * (center + half), 1e-9);
  EXPECT_NEAR(interval.low(), 43.29, 0.01);  // published value for 13/20
  EXPECT_NEAR(interval.high(), 81.88, 0.01);
}

TEST(SatisfactionFiguresTest, AllFivesAndAllOnesAreTheEndsOfTheScale) {
  v1::Figures fives = Compute({{1.0, {5, 5, 5, 5}}, {3.0, {5, 5}}});
  EXPECT_DOUBLE_EQ(fives.mean_score(), 5);
  EXPECT_DOUBLE_EQ(fives.index(), 100);
  EXPECT_DOUBLE_EQ(fives.csat_percent(), 100);
  EXPECT_DOUBLE_EQ(fives.dissatisfied_percent(), 0);
  EXPECT_DOUBLE_EQ(fives.index_interval().low(), 100);  // no spread, no width
  EXPECT_DOUBLE_EQ(fives.csat_interval().high(), 100);
  EXPECT_LT(fives.csat_interval().low(), 100);  // six answers do not prove 100%

  v1::Figures ones = Compute({{1.0, {1, 1, 1}}});
  EXPECT_DOUBLE_EQ(ones.mean_score(), 1);
  EXPECT_DOUBLE_EQ(ones.index(), 0);
  EXPECT_DOUBLE_EQ(ones.csat_percent(), 0);
  EXPECT_DOUBLE_EQ(ones.dissatisfied_percent(), 100);
  EXPECT_DOUBLE_EQ(ones.csat_interval().low(), 0);
}

TEST(SatisfactionFiguresTest, ASingleAnswerHasFiguresButNoSpreadToGiveAnInterval) {
  v1::Figures one = Compute({{1.0, {4}}});
  EXPECT_EQ(one.answers(), 1);
  EXPECT_DOUBLE_EQ(one.mean_score(), 4);
  EXPECT_DOUBLE_EQ(one.index(), 75);
  EXPECT_FALSE(one.has_mean_score_interval());
  EXPECT_FALSE(one.has_index_interval());
  EXPECT_TRUE(one.has_csat_interval());  // Wilson is defined for one trial
}

TEST(SatisfactionFiguresTest, AnEmptyGroupHasOnlyItsZeroCount) {
  v1::Figures none = Compute({{1.0, {}}});
  EXPECT_EQ(none.answers(), 0);
  EXPECT_FALSE(none.has_mean_score());
  EXPECT_FALSE(none.has_csat_percent());
  EXPECT_FALSE(none.has_index());
  v1::Figures nothing = Compute({});
  EXPECT_EQ(nothing.answers(), 0);
  EXPECT_FALSE(nothing.has_index());
}

TEST(SatisfactionFiguresTest, UnansweredItemsCarryNoWeight) {
  v1::Figures figures = Compute({{5.0, {}}, {1.0, {4, 5}}});
  EXPECT_DOUBLE_EQ(figures.index(), 100 * (4.5 - 1) / 4);
}

}  // namespace
}  // namespace satisfaction::analytics
