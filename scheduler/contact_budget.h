#ifndef SATISFACTION_SCHEDULER_CONTACT_BUDGET_H_
#define SATISFACTION_SCHEDULER_CONTACT_BUDGET_H_

#include <array>
#include <optional>
#include <span>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "scheduler/revisit_types.h"

namespace satisfaction::scheduler {

// A contact of a customer, made or planned.
struct ContactRecord {
  absl::Time at;
  Channel channel = Channel::kPhone;
  // Whether it carries a survey (not, e.g., a plain reminder).
  bool survey = false;
};

// At most `max_contacts` within any span of `period`.
struct ContactCap {
  int max_contacts = 1;
  absl::Duration period;
};

// How often one customer may be contacted, across all rules: at most one
// survey per `survey_cap.period` on any channel, and a cap per channel.
struct ContactBudget {
  ContactCap survey_cap{1, absl::Hours(24 * 7)};
  std::array<std::optional<ContactCap>, 4> channel_caps = {
      ContactCap{2, absl::Hours(24 * 7)},  // phone
      ContactCap{3, absl::Hours(24 * 7)},  // SMS
      ContactCap{3, absl::Hours(24 * 7)},  // IM
      ContactCap{3, absl::Hours(24 * 7)},  // email
  };

  const std::optional<ContactCap>& CapFor(Channel channel) const { return channel_caps[static_cast<int>(channel)]; }
  std::optional<ContactCap>& CapFor(Channel channel) { return channel_caps[static_cast<int>(channel)]; }
  // The longest span the budget looks across: contacts further from a new
  // one than this never count against it.
  absl::Duration LongestPeriod() const;
  // INVALID_ARGUMENT unless every cap allows at least one contact in a positive period.
  absl::Status Validate() const;
};

// The earliest instant at or after `from` at which one more contact on
// `channel` (a survey or not) keeps every span of the budget within its cap,
// counting both past and already planned contacts in `history`.
absl::Time EarliestWithinBudget(absl::Time from, Channel channel, bool survey, std::span<const ContactRecord> history,
                                const ContactBudget& budget);

// Whether the contacts in `history` keep within `budget` (for tests and audits).
bool WithinBudget(std::span<const ContactRecord> history, const ContactBudget& budget);

}  // namespace satisfaction::scheduler

#endif  // SATISFACTION_SCHEDULER_CONTACT_BUDGET_H_
