#include "scheduler/agent_assignment.h"

#include <algorithm>
#include <tuple>
#include <vector>

namespace satisfaction::scheduler {
namespace {

// Agents with room, in sign-in order.
std::vector<const AgentState*> InSignInOrder(std::span<const AgentState> agents) {
  std::vector<const AgentState*> ready;
  for (const AgentState& agent : agents) {
    if (agent.HasRoom()) ready.push_back(&agent);
  }
  std::sort(ready.begin(), ready.end(), [](const AgentState* a, const AgentState* b) {
    return std::tie(a->signed_in_at, a->id) < std::tie(b->signed_in_at, b->id);
  });
  return ready;
}

template <typename Key>
std::optional<std::string> Least(const std::vector<const AgentState*>& ready, Key key) {
  if (ready.empty()) return std::nullopt;
  // stable: among equal keys the earlier sign-in wins
  auto best = std::min_element(ready.begin(), ready.end(),
                               [&](const AgentState* a, const AgentState* b) { return key(*a) < key(*b); });
  return (*best)->id;
}

}  // namespace

absl::string_view Name(AssignmentStrategy strategy) {
  switch (strategy) {
    case AssignmentStrategy::kRoundRobin:
      return "round-robin";
    case AssignmentStrategy::kSequential:
      return "sequential";
    case AssignmentStrategy::kLoadBased:
      return "load-based";
    case AssignmentStrategy::kFillUp:
      return "fill-up";
    case AssignmentStrategy::kReturningCustomer:
      return "returning-customer";
    case AssignmentStrategy::kAdvanced:
      return "advanced";
  }
  return "unknown";
}

std::optional<std::string> AssignAgent(const AssignmentRequest& request, std::span<const AgentState> agents) {
  std::vector<const AgentState*> ready = InSignInOrder(agents);
  if (ready.empty()) return std::nullopt;
  switch (request.strategy) {
    case AssignmentStrategy::kRoundRobin:
      return Least(ready, [](const AgentState& a) { return a.taken_this_shift; });
    case AssignmentStrategy::kSequential:
      return ready.front()->id;
    case AssignmentStrategy::kLoadBased:
      return Least(ready, [](const AgentState& a) { return a.open_contacts; });
    case AssignmentStrategy::kFillUp:
      return Least(ready, [](const AgentState& a) { return std::make_pair(a.handled_today, a.open_contacts); });
    case AssignmentStrategy::kReturningCustomer:
      for (const AgentState* agent : ready) {
        if (!request.serving_agent.empty() && agent->id == request.serving_agent) return agent->id;
      }
      return Least(ready, [](const AgentState& a) { return a.open_contacts; });
    case AssignmentStrategy::kAdvanced:
      return Least(ready, [](const AgentState& a) { return a.open_contacts; });
  }
  return std::nullopt;
}

int ShareOf(const AssignmentRequest& request, std::vector<AgentState> agents, const std::string& agent_id, int count) {
  int share = 0;
  for (int i = 0; i < count; ++i) {
    std::optional<std::string> chosen = AssignAgent(request, agents);
    if (!chosen) break;
    for (AgentState& agent : agents) {
      if (agent.id != *chosen) continue;
      ++agent.open_contacts;
      ++agent.taken_this_shift;
    }
    if (*chosen == agent_id) ++share;
  }
  return share;
}

}  // namespace satisfaction::scheduler
