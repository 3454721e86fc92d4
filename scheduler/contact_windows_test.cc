#include "scheduler/contact_windows.h"

#include "gtest/gtest.h"

namespace satisfaction::scheduler {
namespace {

absl::TimeZone Zone(const std::string& name) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone(name, &zone)) << name;
  return zone;
}

absl::Time Local(const absl::TimeZone& zone, int y, int mo, int d, int h, int mi = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0), zone);
}

std::string Show(std::optional<absl::Time> time, const absl::TimeZone& zone) {
  return time ? absl::FormatTime("%Y-%m-%d %H:%M %Ez", *time, zone) : "none";
}

TEST(ContactWindows, DefaultCallHoursInShanghai) {
  absl::TimeZone shanghai = Zone("Asia/Shanghai");
  ContactWindows calls = ContactWindows::DefaultForCalls();
  EXPECT_FALSE(calls.Allows(Local(shanghai, 2026, 11, 23, 8, 59), shanghai));
  EXPECT_TRUE(calls.Allows(Local(shanghai, 2026, 11, 23, 9, 0), shanghai));
  EXPECT_TRUE(calls.Allows(Local(shanghai, 2026, 11, 23, 20, 59), shanghai));
  EXPECT_FALSE(calls.Allows(Local(shanghai, 2026, 11, 23, 21, 0), shanghai));
  EXPECT_EQ(Show(calls.NextAllowed(Local(shanghai, 2026, 11, 23, 22, 30), shanghai), shanghai),
            "2026-11-24 09:00 +08:00");
  EXPECT_EQ(Show(calls.NextAllowed(Local(shanghai, 2026, 11, 23, 3, 0), shanghai), shanghai),
            "2026-11-23 09:00 +08:00");
  absl::Time inside = Local(shanghai, 2026, 11, 23, 15, 17);
  EXPECT_EQ(calls.NextAllowed(inside, shanghai), inside);
}

TEST(ContactWindows, TheSameInstantIsJudgedOnTheCustomersOwnClock) {
  ContactWindows calls = ContactWindows::DefaultForCalls();
  absl::Time instant = Local(Zone("Asia/Shanghai"), 2026, 11, 23, 10, 0);  // 10:00 in Shanghai
  EXPECT_TRUE(calls.Allows(instant, Zone("Asia/Shanghai")));
  EXPECT_FALSE(calls.Allows(instant, Zone("America/New_York")));  // 21:00 the day before
  EXPECT_FALSE(calls.Allows(instant, Zone("Europe/Berlin")));     // 03:00
}

TEST(ContactWindows, MessagesQuietFrom21To08) {
  absl::TimeZone shanghai = Zone("Asia/Shanghai");
  ContactWindows messages = ContactWindows::DefaultForMessages();
  EXPECT_TRUE(messages.Allows(Local(shanghai, 2026, 11, 23, 8, 0), shanghai));
  EXPECT_FALSE(messages.Allows(Local(shanghai, 2026, 11, 23, 7, 59), shanghai));
  EXPECT_FALSE(messages.Allows(Local(shanghai, 2026, 11, 23, 21, 30), shanghai));
}

TEST(ContactWindows, NewYorkSpringForwardKeepsWallClockHours) {
  absl::TimeZone new_york = Zone("America/New_York");
  ContactWindows calls = ContactWindows::DefaultForCalls();
  // 2026-03-08: clocks jump from 02:00 EST to 03:00 EDT.
  EXPECT_EQ(Show(calls.NextAllowed(Local(new_york, 2026, 3, 7, 22, 0), new_york), new_york), "2026-03-08 09:00 -04:00");
  // The day is 23 hours long; 21:00 EDT is still the end.
  EXPECT_TRUE(calls.Allows(Local(new_york, 2026, 3, 8, 20, 59), new_york));
  EXPECT_FALSE(calls.Allows(Local(new_york, 2026, 3, 8, 21, 0), new_york));
}

TEST(ContactWindows, AWindowOpeningInsideTheGapOpensWhenTheClocksJump) {
  absl::TimeZone new_york = Zone("America/New_York");
  ContactWindows early = ContactWindows::EveryDay({2 * 60 + 30, 5 * 60});  // 02:30-05:00
  // 02:30 does not exist on 2026-03-08: the window opens at the jump, 03:00 EDT.
  EXPECT_EQ(Show(early.NextAllowed(Local(new_york, 2026, 3, 8, 0, 0), new_york), new_york), "2026-03-08 03:00 -04:00");
  ContactWindows in_gap = ContactWindows::EveryDay({2 * 60 + 10, 2 * 60 + 50});  // wholly inside the gap
  EXPECT_EQ(Show(in_gap.NextAllowed(Local(new_york, 2026, 3, 8, 0, 0), new_york), new_york), "2026-03-09 02:10 -04:00");
}

