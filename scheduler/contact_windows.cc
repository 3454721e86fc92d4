#include "scheduler/contact_windows.h"

#include "absl/strings/str_cat.h"

namespace satisfaction::scheduler {
namespace {

constexpr int kMinutesPerDay = 24 * 60;
constexpr int kSearchDays = 400;

int MinuteOfDay(const absl::CivilSecond& civil) { return civil.hour() * 60 + civil.minute(); }

}  // namespace

ContactWindows ContactWindows::EveryDay(DailyWindow window) {
  ContactWindows windows;
  windows.by_weekday_.fill(window);
  return windows;
}

ContactWindows ContactWindows::DefaultForCalls() { return EveryDay({9 * 60, 21 * 60}); }

ContactWindows ContactWindows::DefaultForMessages() { return EveryDay({8 * 60, 21 * 60}); }

void ContactWindows::SetDay(absl::Weekday day, std::optional<DailyWindow> window) {
  by_weekday_[static_cast<int>(day)] = window;
}

absl::Status ContactWindows::Validate() const {
  bool any = false;
  for (const std::optional<DailyWindow>& window : by_weekday_) {
    if (!window) continue;
    any = true;
    if (window->start_minute < 0 || window->end_minute > kMinutesPerDay || window->start_minute >= window->end_minute) {
      return absl::InvalidArgumentError(absl::StrCat("a contact window must lie within one day, start before it ends;",
                                                     " got minutes ", window->start_minute, " to ",
                                                     window->end_minute));
    }
  }
  if (!any) return absl::InvalidArgumentError("contact windows allow no day of the week at all");
  return absl::OkStatus();
}

const std::optional<DailyWindow>& ContactWindows::WindowOn(absl::CivilDay day) const {
  static const std::optional<DailyWindow> kNone;
  if (holidays_.contains(day)) return kNone;
  return by_weekday_[static_cast<int>(absl::GetWeekday(day))];
}

bool ContactWindows::Allows(absl::Time time, const absl::TimeZone& zone) const {
  absl::CivilSecond civil = zone.At(time).cs;
  const std::optional<DailyWindow>& window = WindowOn(absl::CivilDay(civil));
  if (!window) return false;
  int minute = MinuteOfDay(civil);
  return minute >= window->start_minute && minute < window->end_minute;
}

std::optional<absl::Time> ContactWindows::NextAllowed(absl::Time from, const absl::TimeZone& zone) const {
  if (Allows(from, zone)) return from;
  absl::CivilDay first_day(zone.At(from).cs);
  for (int offset = 0; offset < kSearchDays; ++offset) {
    absl::CivilDay day = first_day + offset;
    const std::optional<DailyWindow>& window = WindowOn(day);
    if (!window) continue;
    absl::CivilSecond opening = absl::CivilSecond(day) + window->start_minute * 60;
    absl::TimeZone::TimeInfo info = zone.At(opening);
    // kSkipped: the opening falls in a gap, so it opens when the clocks jump
    // (`trans`); kRepeated: the opening occurs twice, `pre` then `post`.
    for (absl::Time candidate : {info.kind == absl::TimeZone::TimeInfo::SKIPPED ? info.trans : info.pre, info.post}) {
      if (candidate >= from && Allows(candidate, zone)) return candidate;
    }
  }
  return std::nullopt;
}

}  // namespace satisfaction::scheduler
