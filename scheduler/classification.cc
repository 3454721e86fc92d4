#include "scheduler/classification.h"

#include <algorithm>
#include <vector>

namespace satisfaction::scheduler {
namespace {

struct Summary {
  int count = 0;
  absl::Time first = absl::InfiniteFuture();
  absl::Time last = absl::InfinitePast();
  double total = 0;
};

Summary Summarize(std::span<const OrderFact> orders) {
  Summary summary;
  for (const OrderFact& order : orders) {
    ++summary.count;
    summary.first = std::min(summary.first, order.at);
    summary.last = std::max(summary.last, order.at);
    summary.total += order.amount;
  }
  return summary;
}

int OrdersSince(std::span<const OrderFact> orders, absl::Time since) {
  return static_cast<int>(
      std::count_if(orders.begin(), orders.end(), [&](const OrderFact& o) { return o.at > since; }));
}

template <typename T>
bool Ascending(const std::array<T, 4>& cuts) {
  return std::is_sorted(cuts.begin(), cuts.end()) && std::adjacent_find(cuts.begin(), cuts.end()) == cuts.end();
}

}  // namespace

absl::Status ClassificationThresholds::Validate() const {
  if (active_period <= absl::ZeroDuration() || active_min_orders < 1) {
    return absl::InvalidArgumentError("active customers need a positive period and at least one order in it");
  }
  if (dormant_after <= absl::ZeroDuration() || churned_after <= dormant_after) {
    return absl::InvalidArgumentError("dormant_after must be positive and shorter than churned_after");
  }
  if (loyal_min_orders < 1 || loyal_min_tenure < absl::ZeroDuration() || loyal_min_amount < 0) {
    return absl::InvalidArgumentError("loyal customers need at least one order, a tenure and an amount not below 0");
  }
  return absl::OkStatus();
}

CustomerType Classify(std::span<const OrderFact> orders, const ClassificationThresholds& thresholds, absl::Time now) {
  Summary summary = Summarize(orders);
  if (summary.count == 0) return CustomerType::kNew;
  absl::Duration idle = now - summary.last;
  if (idle >= thresholds.churned_after) return CustomerType::kChurned;
  if (idle >= thresholds.dormant_after) return CustomerType::kDormant;
  if (summary.count >= thresholds.loyal_min_orders && now - summary.first >= thresholds.loyal_min_tenure &&
      summary.total >= thresholds.loyal_min_amount) {
    return CustomerType::kLoyal;
  }
  if (OrdersSince(orders, now - thresholds.active_period) >= thresholds.active_min_orders) {
    return CustomerType::kActive;
  }
  if (summary.count == 1) return CustomerType::kNew;
  // Several orders, recently enough not to be dormant, but not often lately: a
  // regular (熟客), served as an active customer.
  return CustomerType::kActive;
}

std::optional<absl::Time> NextTypeChange(std::span<const OrderFact> orders, const ClassificationThresholds& thresholds,
                                         absl::Time now) {
  Summary summary = Summarize(orders);
  if (summary.count == 0) return std::nullopt;
  CustomerType current = Classify(orders, thresholds, now);
  // Without new orders, the type can only change when an order ages past a
  // threshold or the tenure reaches the loyal one.
  std::vector<absl::Time> moments = {summary.last + thresholds.dormant_after, summary.last + thresholds.churned_after,
                                     summary.first + thresholds.loyal_min_tenure};
  for (const OrderFact& order : orders) moments.push_back(order.at + thresholds.active_period);
  std::sort(moments.begin(), moments.end());
  for (absl::Time moment : moments) {
    if (moment > now && Classify(orders, thresholds, moment) != current) return moment;
  }
  return std::nullopt;
}

absl::Status RfmThresholds::Validate() const {
  if (!Ascending(recency) || !Ascending(frequency) || !Ascending(monetary)) {
    return absl::InvalidArgumentError("RFM cut points must be strictly ascending");
  }
  return absl::OkStatus();
}

RfmScore ScoreRfm(std::span<const OrderFact> orders, const RfmThresholds& thresholds, absl::Time now) {
  Summary summary = Summarize(orders);
  RfmScore score;
  if (summary.count == 0) return score;
  absl::Duration idle = now - summary.last;
  score.recency = 1;
  for (int i = 3; i >= 0; --i) {
    if (idle <= thresholds.recency[i]) score.recency = 5 - i;
  }
  score.frequency = 1;
  for (int i = 0; i < 4; ++i) {
    if (summary.count >= thresholds.frequency[i]) score.frequency = i + 2;
  }
  score.monetary = 1;
  for (int i = 0; i < 4; ++i) {
    if (summary.total >= thresholds.monetary[i]) score.monetary = i + 2;
  }
  return score;
}

}  // namespace satisfaction::scheduler
