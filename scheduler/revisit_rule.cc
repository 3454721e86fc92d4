#include "scheduler/revisit_rule.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace satisfaction::scheduler {

absl::Status RevisitRule::Validate() const {
  if (customer_types.empty()) return absl::InvalidArgumentError("customer_types: at least one type is required");
  for (size_t i = 0; i < customer_types.size(); ++i) {
    if (std::find(customer_types.begin(), customer_types.begin() + i, customer_types[i]) !=
        customer_types.begin() + i) {
      return absl::InvalidArgumentError(absl::StrCat("customer_types: ", Name(customer_types[i]), " is listed twice"));
    }
  }
  if (channels.empty()) return absl::InvalidArgumentError("channels: at least one channel is required");
  for (size_t i = 0; i < channels.size(); ++i) {
    if (std::find(channels.begin(), channels.begin() + i, channels[i]) != channels.begin() + i) {
      return absl::InvalidArgumentError(absl::StrCat("channels: ", Name(channels[i]), " is listed twice"));
    }
  }
  if (delay < absl::ZeroDuration()) return absl::InvalidArgumentError("delay: must not be negative");
  if (expiry <= delay) return absl::InvalidArgumentError("expiry: must be longer than the delay");
  if (max_attempts < 1 || max_attempts > 20) return absl::InvalidArgumentError("max_attempts: must be from 1 to 20");
  if (trigger == Trigger::kPeriodicCare && care_interval < absl::Hours(24)) {
    return absl::InvalidArgumentError("care_interval: periodic care needs an interval of at least one day");
  }
  if (trigger != Trigger::kPeriodicCare && care_interval != absl::ZeroDuration()) {
    return absl::InvalidArgumentError("care_interval: only for periodic care rules");
  }
  if (reserve_for_serving_agent && std::find(channels.begin(), channels.end(), Channel::kPhone) == channels.end()) {
    return absl::InvalidArgumentError("reserve_for_serving_agent: only phone revisits go to an agent");
  }
  if (absl::Status s = retry_delays.Validate(); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("retry_delays: ", s.message()));
  }
  return absl::OkStatus();
}

}  // namespace satisfaction::scheduler
