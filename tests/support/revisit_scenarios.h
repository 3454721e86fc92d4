#ifndef SATISFACTION_TESTS_SUPPORT_REVISIT_SCENARIOS_H_
#define SATISFACTION_TESTS_SUPPORT_REVISIT_SCENARIOS_H_

#include <random>
#include <string>
#include <vector>

#include "scheduler/revisit_planner.h"

namespace satisfaction::test_support {

// One random planning problem: a customer in some time zone with some contact
// history, an event, the rules that apply, and the operator's policy.
struct RevisitScenario {
  scheduler::RevisitEvent event;
  scheduler::CustomerSnapshot customer;
  std::vector<scheduler::RevisitRule> rules;
  scheduler::ContactPolicy policy;
  absl::Time now;
};

// Makes random scenarios, reproducibly from a seed. Zones include daylight
// saving ones (New York, Berlin, Lord Howe's half-hour shift) and events span
// two years, so every transition is crossed many times.
class RevisitScenarioGenerator {
 public:
  explicit RevisitScenarioGenerator(uint64_t seed) : random_(seed) {
    for (const char* name : {"America/New_York", "Europe/Berlin", "Asia/Shanghai", "Australia/Lord_Howe",
                             "America/Sao_Paulo", "Asia/Kolkata", "UTC"}) {
      absl::TimeZone zone;
      if (absl::LoadTimeZone(name, &zone)) zones_.push_back(zone);
    }
  }

  RevisitScenario Next() {
    RevisitScenario s;
    s.customer.zone = zones_[Uniform(0, zones_.size() - 1)];
    s.customer.type = scheduler::CustomerType::kActive;
    s.event.trigger = scheduler::Trigger::kOrderDelivered;
    absl::Time start = absl::FromCivil(absl::CivilSecond(2026, 1, 1, 0, 0, 0), absl::UTCTimeZone());
    s.event.at = start + absl::Seconds(Uniform(0, 2 * 365 * 86400));
    s.now = s.event.at + absl::Seconds(Uniform(0, 2 * 86400));

    s.policy.call_windows = RandomWindows(s.customer.zone, s.event.at);
    s.policy.message_windows = RandomWindows(s.customer.zone, s.event.at);
    s.policy.budget.survey_cap = {1, absl::Hours(24 * Uniform(1, 14))};
    for (auto& cap : s.policy.budget.channel_caps) {
      cap =
          Chance(0.3)
              ? std::nullopt
              : std::optional(scheduler::ContactCap{static_cast<int>(Uniform(1, 3)), absl::Hours(24 * Uniform(1, 10))});
    }

    for (bool& reachable : s.customer.reachable) reachable = Chance(0.8);
    s.customer.do_not_call = Chance(0.1);
    s.customer.serving_agent = "agent-" + std::to_string(Uniform(1, 20));
    // A history that keeps within the budget, as the real one does.
    int contacts = static_cast<int>(Uniform(0, 6));
    for (int i = 0; i < contacts; ++i) {
      scheduler::ContactRecord contact{s.event.at + absl::Seconds(Uniform(0, 40 * 86400)) - absl::Hours(24 * 20),
                                       scheduler::kAllChannels[Uniform(0, 3)], Chance(0.6)};
      s.customer.contacts.push_back(contact);
      if (!scheduler::WithinBudget(s.customer.contacts, s.policy.budget)) s.customer.contacts.pop_back();
    }

    int rules = static_cast<int>(Uniform(1, 3));
    for (int i = 0; i < rules; ++i) {
      scheduler::RevisitRule rule;
      rule.id = "rule-" + std::to_string(i);
      rule.customer_types = {s.customer.type};
      rule.trigger = s.event.trigger;
      std::vector<scheduler::Channel> channels(std::begin(scheduler::kAllChannels), std::end(scheduler::kAllChannels));
      std::shuffle(channels.begin(), channels.end(), random_);
      channels.resize(Uniform(1, 4));
      rule.channels = channels;
      rule.delay = absl::Minutes(Uniform(0, 7 * 24 * 60));
      rule.expiry = rule.delay + absl::Minutes(Uniform(60, 20 * 24 * 60));
      rule.questionnaire_id = Chance(0.7) ? "post-delivery" : "";
      rule.priority = static_cast<int>(Uniform(0, 9));
      rule.reserve_for_serving_agent = Chance(0.2);
      s.rules.push_back(rule);
    }
    return s;
  }

 private:
  uint64_t Uniform(uint64_t low, uint64_t high) { return std::uniform_int_distribution<uint64_t>(low, high)(random_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(random_); }

  scheduler::ContactWindows RandomWindows(const absl::TimeZone& zone, absl::Time around) {
    scheduler::ContactWindows windows = scheduler::ContactWindows::DefaultForCalls();
    bool any = false;
    for (int day = 0; day < 7; ++day) {
      if (Chance(0.15) && (any || day < 6)) {
        windows.SetDay(static_cast<absl::Weekday>(day), std::nullopt);
        continue;
      }
      int start = static_cast<int>(Uniform(0, 24 * 60 - 30));
      int end = static_cast<int>(Uniform(start + 30, 24 * 60));
      windows.SetDay(static_cast<absl::Weekday>(day), scheduler::DailyWindow{start, end});
      any = true;
    }
    absl::CivilDay today(zone.At(around).cs);
    for (int i = Uniform(0, 4); i > 0; --i) windows.AddHoliday(today + static_cast<int>(Uniform(0, 60)) - 10);
    return windows;
  }

  std::mt19937_64 random_;
  std::vector<absl::TimeZone> zones_;
};

}  // namespace satisfaction::test_support

#endif  // SATISFACTION_TESTS_SUPPORT_REVISIT_SCENARIOS_H_
