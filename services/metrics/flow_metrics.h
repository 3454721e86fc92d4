#ifndef SATISFACTION_SERVICES_METRICS_FLOW_METRICS_H_
#define SATISFACTION_SERVICES_METRICS_FLOW_METRICS_H_

#include <google/protobuf/descriptor.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "services/common/flow_observer.h"

namespace satisfaction::metrics {

// A counter family's series for every value, or pair of values, of v1 enums,
// made up front: each starts at zero (so a rate shows from the first event)
// and counting looks nothing up by label. Label values are the enum values'
// names without their prefix, in lower case (TRIGGER_LOW_SCORE: "low_score").
class EnumCounters {
 public:
  using Label = std::pair<std::string, const google::protobuf::EnumDescriptor*>;
  EnumCounters(prometheus::Family<prometheus::Counter>& family, const std::vector<Label>& labels);

  // Counts the series of `first` (and `second`, for two labels); a number the
  // enum does not know counts as its UNSPECIFIED.
  void Increment(int first, int second = 0);

 private:
  absl::flat_hash_map<std::pair<int, int>, prometheus::Counter*> series_;
};

// The flow counters (README, "Metrics"): what the stores committed, counted
// by the server that committed it. Thread-safe.
class FlowMetrics final : public FlowObserver {
 public:
  explicit FlowMetrics(prometheus::Registry& registry);

  void RevisitPlanned(v1::Trigger trigger, v1::Channel channel) override;
  void RevisitEnded(v1::Trigger trigger, v1::RevisitState state) override;
  void CallAttempted(v1::CallOutcome outcome) override;
  void DeliveryReported(v1::DeliveryOutcome outcome) override;
  void ResponseStored(v1::Channel channel) override;
  void OptedOut(v1::Channel channel) override;

 private:
  EnumCounters revisits_planned_;
  EnumCounters revisits_ended_;
  prometheus::Counter& recoveries_opened_;
  EnumCounters recoveries_closed_;
  EnumCounters call_attempts_;
  EnumCounters deliveries_;
  EnumCounters responses_stored_;
  EnumCounters opt_outs_;
};

}  // namespace satisfaction::metrics

#endif  // SATISFACTION_SERVICES_METRICS_FLOW_METRICS_H_
