#include "services/settings/contact_policy_settings.h"

#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace satisfaction::settings {
namespace {

const absl::TimeZone kShanghai = [] {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &zone));
  return zone;
}();

// 2026-11-23 is a Monday.
absl::Time Local(int day, int hour, int minute = 0) {
  return absl::FromCivil(absl::CivilMinute(2026, 11, day, hour, minute), kShanghai);
}

TEST(ContactPolicySettings, TheDefaultsAreTheSchedulersDefaults) {
  absl::StatusOr<scheduler::ContactPolicy> policy = ParseContactPolicy(DefaultContactPolicy());
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_FALSE(policy->call_windows.Allows(Local(23, 8, 59), kShanghai));
  EXPECT_TRUE(policy->call_windows.Allows(Local(23, 9), kShanghai));
  EXPECT_FALSE(policy->call_windows.Allows(Local(29, 21), kShanghai));
  EXPECT_TRUE(policy->message_windows.Allows(Local(29, 8), kShanghai));
  EXPECT_FALSE(policy->message_windows.Allows(Local(29, 21), kShanghai));
  scheduler::ContactBudget defaults;
  EXPECT_EQ(policy->budget.survey_cap.max_contacts, defaults.survey_cap.max_contacts);
  EXPECT_EQ(policy->budget.survey_cap.period, defaults.survey_cap.period);
  for (int channel = 0; channel < 4; ++channel) {
    ASSERT_TRUE(policy->budget.channel_caps[channel].has_value());
    EXPECT_EQ(policy->budget.channel_caps[channel]->max_contacts, defaults.channel_caps[channel]->max_contacts);
    EXPECT_EQ(policy->budget.channel_caps[channel]->period, defaults.channel_caps[channel]->period);
  }
}

TEST(ContactPolicySettings, WeekdaysHolidaysAndCapsAreTheOperators) {
  v1::ContactPolicy input = DefaultContactPolicy();
  input.mutable_call_windows()->clear_saturday();
  input.mutable_call_windows()->clear_sunday();
  input.mutable_call_windows()->mutable_friday()->set_end("24:00");
  input.add_holidays("2026-11-25");
  input.clear_email_cap();
  input.mutable_sms_cap()->set_max_contacts(1);
  absl::StatusOr<scheduler::ContactPolicy> policy = ParseContactPolicy(input);
  ASSERT_TRUE(policy.ok()) << policy.status();

  EXPECT_FALSE(policy->call_windows.Allows(Local(28, 10), kShanghai));  // Saturday
  EXPECT_TRUE(policy->message_windows.Allows(Local(28, 10), kShanghai));
  EXPECT_TRUE(policy->call_windows.Allows(Local(27, 23, 59), kShanghai));  // Friday until midnight
  EXPECT_FALSE(policy->call_windows.Allows(Local(25, 10), kShanghai));     // the holiday, for calls
  EXPECT_FALSE(policy->message_windows.Allows(Local(25, 10), kShanghai));  // and for messages
  // From Friday night the next call is on Monday morning.
  EXPECT_EQ(policy->call_windows.NextAllowed(Local(28, 0, 30), kShanghai), Local(30, 9));
  EXPECT_FALSE(policy->budget.channel_caps[3].has_value());
  EXPECT_EQ(policy->budget.channel_caps[1]->max_contacts, 1);
}

TEST(ContactPolicySettings, EachChannelsCapIsItsOwn) {
  v1::ContactPolicy input = DefaultContactPolicy();
  input.mutable_phone_cap()->set_max_contacts(11);
  input.mutable_sms_cap()->set_max_contacts(12);
  input.mutable_im_cap()->set_max_contacts(13);
  input.mutable_email_cap()->set_max_contacts(14);
  absl::StatusOr<scheduler::ContactPolicy> policy = ParseContactPolicy(input);
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ(policy->budget.CapFor(scheduler::Channel::kPhone)->max_contacts, 11);
  EXPECT_EQ(policy->budget.CapFor(scheduler::Channel::kSms)->max_contacts, 12);
  EXPECT_EQ(policy->budget.CapFor(scheduler::Channel::kIm)->max_contacts, 13);
  EXPECT_EQ(policy->budget.CapFor(scheduler::Channel::kEmail)->max_contacts, 14);
}

