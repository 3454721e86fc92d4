// Properties of planning over 100,000 random scenarios (time zones with and
// without daylight saving, random windows, holidays, budgets, histories,
// opt-outs and rules): nothing is ever due outside its window, before it may
// be or after it expires; no customer exceeds the budget; no opted-out or
// blocked channel is used.
#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "scheduler/revisit_planner.h"
#include "tests/support/revisit_scenarios.h"

namespace satisfaction::scheduler {
namespace {

constexpr int kScenarios = 100'000;

std::string Describe(const test_support::RevisitScenario& s, const PlannedRevisit& r) {
  return absl::StrCat("zone ", s.customer.zone.name(), ", event ", absl::FormatTime(s.event.at, s.customer.zone),
                      ", rule ", r.rule_id, ", channel ", Name(r.channel), ", due ",
                      absl::FormatTime(r.due, s.customer.zone));
}

TEST(RevisitPlannerProperties, HoldForRandomScenarios) {
  test_support::RevisitScenarioGenerator generator(/*seed=*/20261123);
  int planned = 0, skipped = 0, failures = 0;
  for (int i = 0; i < kScenarios && failures < 10; ++i) {
    test_support::RevisitScenario s = generator.Next();
    Plan plan = PlanEvent(s.event, s.customer, s.rules, s.policy, s.now);
    std::vector<ContactRecord> all = s.customer.contacts;
    for (const PlannedRevisit& r : plan.revisits) {
      const RevisitRule& rule =
          *std::find_if(s.rules.begin(), s.rules.end(), [&](const RevisitRule& x) { return x.id == r.rule_id; });
      bool ok = true;
      auto check = [&](bool condition, const char* what) {
        if (!condition) {
          ADD_FAILURE() << "scenario " << i << ": " << what << " (" << Describe(s, r) << ")";
          ok = false;
        }
      };
      check(s.policy.WindowsFor(r.channel).Allows(r.due, s.customer.zone), "due outside the contact window");
      check(r.due >= s.now, "due in the past");
      check(r.due >= s.event.at + rule.delay, "due before the rule's delay");
      check(r.due < r.expires && r.expires == s.event.at + rule.expiry, "due after the expiry");
      check(s.customer.CanUse(r.channel), "an opted-out, unreachable or blocked channel");
      check(std::find(rule.channels.begin(), rule.channels.end(), r.channel) != rule.channels.end(),
            "a channel the rule does not name");
      all.push_back({r.due, r.channel, !r.questionnaire_id.empty()});
      if (!ok) ++failures;
    }
    if (!WithinBudget(all, s.policy.budget)) {
      ADD_FAILURE() << "scenario " << i << ": the plan breaks the contact budget";
      ++failures;
    }
    planned += static_cast<int>(plan.revisits.size());
    skipped += static_cast<int>(plan.skipped.size());
    EXPECT_EQ(plan.revisits.size() + plan.skipped.size(), s.rules.size()) << "scenario " << i;
  }
  // Both outcomes must occur often, or the scenarios test nothing.
  EXPECT_GT(planned, kScenarios / 2);
  EXPECT_GT(skipped, kScenarios / 100);
  std::cout << "planned " << planned << " revisits, skipped " << skipped << " rules over " << kScenarios
            << " scenarios\n";
}

}  // namespace
}  // namespace satisfaction::scheduler
