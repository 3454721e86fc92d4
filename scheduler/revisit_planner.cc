#include "scheduler/revisit_planner.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace satisfaction::scheduler {

std::optional<absl::Time> EarliestContactTime(absl::Time from, absl::Time limit, Channel channel, bool survey,
                                              const absl::TimeZone& zone, std::span<const ContactRecord> contacts,
                                              const ContactPolicy& policy) {
  const ContactWindows& windows = policy.WindowsFor(channel);
  absl::Time at = from;
  // The window and the budget each move the time later until both agree; the
  // limit ends the search.
  while (at < limit) {
    std::optional<absl::Time> in_window = windows.NextAllowed(at, zone);
    if (!in_window || *in_window >= limit) return std::nullopt;
    absl::Time in_budget = EarliestWithinBudget(*in_window, channel, survey, contacts, policy.budget);
    if (in_budget == *in_window) return in_budget;
    at = in_budget;
  }
  return std::nullopt;
}

Plan PlanEvent(const RevisitEvent& event, const CustomerSnapshot& customer, std::span<const RevisitRule> rules,
               const ContactPolicy& policy, absl::Time now) {
  Plan plan;
  std::vector<ContactRecord> contacts = customer.contacts;
  for (const RevisitRule& rule : rules) {
    if (!rule.enabled || !rule.AppliesTo(customer.type) || rule.trigger != event.trigger) continue;
    if (rule.questionnaire_archived) {
      plan.skipped.push_back({rule.id, absl::StrCat("questionnaire '", rule.questionnaire_id,
                                                    "' is archived: no new revisit may use it")});
      continue;
    }
    absl::Time earliest = std::max(event.at + rule.delay, now);
    absl::Time expires = event.at + rule.expiry;
    bool survey = !rule.questionnaire_id.empty();
    std::string reason;
    bool planned = false;
    for (Channel channel : rule.channels) {
      if (!customer.CanUse(channel)) {
        absl::StrAppend(&reason, reason.empty() ? "" : "; ", Name(channel), ": not reachable or opted out");
        continue;
      }
      std::optional<absl::Time> due =
          EarliestContactTime(earliest, expires, channel, survey, customer.zone, contacts, policy);
      if (!due) {
        absl::StrAppend(&reason, reason.empty() ? "" : "; ", Name(channel),
                        ": no time inside the contact hours and budget before the revisit expires");
        continue;
      }
      PlannedRevisit revisit{.rule_id = rule.id,
                             .channel = channel,
                             .due = *due,
                             .not_before = earliest,
                             .expires = expires,
                             .questionnaire_id = rule.questionnaire_id,
                             .priority = rule.priority,
                             .max_attempts = IsCall(channel) ? rule.max_attempts : 1};
      if (rule.reserve_for_serving_agent && IsCall(channel)) revisit.reserved_agent = customer.serving_agent;
      contacts.push_back({.at = *due, .channel = channel, .survey = survey});
      plan.revisits.push_back(std::move(revisit));
      planned = true;
      break;
    }
    if (!planned) plan.skipped.push_back({rule.id, reason});
  }
  return plan;
}

std::optional<absl::Time> ReplanDue(absl::Time due, absl::Time not_before, absl::Time expires, Channel channel,
                                    bool survey, const absl::TimeZone& zone,
                                    std::span<const ContactRecord> other_contacts, const ContactPolicy& policy,
                                    absl::Time now) {
  const ContactWindows& windows = policy.WindowsFor(channel);
  if (due <= now && windows.Allows(due, zone) && windows.Allows(now, zone)) return due;
  return EarliestContactTime(std::max(not_before, now), expires, channel, survey, zone, other_contacts, policy);
}

}  // namespace satisfaction::scheduler
