#ifndef SATISFACTION_SCHEDULER_REVISIT_PLANNER_H_
#define SATISFACTION_SCHEDULER_REVISIT_PLANNER_H_

#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "scheduler/contact_budget.h"
#include "scheduler/contact_windows.h"
#include "scheduler/revisit_rule.h"

namespace satisfaction::scheduler {

// What the planner needs to know of a customer.
struct CustomerSnapshot {
  CustomerType type = CustomerType::kNew;
  absl::TimeZone zone;
  // Per channel: the customer has an address for it, consented, and did not opt out.
  std::array<bool, 4> reachable = {};
  // On the do-not-call list (by request or by the shop).
  bool do_not_call = false;
  // Contacts made or already planned, on every channel.
  std::vector<ContactRecord> contacts;
  // The agent who served the customer, if known.
  std::string serving_agent;

  bool CanUse(Channel channel) const {
    return reachable[static_cast<int>(channel)] && !(channel == Channel::kPhone && do_not_call);
  }
  void SetReachable(Channel channel, bool can_reach) { reachable[static_cast<int>(channel)] = can_reach; }
};

struct RevisitEvent {
  Trigger trigger = Trigger::kOrderDelivered;
  absl::Time at;
};

// The operator's contact policy.
struct ContactPolicy {
  ContactWindows call_windows = ContactWindows::DefaultForCalls();
  ContactWindows message_windows = ContactWindows::DefaultForMessages();
  ContactBudget budget;

  const ContactWindows& WindowsFor(Channel channel) const { return IsCall(channel) ? call_windows : message_windows; }
};

struct PlannedRevisit {
  std::string rule_id;
  Channel channel = Channel::kPhone;
  // Inside the channel's window, within the budget, before `expires`.
  absl::Time due;
  // The earliest the revisit may be made whatever the hours: the event plus
  // the rule's delay, or now. A change of the customer's zone plans it again
  // from here (see ReplanDue).
  absl::Time not_before;
  absl::Time expires;
  std::string questionnaire_id;
  int priority = 0;
  int max_attempts = 1;
  // The agent a phone callback is reserved for, if any.
  std::string reserved_agent;
};

struct SkippedRule {
  std::string rule_id;
  std::string reason;
};

struct Plan {
  std::vector<PlannedRevisit> revisits;
  std::vector<SkippedRule> skipped;
};

// Turns one event of one customer into revisits: for each enabled rule of the
// customer's type and the event's trigger, the first of its channels the
// customer can be reached on where a time exists that is inside the channel's
// window, within the contact budget (counting what this plan adds), not before
// `now` nor before the event plus the rule's delay, and before its expiry.
Plan PlanEvent(const RevisitEvent& event, const CustomerSnapshot& customer, std::span<const RevisitRule> rules,
               const ContactPolicy& policy, absl::Time now);

// The earliest time at or after `from` on `channel` that is inside the window
// and within the budget given `contacts`, if there is one before `limit`.
std::optional<absl::Time> EarliestContactTime(absl::Time from, absl::Time limit, Channel channel, bool survey,
                                              const absl::TimeZone& zone, std::span<const ContactRecord> contacts,
                                              const ContactPolicy& policy);

// When a planned revisit is due after its customer's time zone (or the
// contact policy) changed: at
// `due` still, if that time has come, was inside the window in `zone`, and the
// revisit may be made now (it keeps its place in the queue); otherwise at the earliest time inside the channel's
// window in `zone` and within the budget given the customer's other contacts,
// at or after the later of `not_before` and `now`, before `expires`. Nothing
// when no such time exists (the revisit expires unmade).
std::optional<absl::Time> ReplanDue(absl::Time due, absl::Time not_before, absl::Time expires, Channel channel,
                                    bool survey, const absl::TimeZone& zone,
                                    std::span<const ContactRecord> other_contacts, const ContactPolicy& policy,
                                    absl::Time now);

}  // namespace satisfaction::scheduler

#endif  // SATISFACTION_SCHEDULER_REVISIT_PLANNER_H_
