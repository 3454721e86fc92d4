// Planning throughput of scheduler/ alone: events turned into revisits per
// second on one core, over random scenarios (the property test's generator).
#include <chrono>
#include <cstdio>
#include <vector>

#include "scheduler/revisit_planner.h"
#include "tests/support/revisit_scenarios.h"

int main() {
  constexpr int kEvents = 200'000;
  satisfaction::test_support::RevisitScenarioGenerator generator(/*seed=*/7);
  std::vector<satisfaction::test_support::RevisitScenario> scenarios;
  scenarios.reserve(kEvents);
  for (int i = 0; i < kEvents; ++i) scenarios.push_back(generator.Next());

  for (int round = 1; round <= 3; ++round) {
    size_t revisits = 0;
    auto start = std::chrono::steady_clock::now();
    for (const auto& s : scenarios) {
      revisits += satisfaction::scheduler::PlanEvent(s.event, s.customer, s.rules, s.policy, s.now).revisits.size();
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("round %d: %d events, %zu revisits planned in %.3f s: %.0f events/s on one core\n", round, kEvents,
                revisits, seconds, kEvents / seconds);
  }
  return 0;
}
