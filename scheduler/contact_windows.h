#ifndef SATISFACTION_SCHEDULER_CONTACT_WINDOWS_H_
#define SATISFACTION_SCHEDULER_CONTACT_WINDOWS_H_

#include <array>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace satisfaction::scheduler {

// Local times of day [start, end), in minutes after midnight.
struct DailyWindow {
  int start_minute = 0;
  int end_minute = 0;
};

// When a customer may be contacted, in the customer's own time zone: a window
// per weekday (or none) and a list of holidays with no contact at all. Times
// are local wall-clock times, so a window keeps its meaning across daylight
// saving changes: 09:00 stays 09:00.
class ContactWindows {
 public:
  // Calls: 09:00-21:00 every day.
  static ContactWindows DefaultForCalls();
  // Messages: 08:00-21:00 every day (no messages 21:00-08:00).
  static ContactWindows DefaultForMessages();
  // Every day the same window.
  static ContactWindows EveryDay(DailyWindow window);

  void SetDay(absl::Weekday day, std::optional<DailyWindow> window);
  void AddHoliday(absl::CivilDay day) { holidays_.insert(day); }

  // INVALID_ARGUMENT unless every window lies within the day with start < end,
  // and at least one weekday has a window.
  absl::Status Validate() const;

  // Whether contact at `time` is allowed, read on the customer's clock.
  bool Allows(absl::Time time, const absl::TimeZone& zone) const;

  // The first instant at or after `from` when contact is allowed, or nothing if
  // there is none within the next 400 days. A window that starts inside a
  // daylight-saving gap opens when the clocks jump; in a repeated hour, at its
  // first occurrence.
  std::optional<absl::Time> NextAllowed(absl::Time from, const absl::TimeZone& zone) const;

 private:
  const std::optional<DailyWindow>& WindowOn(absl::CivilDay day) const;

  std::array<std::optional<DailyWindow>, 7> by_weekday_;  // indexed by absl::Weekday
  absl::flat_hash_set<absl::CivilDay> holidays_;
};

}  // namespace satisfaction::scheduler

#endif  // SATISFACTION_SCHEDULER_CONTACT_WINDOWS_H_
