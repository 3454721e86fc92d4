#include "scheduler/agent_assignment.h"

#include <vector>

#include "gtest/gtest.h"

namespace satisfaction::scheduler {
namespace {

const absl::Time kMorning = absl::FromUnixSeconds(1'800'000'000);

std::vector<AgentState> Team() {
  // Signed in: li first, then wang, then zhang.
  return {
      {.id = "zhang", .signed_in_at = kMorning + absl::Minutes(20), .open_contacts = 1, .handled_today = 9},
      {.id = "li", .signed_in_at = kMorning, .open_contacts = 4, .handled_today = 3},
      {.id = "wang", .signed_in_at = kMorning + absl::Minutes(10), .open_contacts = 2, .handled_today = 3},
  };
}

TEST(AssignAgent, RoundRobinFollowsSignInOrderAndWraps) {
  std::vector<AgentState> team = Team();
  AssignmentRequest request{.strategy = AssignmentStrategy::kRoundRobin};
  std::vector<std::string> order;
  for (int i = 0; i < 4; ++i) {
    std::optional<std::string> next = AssignAgent(request, team);
    ASSERT_TRUE(next);
    order.push_back(*next);
    for (AgentState& agent : team) agent.taken_this_shift += agent.id == *next;
  }
  EXPECT_EQ(order, (std::vector<std::string>{"li", "wang", "zhang", "li"}));
  team[1].available = false;  // li goes on a break: the turn passes her by
  EXPECT_EQ(AssignAgent(request, team), "wang");
}

TEST(ShareOf, EachAgentTakesWhatTheStrategyWouldGiveIt) {
  AssignmentRequest round_robin{.strategy = AssignmentStrategy::kRoundRobin};
  EXPECT_EQ(ShareOf(round_robin, Team(), "li", 7), 3);
  EXPECT_EQ(ShareOf(round_robin, Team(), "wang", 7), 2);
  EXPECT_EQ(ShareOf(round_robin, Team(), "zhang", 7), 2);

  // Sequential: li until she is full (10 open at most, 4 now), then wang.
  AssignmentRequest sequential{.strategy = AssignmentStrategy::kSequential};
  EXPECT_EQ(ShareOf(sequential, Team(), "li", 8), 6);
  EXPECT_EQ(ShareOf(sequential, Team(), "wang", 8), 2);
  EXPECT_EQ(ShareOf(sequential, Team(), "zhang", 8), 0);

  // Load-based: zhang (1 open) until level with wang (2), then both until
  // level with li (4), then in sign-in order.
  AssignmentRequest load_based{.strategy = AssignmentStrategy::kLoadBased};
  EXPECT_EQ(ShareOf(load_based, Team(), "zhang", 5), 3);
  EXPECT_EQ(ShareOf(load_based, Team(), "wang", 5), 2);
  EXPECT_EQ(ShareOf(load_based, Team(), "li", 5), 0);
  EXPECT_EQ(ShareOf(load_based, Team(), "li", 6), 1);

  // Nobody has room: no share.
  std::vector<AgentState> away = Team();
  for (AgentState& agent : away) agent.available = false;
  EXPECT_EQ(ShareOf(load_based, away, "li", 5), 0);
  EXPECT_EQ(ShareOf(load_based, Team(), "nobody", 5), 0);
}

TEST(AssignAgent, SequentialTakesTheTopOfTheList) {
  std::vector<AgentState> team = Team();
  EXPECT_EQ(AssignAgent({.strategy = AssignmentStrategy::kSequential}, team), "li");
  team[1].open_contacts = team[1].max_open;  // li is full
  EXPECT_EQ(AssignAgent({.strategy = AssignmentStrategy::kSequential}, team), "wang");
}

TEST(AssignAgent, LoadBasedAndFillUp) {
  std::vector<AgentState> team = Team();
  EXPECT_EQ(AssignAgent({.strategy = AssignmentStrategy::kLoadBased}, team), "zhang");
  // li and wang both handled 3 today; wang has fewer open.
  EXPECT_EQ(AssignAgent({.strategy = AssignmentStrategy::kFillUp}, team), "wang");
}

TEST(AssignAgent, ReturningCustomerGoesBackToTheirAgent) {
  std::vector<AgentState> team = Team();
  EXPECT_EQ(AssignAgent({.strategy = AssignmentStrategy::kReturningCustomer, .serving_agent = "li"}, team), "li");
  team[1].available = false;
  EXPECT_EQ(AssignAgent({.strategy = AssignmentStrategy::kReturningCustomer, .serving_agent = "li"}, team), "zhang")
      << "the usual agent is away: the least loaded one";
}

TEST(AssignAgent, NobodyWithRoom) {
  std::vector<AgentState> team = Team();
  for (AgentState& agent : team) agent.available = false;
  for (AssignmentStrategy strategy :
       {AssignmentStrategy::kRoundRobin, AssignmentStrategy::kSequential, AssignmentStrategy::kLoadBased,
        AssignmentStrategy::kFillUp, AssignmentStrategy::kReturningCustomer, AssignmentStrategy::kAdvanced}) {
    EXPECT_FALSE(AssignAgent({.strategy = strategy}, team));
  }
  EXPECT_FALSE(AssignAgent({}, {}));
}

}  // namespace
}  // namespace satisfaction::scheduler
