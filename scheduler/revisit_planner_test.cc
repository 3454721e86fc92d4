#include "scheduler/revisit_planner.h"

#include "gtest/gtest.h"

namespace satisfaction::scheduler {
namespace {

class RevisitPlannerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &customer_.zone));
    customer_.type = CustomerType::kNew;
    customer_.reachable = {true, true, true, true};
    customer_.serving_agent = "li";
    sms_survey_ = {.id = "new-sms",
                   .customer_types = {CustomerType::kNew},
                   .trigger = Trigger::kOrderDelivered,
                   .channels = {Channel::kSms, Channel::kEmail},
                   .delay = absl::Hours(24 * 3),
                   .questionnaire_id = "post-delivery",
                   .priority = 1};
    complaint_call_ = {.id = "complaint-call",
                       .customer_types = {CustomerType::kNew},
                       .trigger = Trigger::kComplaintClosed,
                       .channels = {Channel::kPhone, Channel::kSms},
                       .delay = absl::Hours(24),
                       .questionnaire_id = "after-sales-follow-up",
                       .priority = 5,
                       .max_attempts = 4,
                       .reserve_for_serving_agent = true};
  }
  absl::Time Local(int d, int h, int mi = 0) {
    return absl::FromCivil(absl::CivilSecond(2026, 11, d, h, mi, 0), customer_.zone);
  }

  CustomerSnapshot customer_;
  RevisitRule sms_survey_;
  RevisitRule complaint_call_;
  ContactPolicy policy_;
};

TEST_F(RevisitPlannerTest, NewCustomerGetsAnSmsSurveyThreeDaysAfterDelivery) {
  std::vector<RevisitRule> rules = {sms_survey_, complaint_call_};
  Plan plan = PlanEvent({Trigger::kOrderDelivered, Local(20, 22, 30)}, customer_, rules, policy_, Local(20, 22, 31));
  ASSERT_EQ(plan.revisits.size(), 1u);
  const PlannedRevisit& revisit = plan.revisits[0];
  EXPECT_EQ(revisit.rule_id, "new-sms");
  EXPECT_EQ(revisit.channel, Channel::kSms);
  EXPECT_EQ(revisit.due, Local(24, 8)) << "three days later is 22:30, in the quiet hours: 08:00 next morning";
  EXPECT_EQ(revisit.expires, Local(20, 22, 30) + absl::Hours(24 * 14));
  EXPECT_EQ(revisit.questionnaire_id, "post-delivery");
  EXPECT_EQ(revisit.max_attempts, 1) << "a message is sent once";
  EXPECT_TRUE(plan.skipped.empty());
}

TEST_F(RevisitPlannerTest, ComplaintFollowUpCallIsReservedForTheServingAgent) {
  std::vector<RevisitRule> rules = {complaint_call_};
  Plan plan = PlanEvent({Trigger::kComplaintClosed, Local(20, 15)}, customer_, rules, policy_, Local(20, 15));
  ASSERT_EQ(plan.revisits.size(), 1u);
  EXPECT_EQ(plan.revisits[0].channel, Channel::kPhone);
  EXPECT_EQ(plan.revisits[0].due, Local(21, 15));
  EXPECT_EQ(plan.revisits[0].reserved_agent, "li");
  EXPECT_EQ(plan.revisits[0].max_attempts, 4);
}

TEST_F(RevisitPlannerTest, DoNotCallFallsBackToTheNextChannel) {
  customer_.do_not_call = true;
  std::vector<RevisitRule> rules = {complaint_call_};
  Plan plan = PlanEvent({Trigger::kComplaintClosed, Local(20, 15)}, customer_, rules, policy_, Local(20, 15));
  ASSERT_EQ(plan.revisits.size(), 1u);
  EXPECT_EQ(plan.revisits[0].channel, Channel::kSms);
  EXPECT_EQ(plan.revisits[0].reserved_agent, "") << "messages are not reserved for agents";
}

TEST_F(RevisitPlannerTest, OptedOutEverywhereIsSkippedWithReasons) {
  customer_.reachable = {false, false, false, false};
  std::vector<RevisitRule> rules = {sms_survey_};
  Plan plan = PlanEvent({Trigger::kOrderDelivered, Local(20, 12)}, customer_, rules, policy_, Local(20, 12));
  EXPECT_TRUE(plan.revisits.empty());
  ASSERT_EQ(plan.skipped.size(), 1u);
  EXPECT_EQ(plan.skipped[0].rule_id, "new-sms");
  EXPECT_EQ(plan.skipped[0].reason, "sms: not reachable or opted out; email: not reachable or opted out");
}

