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

std::optional<std::string> AssignAgent(const AssignmentRequest& request, std::span<const AgentState> agents) {
  std::vector<const AgentState*> ready = InSignInOrder(agents);
  if (ready.empty()) return std::nullopt;
  switch (request.strategy) {
    case AssignmentStrategy::kRoundRobin: {
      // The next agent after the previous assignee in sign-in order, wrapping.
      std::vector<const AgentState*> everyone;
      for (const AgentState& agent : agents) everyone.push_back(&agent);
      std::sort(everyone.begin(), everyone.end(), [](const AgentState* a, const AgentState* b) {
        return std::tie(a->signed_in_at, a->id) < std::tie(b->signed_in_at, b->id);
      });
      auto previous = std::find_if(everyone.begin(), everyone.end(),
                                   [&](const AgentState* a) { return a->id == request.previous_assignee; });
      size_t start = previous == everyone.end() ? 0 : (previous - everyone.begin()) + 1;
      for (size_t i = 0; i < everyone.size(); ++i) {
        const AgentState* candidate = everyone[(start + i) % everyone.size()];
        if (candidate->HasRoom()) return candidate->id;
      }
      return std::nullopt;
    }
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
  }
  return std::nullopt;
}

}  // namespace satisfaction::scheduler
