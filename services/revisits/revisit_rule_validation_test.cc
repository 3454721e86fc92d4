#include "services/revisits/revisit_rule_validation.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace satisfaction::revisits {
namespace {

v1::RevisitRule LowScoreRule() {
  v1::RevisitRule rule;
  rule.set_id("recovery");
  rule.add_customer_types(v1::CUSTOMER_TYPE_NEW);
  rule.set_trigger(v1::TRIGGER_LOW_SCORE);
  rule.add_channels(v1::CHANNEL_PHONE);
  return rule;
}

TEST(LowScoreMarks, DefaultToOverallServiceAttitudeAndAfterSalesAtTwoOrBelow) {
  v1::RevisitRule rule = LowScoreRule();
  ASSERT_TRUE(NormalizeAndValidateRule("rule", rule).ok());
  EXPECT_EQ(rule.low_score_at_most(), 2);
  ASSERT_EQ(rule.low_score_dimensions_size(), 3);
  LowScoreMarks marks = LowScoreMarksOf(v1::RevisitRule());  // stored before the fields existed
  EXPECT_EQ(marks.at_most, 2);
  EXPECT_EQ(marks.dimensions,
            (std::vector<int>{v1::DIMENSION_OVERALL, v1::DIMENSION_SERVICE_ATTITUDE, v1::DIMENSION_AFTER_SALES}));
}

TEST(LowScoreMarks, AnOperatorNamesTheirOwn) {
  v1::RevisitRule rule = LowScoreRule();
  rule.add_low_score_dimensions(v1::DIMENSION_LOGISTICS);
  rule.set_low_score_at_most(3);
  ASSERT_TRUE(NormalizeAndValidateRule("rule", rule).ok());
  LowScoreMarks marks = LowScoreMarksOf(rule);
  EXPECT_EQ(marks.dimensions, std::vector<int>{v1::DIMENSION_LOGISTICS});
  EXPECT_EQ(marks.at_most, 3);
}

TEST(LowScoreMarks, BadMarksAreRefusedNamingTheField) {
  v1::RevisitRule rule = LowScoreRule();
  rule.set_low_score_at_most(5);
  EXPECT_TRUE(absl::StartsWith(NormalizeAndValidateRule("rule", rule).message(), "rule.low_score_at_most"));
  rule = LowScoreRule();
  rule.add_low_score_dimensions(v1::DIMENSION_UNSPECIFIED);
  EXPECT_TRUE(absl::StartsWith(NormalizeAndValidateRule("rule", rule).message(), "rule.low_score_dimensions"));
  rule = LowScoreRule();
  rule.set_trigger(v1::TRIGGER_ORDER_DELIVERED);
  rule.add_low_score_dimensions(v1::DIMENSION_OVERALL);
  EXPECT_TRUE(absl::StartsWith(NormalizeAndValidateRule("rule", rule).message(), "rule.low_score_dimensions"));
}

TEST(RetryDelays, EachFromAMinuteToThirtyDaysAndTheRefusalNamesTheField) {
  v1::RevisitRule rule = LowScoreRule();
  rule.mutable_retry_delays()->mutable_busy()->set_seconds(30);
  absl::Status refused = NormalizeAndValidateRule("rule", rule);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(refused.message(), "rule.retry_delays.busy: at least 1m")) << refused.message();
  rule = LowScoreRule();
  rule.mutable_retry_delays()->mutable_no_answer()->set_seconds(31 * 24 * 3600);
  EXPECT_TRUE(absl::StartsWith(NormalizeAndValidateRule("rule", rule).message(), "rule.retry_delays.no_answer"));
  rule = LowScoreRule();
  rule.mutable_retry_delays()->mutable_voicemail()->set_seconds(60);
  ASSERT_TRUE(NormalizeAndValidateRule("rule", rule).ok());
  EXPECT_EQ(rule.retry_delays().voicemail().seconds(), 60);
  EXPECT_EQ(rule.retry_delays().busy().seconds(), 30 * 60) << "unset: the default";
}

}  // namespace
}  // namespace satisfaction::revisits
