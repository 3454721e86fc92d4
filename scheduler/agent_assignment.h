#ifndef SATISFACTION_SCHEDULER_AGENT_ASSIGNMENT_H_
#define SATISFACTION_SCHEDULER_AGENT_ASSIGNMENT_H_

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace satisfaction::scheduler {

// The distribution rules of seed 003 (分配规则).
enum class AssignmentStrategy {
  // 轮流分配: in sign-in order, each agent in turn. The turn is kept without
  // a cursor: the next is the agent who took the fewest contacts since
  // signing in, the earlier sign-in first, which goes round the agents in
  // sign-in order.
  kRoundRobin,
  // 顺序分配: the first agent in sign-in order who has room.
  kSequential,
  // 负载分配: the agent with the fewest open contacts.
  kLoadBased,
  // 补齐分配: the agent who handled the fewest contacts today.
  kFillUp,
  // 回头客优先: the agent who served the customer before, else load-based.
  kReturningCustomer,
  // 高级分配: load-based among the agents whose skills fit the contact (the
  // caller offers only those).
  kAdvanced,
};

inline constexpr AssignmentStrategy kAllAssignmentStrategies[] = {
    AssignmentStrategy::kRoundRobin, AssignmentStrategy::kSequential,        AssignmentStrategy::kLoadBased,
    AssignmentStrategy::kFillUp,     AssignmentStrategy::kReturningCustomer, AssignmentStrategy::kAdvanced};

// "round-robin", "sequential", ...: for logs and test names.
absl::string_view Name(AssignmentStrategy strategy);

struct AgentState {
  std::string id;
  absl::Time signed_in_at;
  bool available = true;
  int open_contacts = 0;
  int handled_today = 0;
  // Contacts taken since signing in (kRoundRobin).
  int taken_this_shift = 0;
  // The most open contacts this agent takes at once.
  int max_open = 10;

  bool HasRoom() const { return available && open_contacts < max_open; }
};

struct AssignmentRequest {
  AssignmentStrategy strategy = AssignmentStrategy::kLoadBased;
  // kReturningCustomer: the agent who served this customer.
  std::string serving_agent;
};

// Picks the agent for one contact among `agents`, or nothing if none has room.
// Ties go to the earlier sign-in, then the smaller id, so the choice is
// deterministic.
std::optional<std::string> AssignAgent(const AssignmentRequest& request, std::span<const AgentState> agents);

// How many of `count` contacts, assigned one after another by `request`, go
// to the agent `agent_id`: each assignment adds to its agent's open and taken
// contacts before the next. What a pulling agent may take now of the
// contacts waiting, so that agents who fetch each take their share.
int ShareOf(const AssignmentRequest& request, std::vector<AgentState> agents, const std::string& agent_id, int count);

}  // namespace satisfaction::scheduler

#endif  // SATISFACTION_SCHEDULER_AGENT_ASSIGNMENT_H_
