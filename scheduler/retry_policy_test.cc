#include "scheduler/retry_policy.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace satisfaction::scheduler {
namespace {

class RetryPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &zone_)); }
  absl::Time Local(int d, int h, int mi = 0) {
    return absl::FromCivil(absl::CivilSecond(2026, 11, d, h, mi, 0), zone_);
  }
  absl::StatusOr<RetryDecision> Decide(CallOutcome outcome, int number, absl::Time ended,
                                       std::optional<absl::Time> call_back_at = std::nullopt) {
    return DecideAfterAttempt({number, outcome, ended, call_back_at}, /*max_attempts=*/3, Local(30, 0), delays_,
                              windows_, zone_);
  }

  absl::TimeZone zone_;
  RetryDelays delays_;
  ContactWindows windows_ = ContactWindows::DefaultForCalls();
};

TEST_F(RetryPolicyTest, FinalOutcomes) {
  EXPECT_EQ(Decide(CallOutcome::kCompleted, 1, Local(23, 10))->step, NextStep::kDone);
  EXPECT_EQ(Decide(CallOutcome::kRefused, 1, Local(23, 10))->step, NextStep::kStop);
  EXPECT_EQ(Decide(CallOutcome::kDoNotCall, 1, Local(23, 10))->step, NextStep::kStopAndBlockPhone);
  EXPECT_EQ(Decide(CallOutcome::kWrongNumber, 1, Local(23, 10))->step, NextStep::kTryNextChannel);
}

TEST_F(RetryPolicyTest, RetriesLandInsideTheWindow) {
  absl::StatusOr<RetryDecision> busy = Decide(CallOutcome::kBusy, 1, Local(23, 10));
  ASSERT_TRUE(busy.ok());
  EXPECT_EQ(busy->step, NextStep::kRetry);
  EXPECT_EQ(busy->retry_at, Local(23, 10, 30));
  absl::StatusOr<RetryDecision> late = Decide(CallOutcome::kNoAnswer, 2, Local(23, 20));
  EXPECT_EQ(late->retry_at, Local(24, 9)) << "22:00 is after hours: the next morning";
}

TEST_F(RetryPolicyTest, GivesUpAfterMaxAttemptsOrExpiry) {
  EXPECT_EQ(Decide(CallOutcome::kNoAnswer, 3, Local(23, 10))->step, NextStep::kGiveUp);
  absl::StatusOr<RetryDecision> expired =
      DecideAfterAttempt({1, CallOutcome::kVoicemail, Local(23, 19)}, 3, Local(23, 20), delays_, windows_, zone_);
  EXPECT_EQ(expired->step, NextStep::kGiveUp);
}

TEST_F(RetryPolicyTest, CallBackAtIsAnAppointment) {
  absl::StatusOr<RetryDecision> at_eight = Decide(CallOutcome::kCallBackLater, 3, Local(23, 10), Local(23, 20));
  ASSERT_TRUE(at_eight.ok()) << at_eight.status();
  EXPECT_EQ(at_eight->step, NextStep::kRetry) << "kept even with the attempts used up";
  EXPECT_EQ(at_eight->retry_at, Local(23, 20));
  absl::StatusOr<RetryDecision> no_time = Decide(CallOutcome::kCallBackLater, 1, Local(23, 10));
  EXPECT_EQ(no_time->retry_at, Local(24, 10));
}

TEST_F(RetryPolicyTest, CallBackOutsideTheWindowNamesTheNextAllowedTime) {
  absl::StatusOr<RetryDecision> too_late = Decide(CallOutcome::kCallBackLater, 1, Local(23, 10), Local(23, 22, 30));
  EXPECT_EQ(too_late.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(too_late.status().message(), "2026-11-24T09:00:00+08:00")) << too_late.status();
  EXPECT_EQ(Decide(CallOutcome::kCallBackLater, 1, Local(23, 10), Local(23, 9)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Decide(CallOutcome::kCallBackLater, 1, Local(23, 10), Local(30, 10)).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(RetryDelays, Validate) {
  RetryDelays delays;
  EXPECT_TRUE(delays.Validate().ok());
  delays.busy = absl::Seconds(5);
  EXPECT_FALSE(delays.Validate().ok());
}

}  // namespace
}  // namespace satisfaction::scheduler
