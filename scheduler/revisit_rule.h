#ifndef SATISFACTION_SCHEDULER_REVISIT_RULE_H_
#define SATISFACTION_SCHEDULER_REVISIT_RULE_H_

#include <algorithm>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "scheduler/retry_policy.h"
#include "scheduler/revisit_types.h"

namespace satisfaction::scheduler {

// What to do, for some customer types, when one kind of event happens.
struct RevisitRule {
  std::string id;
  // The types the rule applies to.
  std::vector<CustomerType> customer_types;
  Trigger trigger = Trigger::kOrderDelivered;
  bool enabled = true;
  // Channels in order of preference; the next one is the fallback.
  std::vector<Channel> channels;
  // How long after the event the revisit is due at the earliest.
  absl::Duration delay;
  // The questionnaire to run; empty for a contact without a survey.
  std::string questionnaire_id;
  // The questionnaire was archived: no new revisit may use it, so the rule
  // plans nothing (and says why).
  bool questionnaire_archived = false;
  // Higher first.
  int priority = 0;
  int max_attempts = 3;
  RetryDelays retry_delays;
  // How long after the event the revisit is still worth making.
  absl::Duration expiry = absl::Hours(24 * 14);
  // Reserve phone callbacks for the agent who served the customer.
  bool reserve_for_serving_agent = false;
  // kPeriodicCare: how often the customers of this type are cared for.
  absl::Duration care_interval;

  bool AppliesTo(CustomerType type) const {
    return std::find(customer_types.begin(), customer_types.end(), type) != customer_types.end();
  }

  // INVALID_ARGUMENT naming the field when the rule cannot work.
  absl::Status Validate() const;
};

}  // namespace satisfaction::scheduler

#endif  // SATISFACTION_SCHEDULER_REVISIT_RULE_H_
