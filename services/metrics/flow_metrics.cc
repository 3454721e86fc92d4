#include "services/metrics/flow_metrics.h"

#include <map>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"

namespace satisfaction::metrics {
namespace {

using google::protobuf::EnumDescriptor;
using google::protobuf::GetEnumDescriptor;
using prometheus::BuildCounter;

// "TRIGGER_LOW_SCORE" of Trigger, whose UNSPECIFIED is "TRIGGER_UNSPECIFIED": "low_score".
std::string LabelValue(const EnumDescriptor& type, int index) {
  std::string prefix(absl::StripSuffix(type.value(0)->name(), "UNSPECIFIED"));
  return absl::AsciiStrToLower(absl::StripPrefix(type.value(index)->name(), prefix));
}

prometheus::Family<prometheus::Counter>& Family(prometheus::Registry& registry, const std::string& name,
                                                const std::string& help) {
  return BuildCounter().Name(name).Help(help).Register(registry);
}

}  // namespace

EnumCounters::EnumCounters(prometheus::Family<prometheus::Counter>& family, const std::vector<Label>& labels) {
  const EnumDescriptor& first = *labels.at(0).second;
  for (int i = 0; i < first.value_count(); ++i) {
    std::map<std::string, std::string> values{{labels[0].first, LabelValue(first, i)}};
    if (labels.size() == 1) {
      series_[{first.value(i)->number(), 0}] = &family.Add(values);
      continue;
    }
    const EnumDescriptor& second = *labels.at(1).second;
    for (int j = 0; j < second.value_count(); ++j) {
      values[labels[1].first] = LabelValue(second, j);
      series_[{first.value(i)->number(), second.value(j)->number()}] = &family.Add(values);
    }
  }
}

void EnumCounters::Increment(int first, int second) {
  auto found = series_.find({first, second});
  if (found == series_.end()) found = series_.find({0, 0});
  found->second->Increment();
}

FlowMetrics::FlowMetrics(prometheus::Registry& registry)
    : revisits_planned_(
          Family(registry, "satisfaction_revisits_planned_total", "Revisits planned, by trigger and channel"),
          {{"trigger", GetEnumDescriptor<v1::Trigger>()}, {"channel", GetEnumDescriptor<v1::Channel>()}}),
      revisits_ended_(
          Family(registry, "satisfaction_revisits_ended_total",
                 "Revisits that left planned and leased, by trigger and the state they ended in"),
          {{"trigger", GetEnumDescriptor<v1::Trigger>()}, {"state", GetEnumDescriptor<v1::RevisitState>()}}),
      recoveries_opened_(
          Family(registry, "satisfaction_recoveries_opened_total", "Low-score recovery revisits planned").Add({})),
      recoveries_closed_(Family(registry, "satisfaction_recoveries_closed_total",
                                "Low-score recovery revisits ended, by the state they ended in"),
                         {{"state", GetEnumDescriptor<v1::RevisitState>()}}),
      call_attempts_(Family(registry, "satisfaction_call_attempts_total", "Call attempts reported, by outcome"),
                     {{"outcome", GetEnumDescriptor<v1::CallOutcome>()}}),
      deliveries_(Family(registry, "satisfaction_message_deliveries_total", "Message deliveries reported, by outcome"),
                  {{"outcome", GetEnumDescriptor<v1::DeliveryOutcome>()}}),
      responses_stored_(Family(registry, "satisfaction_responses_stored_total",
                               "Survey responses stored, by the channel they were taken on"),
                        {{"channel", GetEnumDescriptor<v1::Channel>()}}),
      opt_outs_(Family(registry, "satisfaction_opt_outs_total",
                       "Opt-outs taken (a reply, a call, the do-not-call list), by channel"),
                {{"channel", GetEnumDescriptor<v1::Channel>()}}) {}

void FlowMetrics::RevisitPlanned(v1::Trigger trigger, v1::Channel channel) {
  revisits_planned_.Increment(trigger, channel);
  if (trigger == v1::TRIGGER_LOW_SCORE) recoveries_opened_.Increment();
}

void FlowMetrics::RevisitEnded(v1::Trigger trigger, v1::RevisitState state) {
  revisits_ended_.Increment(trigger, state);
  if (trigger == v1::TRIGGER_LOW_SCORE) recoveries_closed_.Increment(state);
}

void FlowMetrics::CallAttempted(v1::CallOutcome outcome) { call_attempts_.Increment(outcome); }

void FlowMetrics::DeliveryReported(v1::DeliveryOutcome outcome) { deliveries_.Increment(outcome); }

void FlowMetrics::ResponseStored(v1::Channel channel) { responses_stored_.Increment(channel); }

void FlowMetrics::OptedOut(v1::Channel channel) { opt_outs_.Increment(channel); }

}  // namespace satisfaction::metrics