struct BadCase {
  std::string name;
  void (*spoil)(v1::ContactPolicy&);
  std::string field;
};

class ContactPolicySettingsBadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(ContactPolicySettingsBadInput, IsRefusedNamingTheField) {
  v1::ContactPolicy policy = DefaultContactPolicy();
  GetParam().spoil(policy);
  absl::StatusOr<scheduler::ContactPolicy> parsed = ParseContactPolicy(policy);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(parsed.status().message(), GetParam().field + ":")) << parsed.status();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ContactPolicySettingsBadInput,
    ::testing::Values(
        BadCase{"NoCallWindows", [](v1::ContactPolicy& p) { p.clear_call_windows(); }, "policy.call_windows"},
        BadCase{"NoDayAtAll", [](v1::ContactPolicy& p) { p.mutable_message_windows()->Clear(); },
                "policy.message_windows"},
        BadCase{"HourOutOfRange",
                [](v1::ContactPolicy& p) { p.mutable_call_windows()->mutable_monday()->set_start("25:00"); },
                "policy.call_windows.monday.start"},
        BadCase{"NotHhMm", [](v1::ContactPolicy& p) { p.mutable_call_windows()->mutable_monday()->set_start("9:00"); },
                "policy.call_windows.monday.start"},
        BadCase{"PastMidnight",
                [](v1::ContactPolicy& p) { p.mutable_call_windows()->mutable_sunday()->set_end("24:01"); },
                "policy.call_windows.sunday.end"},
        BadCase{"StartsAtMidnightEnd",
                [](v1::ContactPolicy& p) { p.mutable_call_windows()->mutable_sunday()->set_start("24:00"); },
                "policy.call_windows.sunday.start"},
        BadCase{"EndsBeforeItStarts",
                [](v1::ContactPolicy& p) { p.mutable_message_windows()->mutable_friday()->set_end("07:00"); },
                "policy.message_windows.friday"},
        BadCase{"NotADate", [](v1::ContactPolicy& p) { p.add_holidays("2026-02-30"); }, "policy.holidays[0]"},
        BadCase{"NotIsoDate", [](v1::ContactPolicy& p) { p.add_holidays("2026/10/01"); }, "policy.holidays[0]"},
        BadCase{"DayListedTwice",
                [](v1::ContactPolicy& p) {
                  p.add_holidays("2026-10-01");
                  p.add_holidays("2026-10-01");
                },
                "policy.holidays[1]"},
        BadCase{"TooManyHolidays",
                [](v1::ContactPolicy& p) {
                  for (int i = 0; i < 401; ++i) p.add_holidays(absl::FormatCivilTime(absl::CivilDay(2026, 1, 1) + i));
                },
                "policy.holidays"},
        BadCase{"NoSurveyCap", [](v1::ContactPolicy& p) { p.clear_survey_cap(); }, "policy.survey_cap"},
        BadCase{"CapOfNone", [](v1::ContactPolicy& p) { p.mutable_phone_cap()->set_max_contacts(0); },
                "policy.phone_cap.max_contacts"},
        BadCase{"CapPeriodTooShort",
                [](v1::ContactPolicy& p) { p.mutable_sms_cap()->mutable_period()->set_seconds(60); },
                "policy.sms_cap.period"},
        BadCase{"CapPeriodNegative",
                [](v1::ContactPolicy& p) { p.mutable_survey_cap()->mutable_period()->set_seconds(-86400); },
                "policy.survey_cap.period"}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return info.param.name; });

}  // namespace
}  // namespace satisfaction::settings
