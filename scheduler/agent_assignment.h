#ifndef SATISFACTION_SCHEDULER_AGENT_ASSIGNMENT_H_
#define SATISFACTION_SCHEDULER_AGENT_ASSIGNMENT_H_

#include <optional>
#include <span>
#include <string>

#include "absl/time/time.h"

namespace satisfaction::scheduler {

// The distribution rules of seed 003 (分配规则).
enum class AssignmentStrategy {
  // 轮流分配: in sign-in order, each agent in turn.
  kRoundRobin,
  // 顺序分配: the first agent in sign-in order who has room.
  kSequential,
  // 负载分配: the agent with the fewest open contacts.
  kLoadBased,
  // 补齐分配: the agent who handled the fewest contacts today.
  kFillUp,
  // 回头客优先: the agent who served the customer before, else load-based.
  kReturningCustomer,
};

struct AgentState {
  std::string id;
  absl::Time signed_in_at;
  bool available = true;
  int open_contacts = 0;
  int handled_today = 0;
  // The most open contacts this agent takes at once.
  int max_open = 10;

  bool HasRoom() const { return available && open_contacts < max_open; }
};

struct AssignmentRequest {
  AssignmentStrategy strategy = AssignmentStrategy::kLoadBased;
  // kRoundRobin: the agent who got the previous contact.
  std::string previous_assignee;
  // kReturningCustomer: the agent who served this customer.
  std::string serving_agent;
};

// Picks the agent for one contact among `agents`, or nothing if none has room.
// Ties go to the earlier sign-in, then the smaller id, so the choice is
// deterministic.
std::optional<std::string> AssignAgent(const AssignmentRequest& request, std::span<const AgentState> agents);

}  // namespace satisfaction::scheduler

#endif  // SATISFACTION_SCHEDULER_AGENT_ASSIGNMENT_H_
