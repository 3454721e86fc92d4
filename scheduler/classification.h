#ifndef SATISFACTION_SCHEDULER_CLASSIFICATION_H_
#define SATISFACTION_SCHEDULER_CLASSIFICATION_H_

#include <array>
#include <optional>
#include <span>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "scheduler/revisit_types.h"

namespace satisfaction::scheduler {

// One order as classification sees it.
struct OrderFact {
  absl::Time at;
  double amount = 0;
};

// The operator's thresholds for lifecycle types (seeds 001/003).
struct ClassificationThresholds {
  // Active: at least `active_min_orders` orders within the last `active_period`.
  absl::Duration active_period = absl::Hours(24 * 90);
  int active_min_orders = 2;
  // Dormant: no order for `dormant_after`; churned: none for `churned_after`.
  absl::Duration dormant_after = absl::Hours(24 * 90);
  absl::Duration churned_after = absl::Hours(24 * 365);
  // Loyal: at least `loyal_min_orders` orders over at least `loyal_min_tenure`
  // (first order to now) and `loyal_min_amount` spent, and not dormant.
  int loyal_min_orders = 6;
  absl::Duration loyal_min_tenure = absl::Hours(24 * 365);
  double loyal_min_amount = 0;

  absl::Status Validate() const;
};

// The lifecycle type of a customer with these orders (any order), at `now`.
// A customer without orders yet is new.
CustomerType Classify(std::span<const OrderFact> orders, const ClassificationThresholds& thresholds, absl::Time now);

// When the type would next change with no new order (an active customer turning
// dormant, a dormant one churning...), or nothing if it never would.
std::optional<absl::Time> NextTypeChange(std::span<const OrderFact> orders, const ClassificationThresholds& thresholds,
                                         absl::Time now);

// RFM: recency, frequency and monetary value, each scored 1 (worst) to 5.
struct RfmScore {
  int recency = 1;
  int frequency = 1;
  int monetary = 1;
  int total() const { return recency + frequency + monetary; }
};

// Cut points, ascending: a value at or past cut i scores i + 2 (recency: a last
// order at most cut i ago scores 5 - i).
struct RfmThresholds {
  std::array<absl::Duration, 4> recency = {absl::Hours(24 * 30), absl::Hours(24 * 90), absl::Hours(24 * 180),
                                           absl::Hours(24 * 365)};
  std::array<int, 4> frequency = {2, 3, 5, 10};
  std::array<double, 4> monetary = {200, 500, 1000, 5000};

  absl::Status Validate() const;
};

RfmScore ScoreRfm(std::span<const OrderFact> orders, const RfmThresholds& thresholds, absl::Time now);

}  // namespace satisfaction::scheduler

#endif  // SATISFACTION_SCHEDULER_CLASSIFICATION_H_
