#include "scheduler/contact_budget.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"

namespace satisfaction::scheduler {
namespace {

// The most contacts that any span [w, w + period) containing `at` holds, among
// `times` (sorted) plus one at `at` itself. Such spans start in
// (at - period, at]; the count only grows where a later contact enters a span,
// so it is enough to try the earliest start and the starts just after
// `t - period` for each contact t in [at, at + period).
int BusiestSpanWith(absl::Time at, const std::vector<absl::Time>& times, absl::Duration period) {
  constexpr absl::Duration kTick = absl::Nanoseconds(1);
  std::vector<absl::Time> starts = {at - period + kTick};
  for (auto it = std::lower_bound(times.begin(), times.end(), at); it != times.end() && *it < at + period; ++it) {
    starts.push_back(*it - period + kTick);
  }
  int busiest = 0;
  for (absl::Time start : starts) {
    auto begin = std::lower_bound(times.begin(), times.end(), start);
    auto end = std::lower_bound(times.begin(), times.end(), start + period);
    busiest = std::max(busiest, static_cast<int>(end - begin) + 1);
  }
  return busiest;
}

// The earliest instant at or after `from` at which one more contact fits `cap`
// among `times` (sorted). The answer is `from` or the moment some contact
// leaves a span: a contact time plus the period.
absl::Time EarliestFit(absl::Time from, const std::vector<absl::Time>& times, const ContactCap& cap) {
  if (BusiestSpanWith(from, times, cap.period) <= cap.max_contacts) return from;
  for (absl::Time t : times) {
    absl::Time candidate = t + cap.period;
    if (candidate > from && BusiestSpanWith(candidate, times, cap.period) <= cap.max_contacts) return candidate;
  }
  // Past every contact plus its period nothing else is counted.
  return times.empty() ? from : std::max(from, times.back() + cap.period);
}

std::vector<absl::Time> SortedTimes(std::span<const ContactRecord> history, bool surveys_only,
                                    std::optional<Channel> channel) {
  std::vector<absl::Time> times;
  for (const ContactRecord& contact : history) {
    if (surveys_only && !contact.survey) continue;
    if (channel && contact.channel != *channel) continue;
    times.push_back(contact.at);
  }
  std::sort(times.begin(), times.end());
  return times;
}

bool CapHolds(const std::vector<absl::Time>& times, const ContactCap& cap) {
  for (size_t i = 0; i < times.size(); ++i) {
    auto end = std::lower_bound(times.begin() + i, times.end(), times[i] + cap.period);
    if (end - (times.begin() + i) > cap.max_contacts) return false;
  }
  return true;
}

}  // namespace

absl::Duration ContactBudget::LongestPeriod() const {
  absl::Duration longest = survey_cap.period;
  for (const std::optional<ContactCap>& cap : channel_caps) {
    if (cap) longest = std::max(longest, cap->period);
  }
  return longest;
}

absl::Status ContactBudget::Validate() const {
  auto check = [](const ContactCap& cap, absl::string_view what) {
    if (cap.max_contacts < 1 || cap.period <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": a contact cap needs at least one contact in a positive period"));
    }
    return absl::OkStatus();
  };
  if (absl::Status s = check(survey_cap, "survey cap"); !s.ok()) return s;
  for (Channel channel : kAllChannels) {
    if (const std::optional<ContactCap>& cap = CapFor(channel)) {
      if (absl::Status s = check(*cap, Name(channel)); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

absl::Time EarliestWithinBudget(absl::Time from, Channel channel, bool survey, std::span<const ContactRecord> history,
                                const ContactBudget& budget) {
  std::vector<absl::Time> surveys = SortedTimes(history, /*surveys_only=*/true, std::nullopt);
  std::vector<absl::Time> on_channel = SortedTimes(history, /*surveys_only=*/false, channel);
  const std::optional<ContactCap>& channel_cap = budget.CapFor(channel);
  // Each constraint only ever moves the time later; stop when both agree.
  absl::Time at = from;
  while (true) {
    absl::Time next = at;
    if (survey) next = EarliestFit(next, surveys, budget.survey_cap);
    if (channel_cap) next = EarliestFit(next, on_channel, *channel_cap);
    if (next == at) return at;
    at = next;
  }
}

bool WithinBudget(std::span<const ContactRecord> history, const ContactBudget& budget) {
  if (!CapHolds(SortedTimes(history, /*surveys_only=*/true, std::nullopt), budget.survey_cap)) return false;
  for (Channel channel : kAllChannels) {
    const std::optional<ContactCap>& cap = budget.CapFor(channel);
    if (cap && !CapHolds(SortedTimes(history, /*surveys_only=*/false, channel), *cap)) return false;
  }
  return true;
}

}  // namespace satisfaction::scheduler