TEST(ContactWindows, NewYorkFallBackRepeatedHour) {
  absl::TimeZone new_york = Zone("America/New_York");
  // 2026-11-01: 02:00 EDT becomes 01:00 EST; 01:00-01:59 happens twice.
  ContactWindows night = ContactWindows::EveryDay({60, 90});  // 01:00-01:30
  absl::Time first_one = Local(new_york, 2026, 11, 1, 0, 30);
  EXPECT_EQ(Show(night.NextAllowed(first_one, new_york), new_york), "2026-11-01 01:00 -04:00");
  // Just after the first 01:30 (EDT), the second 01:00 (EST) is next.
  absl::Time after_first = absl::FromCivil(absl::CivilSecond(2026, 11, 1, 1, 30, 0), new_york);  // EDT, the earlier
  EXPECT_EQ(Show(night.NextAllowed(after_first, new_york), new_york), "2026-11-01 01:00 -05:00");
  // A day of 25 hours: calls still end at 21:00 local.
  ContactWindows calls = ContactWindows::DefaultForCalls();
  EXPECT_EQ(Show(calls.NextAllowed(Local(new_york, 2026, 11, 1, 21, 0), new_york), new_york),
            "2026-11-02 09:00 -05:00");
}

TEST(ContactWindows, BerlinTransitions) {
  absl::TimeZone berlin = Zone("Europe/Berlin");
  ContactWindows calls = ContactWindows::DefaultForCalls();
  // 2026-03-29 02:00 CET -> 03:00 CEST; 2026-10-25 03:00 CEST -> 02:00 CET.
  EXPECT_EQ(Show(calls.NextAllowed(Local(berlin, 2026, 3, 28, 23, 0), berlin), berlin), "2026-03-29 09:00 +02:00");
  EXPECT_EQ(Show(calls.NextAllowed(Local(berlin, 2026, 10, 24, 23, 0), berlin), berlin), "2026-10-25 09:00 +01:00");
  ContactWindows early = ContactWindows::EveryDay({2 * 60 + 15, 4 * 60});
  EXPECT_EQ(Show(early.NextAllowed(Local(berlin, 2026, 3, 29, 1, 0), berlin), berlin), "2026-03-29 03:00 +02:00");
}

TEST(ContactWindows, WeekdaysAndHolidays) {
  absl::TimeZone shanghai = Zone("Asia/Shanghai");
  ContactWindows calls = ContactWindows::DefaultForCalls();
  calls.SetDay(absl::Weekday::sunday, std::nullopt);
  calls.SetDay(absl::Weekday::saturday, DailyWindow{10 * 60, 16 * 60});
  calls.AddHoliday(absl::CivilDay(2026, 10, 1));  // National Day, a Thursday
  calls.AddHoliday(absl::CivilDay(2026, 10, 2));
  // Wednesday evening -> Thursday and Friday are holidays -> Saturday 10:00.
  EXPECT_EQ(Show(calls.NextAllowed(Local(shanghai, 2026, 9, 30, 21, 5), shanghai), shanghai),
            "2026-10-03 10:00 +08:00");
  // Saturday after 16:00 -> Sunday closed -> Monday 09:00.
  EXPECT_EQ(Show(calls.NextAllowed(Local(shanghai, 2026, 10, 3, 16, 0), shanghai), shanghai),
            "2026-10-05 09:00 +08:00");
}

TEST(ContactWindows, NoDayAtAllMeansNoTime) {
  ContactWindows none = ContactWindows::DefaultForCalls();
  for (absl::Weekday day :
       {absl::Weekday::monday, absl::Weekday::tuesday, absl::Weekday::wednesday, absl::Weekday::thursday,
        absl::Weekday::friday, absl::Weekday::saturday, absl::Weekday::sunday}) {
    none.SetDay(day, std::nullopt);
  }
  EXPECT_FALSE(none.Validate().ok());
  EXPECT_FALSE(none.NextAllowed(absl::Now(), absl::UTCTimeZone()).has_value());
}

TEST(ContactWindows, ValidateRejectsBackwardsAndOutOfDayWindows) {
  EXPECT_TRUE(ContactWindows::DefaultForCalls().Validate().ok());
  EXPECT_FALSE(ContactWindows::EveryDay({600, 600}).Validate().ok());
  EXPECT_FALSE(ContactWindows::EveryDay({700, 600}).Validate().ok());
  EXPECT_FALSE(ContactWindows::EveryDay({-1, 600}).Validate().ok());
  EXPECT_FALSE(ContactWindows::EveryDay({0, 24 * 60 + 1}).Validate().ok());
  EXPECT_TRUE(ContactWindows::EveryDay({0, 24 * 60}).Validate().ok());
}

}  // namespace
}  // namespace satisfaction::scheduler