TEST_F(RevisitPlannerTest, TheBudgetDefersASecondSurvey) {
  customer_.contacts = {{Local(22, 10), Channel::kPhone, /*survey=*/true}};
  std::vector<RevisitRule> rules = {sms_survey_};
  Plan plan = PlanEvent({Trigger::kOrderDelivered, Local(20, 12)}, customer_, rules, policy_, Local(20, 12));
  ASSERT_EQ(plan.revisits.size(), 1u);
  EXPECT_EQ(plan.revisits[0].due, Local(29, 10)) << "a week after the survey on the 22nd";
}

TEST_F(RevisitPlannerTest, RulesInOneEventShareTheBudget) {
  RevisitRule second = sms_survey_;
  second.id = "new-email";
  second.channels = {Channel::kEmail};
  std::vector<RevisitRule> rules = {sms_survey_, second};
  Plan plan = PlanEvent({Trigger::kOrderDelivered, Local(20, 12)}, customer_, rules, policy_, Local(20, 12));
  ASSERT_EQ(plan.revisits.size(), 2u);
  EXPECT_GE(plan.revisits[1].due - plan.revisits[0].due, absl::Hours(24 * 7));
}

TEST_F(RevisitPlannerTest, OtherTypesTriggersAndDisabledRulesDoNothing) {
  RevisitRule disabled = sms_survey_;
  disabled.enabled = false;
  RevisitRule loyal = sms_survey_;
  loyal.customer_types = {CustomerType::kLoyal};
  std::vector<RevisitRule> rules = {disabled, loyal, complaint_call_};
  Plan plan = PlanEvent({Trigger::kOrderDelivered, Local(20, 12)}, customer_, rules, policy_, Local(20, 12));
  EXPECT_TRUE(plan.revisits.empty());
  EXPECT_TRUE(plan.skipped.empty());
}

TEST_F(RevisitPlannerTest, NothingBeforeExpiryMeansSkipped) {
  RevisitRule short_lived = complaint_call_;
  short_lived.channels = {Channel::kPhone};
  short_lived.delay = absl::Hours(1);
  short_lived.expiry = absl::Hours(3);
  std::vector<RevisitRule> rules = {short_lived};
  Plan plan = PlanEvent({Trigger::kComplaintClosed, Local(20, 20)}, customer_, rules, policy_, Local(20, 20));
  EXPECT_TRUE(plan.revisits.empty());
  ASSERT_EQ(plan.skipped.size(), 1u);
}

TEST_F(RevisitPlannerTest, ARuleWhoseQuestionnaireIsArchivedPlansNothingAndSaysWhy) {
  sms_survey_.questionnaire_archived = true;
  std::vector<RevisitRule> rules = {sms_survey_};
  Plan plan = PlanEvent({Trigger::kOrderDelivered, Local(20, 10)}, customer_, rules, policy_, Local(20, 10));
  EXPECT_TRUE(plan.revisits.empty());
  ASSERT_EQ(plan.skipped.size(), 1u);
  EXPECT_EQ(plan.skipped[0].rule_id, "new-sms");
  EXPECT_EQ(plan.skipped[0].reason, "questionnaire 'post-delivery' is archived: no new revisit may use it");
}

TEST_F(RevisitPlannerTest, APlannedRevisitKnowsTheEarliestItMayBeMade) {
  std::vector<RevisitRule> rules = {sms_survey_};
  Plan plan = PlanEvent({Trigger::kOrderDelivered, Local(20, 22, 30)}, customer_, rules, policy_, Local(20, 22, 31));
  ASSERT_EQ(plan.revisits.size(), 1u);
  EXPECT_EQ(plan.revisits[0].not_before, Local(23, 22, 30)) << "the event plus the delay, whatever the hours";
  EXPECT_EQ(plan.revisits[0].due, Local(24, 8));
}

