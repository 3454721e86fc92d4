#include "scheduler/classification.h"

#include <vector>

#include "gtest/gtest.h"

namespace satisfaction::scheduler {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);
OrderFact DaysAgo(double days, double amount = 100) { return {kNow - absl::Hours(24 * days), amount}; }

TEST(Classify, LifecycleTypes) {
  ClassificationThresholds t;  // active: 2 orders in 90 days; dormant 90; churned 365; loyal 6 orders over a year
  EXPECT_EQ(Classify({}, t, kNow), CustomerType::kNew);
  std::vector<OrderFact> one = {DaysAgo(3)};
  EXPECT_EQ(Classify(one, t, kNow), CustomerType::kNew);
  std::vector<OrderFact> two_recent = {DaysAgo(3), DaysAgo(40)};
  EXPECT_EQ(Classify(two_recent, t, kNow), CustomerType::kActive);
  std::vector<OrderFact> dormant = {DaysAgo(100), DaysAgo(200)};
  EXPECT_EQ(Classify(dormant, t, kNow), CustomerType::kDormant);
  std::vector<OrderFact> churned = {DaysAgo(400)};
  EXPECT_EQ(Classify(churned, t, kNow), CustomerType::kChurned);
  std::vector<OrderFact> loyal = {DaysAgo(5), DaysAgo(60), DaysAgo(120), DaysAgo(200), DaysAgo(300), DaysAgo(400)};
  EXPECT_EQ(Classify(loyal, t, kNow), CustomerType::kLoyal);
}

TEST(Classify, LoyaltyNeedsTenureAndAmount) {
  ClassificationThresholds t;
  std::vector<OrderFact> many_but_new = {DaysAgo(1), DaysAgo(2), DaysAgo(3), DaysAgo(4), DaysAgo(5), DaysAgo(6)};
  EXPECT_EQ(Classify(many_but_new, t, kNow), CustomerType::kActive);
  std::vector<OrderFact> long_and_many = {DaysAgo(1, 10),   DaysAgo(60, 10),  DaysAgo(120, 10),
                                          DaysAgo(200, 10), DaysAgo(300, 10), DaysAgo(380, 10)};
  t.loyal_min_amount = 1000;
  EXPECT_EQ(Classify(long_and_many, t, kNow), CustomerType::kActive);
  t.loyal_min_amount = 60;
  EXPECT_EQ(Classify(long_and_many, t, kNow), CustomerType::kLoyal);
}

TEST(Classify, ALoyalCustomerWhoStopsBuyingTurnsDormant) {
  ClassificationThresholds t;
  std::vector<OrderFact> loyal_then_quiet = {DaysAgo(95),  DaysAgo(160), DaysAgo(220),
                                             DaysAgo(300), DaysAgo(380), DaysAgo(460)};
  EXPECT_EQ(Classify(loyal_then_quiet, t, kNow), CustomerType::kDormant);
}

TEST(NextTypeChange, TimePassingAloneChangesTheType) {
  ClassificationThresholds t;
  std::vector<OrderFact> orders = {DaysAgo(10), DaysAgo(30)};
  std::optional<absl::Time> dormant_at = NextTypeChange(orders, t, kNow);
  ASSERT_TRUE(dormant_at);
  EXPECT_EQ(*dormant_at, kNow + absl::Hours(24 * 80));
  EXPECT_EQ(Classify(orders, t, *dormant_at), CustomerType::kDormant);
  std::optional<absl::Time> churned_at = NextTypeChange(orders, t, *dormant_at);
  ASSERT_TRUE(churned_at);
  EXPECT_EQ(Classify(orders, t, *churned_at), CustomerType::kChurned);
  EXPECT_FALSE(NextTypeChange(orders, t, *churned_at)) << "churned stays churned";
  EXPECT_FALSE(NextTypeChange({}, t, kNow));
}

TEST(ClassificationThresholds, Validate) {
  ClassificationThresholds t;
  EXPECT_TRUE(t.Validate().ok());
  t.churned_after = t.dormant_after;
  EXPECT_FALSE(t.Validate().ok());
  t = ClassificationThresholds{};
  t.active_min_orders = 0;
  EXPECT_FALSE(t.Validate().ok());
}

TEST(ScoreRfm, ScoresEachDimensionFromOneToFive) {
  RfmThresholds t;  // recency 30/90/180/365 days; frequency 2/3/5/10; monetary 200/500/1000/5000
  EXPECT_EQ(ScoreRfm({}, t, kNow).total(), 3);
  std::vector<OrderFact> best;
  for (int i = 0; i < 10; ++i) best.push_back(DaysAgo(1 + i, 600));
  RfmScore top = ScoreRfm(best, t, kNow);
  EXPECT_EQ(top.recency, 5);
  EXPECT_EQ(top.frequency, 5);
  EXPECT_EQ(top.monetary, 5);
  std::vector<OrderFact> middling = {DaysAgo(100, 300), DaysAgo(200, 300), DaysAgo(250, 300)};
  RfmScore mid = ScoreRfm(middling, t, kNow);
  EXPECT_EQ(mid.recency, 3);
  EXPECT_EQ(mid.frequency, 3);
  EXPECT_EQ(mid.monetary, 3);
  std::vector<OrderFact> old = {DaysAgo(500, 50)};
  RfmScore low = ScoreRfm(old, t, kNow);
  EXPECT_EQ(low.recency, 1);
  EXPECT_EQ(low.frequency, 1);
  EXPECT_EQ(low.monetary, 1);
}

TEST(RfmThresholds, Validate) {
  RfmThresholds t;
  EXPECT_TRUE(t.Validate().ok());
  t.frequency = {2, 2, 5, 10};
  EXPECT_FALSE(t.Validate().ok());
}

}  // namespace
}  // namespace satisfaction::scheduler
