#include "scheduler/contact_budget.h"

#include "gtest/gtest.h"

namespace satisfaction::scheduler {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);
absl::Time Day(double days) { return kStart + absl::Hours(24 * days); }

TEST(ContactBudget, TheLongestPeriodIsTheWidestCapsPeriod) {
  ContactBudget budget;
  EXPECT_EQ(budget.LongestPeriod(), absl::Hours(24 * 7));
  budget.channel_caps[2] = ContactCap{5, absl::Hours(24 * 30)};
  budget.channel_caps[3].reset();
  EXPECT_EQ(budget.LongestPeriod(), absl::Hours(24 * 30));
}

TEST(ContactBudget, NoHistoryMeansNow) {
  ContactBudget budget;
  EXPECT_EQ(EarliestWithinBudget(kStart, Channel::kSms, /*survey=*/true, {}, budget), kStart);
}

TEST(ContactBudget, OneSurveyPerPeriodAcrossChannels) {
  ContactBudget budget;  // one survey per 7 days
  std::vector<ContactRecord> history = {{Day(0), Channel::kPhone, true}};
  EXPECT_EQ(EarliestWithinBudget(Day(2), Channel::kSms, true, history, budget), Day(7));
  EXPECT_EQ(EarliestWithinBudget(Day(2), Channel::kSms, /*survey=*/false, history, budget), Day(2))
      << "a contact without a survey is not held back by the survey cap";
}

TEST(ContactBudget, PlannedFutureSurveysCountToo) {
  ContactBudget budget;
  std::vector<ContactRecord> history = {{Day(5), Channel::kEmail, true}};
  // Day 0 is within 7 days of the planned survey on day 5, and so is day 10.
  EXPECT_EQ(EarliestWithinBudget(Day(0), Channel::kSms, true, history, budget), Day(12));
  EXPECT_EQ(EarliestWithinBudget(Day(-3), Channel::kSms, true, history, budget), Day(-3))
      << "exactly the period before the next survey is allowed";
}

TEST(ContactBudget, ChannelCapIsASlidingWindow) {
  ContactBudget budget;
  budget.channel_caps[static_cast<int>(Channel::kPhone)] = ContactCap{2, absl::Hours(24 * 7)};
  std::vector<ContactRecord> history = {{Day(0), Channel::kPhone, false}, {Day(3), Channel::kPhone, false}};
  EXPECT_EQ(EarliestWithinBudget(Day(4), Channel::kPhone, false, history, budget), Day(7));
  EXPECT_EQ(EarliestWithinBudget(Day(4), Channel::kSms, false, history, budget), Day(4)) << "another channel";
  history.push_back({Day(7), Channel::kPhone, false});
  EXPECT_EQ(EarliestWithinBudget(Day(4), Channel::kPhone, false, history, budget), Day(10));
}

TEST(ContactBudget, BothCapsAtOnce) {
  ContactBudget budget;
  budget.channel_caps[static_cast<int>(Channel::kSms)] = ContactCap{1, absl::Hours(24 * 10)};
  std::vector<ContactRecord> history = {{Day(0), Channel::kPhone, true}, {Day(8), Channel::kSms, false}};
  // Survey cap: day 7 at the earliest; SMS cap: not within 10 days of day 8.
  EXPECT_EQ(EarliestWithinBudget(Day(1), Channel::kSms, true, history, budget), Day(18));
}

TEST(ContactBudget, WithinBudgetChecksEverySpan) {
  ContactBudget budget;
  std::vector<ContactRecord> fine = {{Day(0), Channel::kSms, true}, {Day(7), Channel::kSms, true}};
  EXPECT_TRUE(WithinBudget(fine, budget));
  std::vector<ContactRecord> too_close = {{Day(0), Channel::kSms, true}, {Day(6.9), Channel::kPhone, true}};
  EXPECT_FALSE(WithinBudget(too_close, budget));
}

TEST(ContactBudget, ValidateRejectsEmptyCaps) {
  ContactBudget budget;
  EXPECT_TRUE(budget.Validate().ok());
  budget.survey_cap.max_contacts = 0;
  EXPECT_FALSE(budget.Validate().ok());
  budget = ContactBudget{};
  budget.channel_caps[1] = ContactCap{1, absl::ZeroDuration()};
  EXPECT_FALSE(budget.Validate().ok());
}

}  // namespace
}  // namespace satisfaction::scheduler