TEST_F(RevisitPlannerTest, ReplanningAfterAZoneChangeKeepsToTheNewZonesHours) {
  absl::TimeZone new_york;
  ASSERT_TRUE(absl::LoadTimeZone("America/New_York", &new_york));
  absl::Time expires = Local(25, 0);
  // 11:05 in Shanghai: a callback pushed to 09:00 New York (22:00 Shanghai)
  // when the customer was there is due at once again back home.
  absl::Time now = Local(20, 11, 5);
  absl::Time pushed = absl::FromCivil(absl::CivilSecond(2026, 11, 20, 9, 0, 0), new_york);
  std::optional<absl::Time> due =
      ReplanDue(pushed, Local(20, 11), expires, Channel::kPhone, /*survey=*/true, customer_.zone, {}, policy_, now);
  ASSERT_TRUE(due.has_value());
  EXPECT_EQ(*due, now);
  // Moved to New York at 23:00 there: the next 09:00 in New York.
  absl::Time late = absl::FromCivil(absl::CivilSecond(2026, 11, 19, 23, 0, 0), new_york);
  due = ReplanDue(Local(20, 10), Local(20, 10), expires, Channel::kPhone, /*survey=*/true, new_york, {}, policy_, late);
  ASSERT_TRUE(due.has_value());
  EXPECT_EQ(*due, absl::FromCivil(absl::CivilSecond(2026, 11, 20, 9, 0, 0), new_york));
  // Not yet due: never earlier than the earliest it may be made (noon in
  // Shanghai, 23:00 the night before in New York).
  due = ReplanDue(Local(23, 12), Local(23, 12), expires, Channel::kPhone, /*survey=*/true, new_york, {}, policy_, now);
  ASSERT_TRUE(due.has_value());
  EXPECT_EQ(*due, absl::FromCivil(absl::CivilSecond(2026, 11, 23, 9, 0, 0), new_york));
  // Overdue and callable now in the new zone: it keeps its place.
  due = ReplanDue(Local(20, 9), Local(20, 9), expires, Channel::kPhone, /*survey=*/true, customer_.zone, {}, policy_,
                  now);
  ASSERT_TRUE(due.has_value());
  EXPECT_EQ(*due, Local(20, 9));
  // Within the budget: a survey call already planned that day pushes it a week.
  std::vector<ContactRecord> others = {{.at = Local(20, 12), .channel = Channel::kPhone, .survey = true}};
  due = ReplanDue(pushed, Local(20, 11), Local(30, 0), Channel::kPhone, /*survey=*/true, customer_.zone, others,
                  policy_, now);
  ASSERT_TRUE(due.has_value());
  EXPECT_GE(*due, Local(27, 12));
  // No time inside the hours before it expires.
  EXPECT_FALSE(
      ReplanDue(pushed, Local(20, 11), Local(20, 11, 30), Channel::kPhone, /*survey=*/true, new_york, {}, policy_, now)
          .has_value());
}

TEST(RevisitRule, Validate) {
  RevisitRule rule{
      .id = "r", .customer_types = {CustomerType::kNew}, .channels = {Channel::kSms}, .delay = absl::Hours(1)};
  EXPECT_TRUE(rule.Validate().ok());
  RevisitRule no_types = rule;
  no_types.customer_types.clear();
  EXPECT_FALSE(no_types.Validate().ok());
  RevisitRule type_twice = rule;
  type_twice.customer_types = {CustomerType::kNew, CustomerType::kNew};
  EXPECT_FALSE(type_twice.Validate().ok());
  RevisitRule no_channels = rule;
  no_channels.channels.clear();
  EXPECT_FALSE(no_channels.Validate().ok());
  RevisitRule twice = rule;
  twice.channels = {Channel::kSms, Channel::kSms};
  EXPECT_FALSE(twice.Validate().ok());
  RevisitRule expires_first = rule;
  expires_first.expiry = absl::Minutes(30);
  EXPECT_FALSE(expires_first.Validate().ok());
  RevisitRule reserved_sms = rule;
  reserved_sms.reserve_for_serving_agent = true;
  EXPECT_FALSE(reserved_sms.Validate().ok());
  RevisitRule care = rule;
  care.trigger = Trigger::kPeriodicCare;
  EXPECT_FALSE(care.Validate().ok()) << "periodic care needs an interval";
  care.care_interval = absl::Hours(24 * 90);
  EXPECT_TRUE(care.Validate().ok());
}

}  // namespace
}  // namespace satisfaction::scheduler
