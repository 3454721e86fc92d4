#include "services/settings/contact_policy_settings.h"

#include <cstdlib>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "services/common/field_checks.h"
#include "services/common/text_limits.h"

namespace satisfaction::settings {
namespace {

constexpr int kMaxHolidays = 400;

// "HH:MM" to minutes after midnight; "24:00" only if `end_of_day` may be named.
absl::StatusOr<int> ParseTimeOfDay(const std::string& field, const std::string& text, bool allow_end_of_day) {
  auto digits = [&](int at) { return absl::ascii_isdigit(text[at]) && absl::ascii_isdigit(text[at + 1]); };
  if (text.size() != 5 || !digits(0) || text[2] != ':' || !digits(3)) {
    return FieldError(field, absl::StrCat("must read HH:MM, e.g. 09:00; got ", Quote(text)));
  }
  int hours = (text[0] - '0') * 10 + (text[1] - '0'), minutes = (text[3] - '0') * 10 + (text[4] - '0');
  bool end_of_day = hours == 24 && minutes == 0;
  if (minutes > 59 || hours > 24 || (hours == 24 && !end_of_day) || (end_of_day && !allow_end_of_day)) {
    return FieldError(field, absl::StrCat("not a time of day: ", Quote(text)));
  }
  return hours * 60 + minutes;
}

absl::Status ParseWeek(const std::string& field, const v1::WeeklyWindows& week, scheduler::ContactWindows& out) {
  struct Day {
    const char* name;
    absl::Weekday weekday;
    bool (v1::WeeklyWindows::*has)() const;
    const v1::TimeWindow& (v1::WeeklyWindows::*get)() const;
  };
  static constexpr Day kDays[] = {
      {"monday", absl::Weekday::monday, &v1::WeeklyWindows::has_monday, &v1::WeeklyWindows::monday},
      {"tuesday", absl::Weekday::tuesday, &v1::WeeklyWindows::has_tuesday, &v1::WeeklyWindows::tuesday},
      {"wednesday", absl::Weekday::wednesday, &v1::WeeklyWindows::has_wednesday, &v1::WeeklyWindows::wednesday},
      {"thursday", absl::Weekday::thursday, &v1::WeeklyWindows::has_thursday, &v1::WeeklyWindows::thursday},
      {"friday", absl::Weekday::friday, &v1::WeeklyWindows::has_friday, &v1::WeeklyWindows::friday},
      {"saturday", absl::Weekday::saturday, &v1::WeeklyWindows::has_saturday, &v1::WeeklyWindows::saturday},
      {"sunday", absl::Weekday::sunday, &v1::WeeklyWindows::has_sunday, &v1::WeeklyWindows::sunday},
  };
  bool any = false;
  for (const Day& day : kDays) {
    if (!(week.*day.has)()) {
      out.SetDay(day.weekday, std::nullopt);
      continue;
    }
    const v1::TimeWindow& window = (week.*day.get)();
    std::string day_field = absl::StrCat(field, ".", day.name);
    absl::StatusOr<int> start = ParseTimeOfDay(day_field + ".start", window.start(), false);
    if (!start.ok()) return start.status();
    absl::StatusOr<int> end = ParseTimeOfDay(day_field + ".end", window.end(), true);
    if (!end.ok()) return end.status();
    if (*end <= *start) return FieldError(day_field, "must end after it starts");
    out.SetDay(day.weekday, scheduler::DailyWindow{*start, *end});
    any = true;
  }
  if (!any) return FieldError(field, "at least one weekday needs a window");
  return absl::OkStatus();
}

absl::StatusOr<std::optional<scheduler::ContactCap>> ParseCap(const std::string& field, bool present,
                                                              const v1::ContactCap& cap) {
  if (!present) return std::nullopt;
  if (cap.max_contacts() < 1 || cap.max_contacts() > 100) {
    return FieldError(field + ".max_contacts", absl::StrCat("must be 1 to 100; got ", cap.max_contacts()));
  }
  if (absl::Status s = CheckDuration(field + ".period", cap.period(), absl::Hours(1), absl::Hours(24 * 365)); !s.ok()) {
    return s;
  }
  return scheduler::ContactCap{cap.max_contacts(), FromProtoDuration(cap.period())};
}

v1::WeeklyWindows EveryDay(const char* start, const char* end) {
  v1::WeeklyWindows week;
  for (v1::TimeWindow* day :
       {week.mutable_monday(), week.mutable_tuesday(), week.mutable_wednesday(), week.mutable_thursday(),
        week.mutable_friday(), week.mutable_saturday(), week.mutable_sunday()}) {
    day->set_start(start);
    day->set_end(end);
  }
  return week;
}

// The policy's cap of `channel`, and its field's name: matched by name, so that
// reordering either side's channels cannot swap the caps.
struct ChannelCapField {
  const char* field;
  bool (v1::ContactPolicy::*has)() const;
  const v1::ContactCap& (v1::ContactPolicy::*get)() const;
  v1::ContactCap* (v1::ContactPolicy::*mutable_cap)();
};
ChannelCapField CapField(scheduler::Channel channel) {
  using P = v1::ContactPolicy;
  switch (channel) {
    case scheduler::Channel::kPhone:
      return {"policy.phone_cap", &P::has_phone_cap, &P::phone_cap, &P::mutable_phone_cap};
    case scheduler::Channel::kSms:
      return {"policy.sms_cap", &P::has_sms_cap, &P::sms_cap, &P::mutable_sms_cap};
    case scheduler::Channel::kIm:
      return {"policy.im_cap", &P::has_im_cap, &P::im_cap, &P::mutable_im_cap};
    case scheduler::Channel::kEmail:
      return {"policy.email_cap", &P::has_email_cap, &P::email_cap, &P::mutable_email_cap};
  }
  std::abort();  // every channel is named above
}

void SetCap(v1::ContactCap* out, const scheduler::ContactCap& cap) {
  out->set_max_contacts(cap.max_contacts);
  *out->mutable_period() = ToProtoDuration(cap.period);
}

}  // namespace

v1::ContactPolicy DefaultContactPolicy() {
  v1::ContactPolicy policy;
  *policy.mutable_call_windows() = EveryDay("09:00", "21:00");
  *policy.mutable_message_windows() = EveryDay("08:00", "21:00");
  scheduler::ContactBudget budget;
  SetCap(policy.mutable_survey_cap(), budget.survey_cap);
  for (scheduler::Channel channel : scheduler::kAllChannels) {
    SetCap((policy.*CapField(channel).mutable_cap)(), *budget.CapFor(channel));
  }
  return policy;
}

absl::StatusOr<scheduler::ContactPolicy> ParseContactPolicy(const v1::ContactPolicy& policy) {
  scheduler::ContactPolicy out;
  if (!policy.has_call_windows()) return FieldError("policy.call_windows", "required");
  if (absl::Status s = ParseWeek("policy.call_windows", policy.call_windows(), out.call_windows); !s.ok()) return s;
  if (!policy.has_message_windows()) return FieldError("policy.message_windows", "required");
  if (absl::Status s = ParseWeek("policy.message_windows", policy.message_windows(), out.message_windows); !s.ok()) {
    return s;
  }

  if (policy.holidays_size() > kMaxHolidays) {
    return FieldError("policy.holidays", absl::StrCat("at most ", kMaxHolidays, " days"));
  }
  absl::flat_hash_set<absl::CivilDay> holidays;
  for (int i = 0; i < policy.holidays_size(); ++i) {
    const std::string& text = policy.holidays(i);
    std::string field = absl::StrCat("policy.holidays[", i, "]");
    absl::CivilDay day;
    // FormatCivilTime gives back the text only for a real date (not 2026-02-30).
    if (!absl::ParseCivilTime(text, &day) || absl::FormatCivilTime(day) != text || day.year() < 2000 ||
        day.year() > 2200) {
      return FieldError(field, absl::StrCat("must be a date YYYY-MM-DD; got ", Quote(text)));
    }
    if (!holidays.insert(day).second) return FieldError(field, absl::StrCat(text, " is listed twice"));
    out.call_windows.AddHoliday(day);
    out.message_windows.AddHoliday(day);
  }

  if (!policy.has_survey_cap()) return FieldError("policy.survey_cap", "required");
  absl::StatusOr<std::optional<scheduler::ContactCap>> survey_cap =
      ParseCap("policy.survey_cap", true, policy.survey_cap());
  if (!survey_cap.ok()) return survey_cap.status();
  out.budget.survey_cap = **survey_cap;
  for (scheduler::Channel channel : scheduler::kAllChannels) {
    ChannelCapField entry = CapField(channel);
    absl::StatusOr<std::optional<scheduler::ContactCap>> cap =
        ParseCap(entry.field, (policy.*entry.has)(), (policy.*entry.get)());
    if (!cap.ok()) return cap.status();
    out.budget.CapFor(channel) = *cap;
  }
  // The scheduler's own checks, as a last line (they should never fire here).
  if (absl::Status s = out.budget.Validate(); !s.ok()) return FieldError("policy", s.message());
  return out;
}

}  // namespace satisfaction::settings
