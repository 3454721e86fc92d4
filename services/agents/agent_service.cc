#include "services/agents/agent_service.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/agents/agent_validation.h"
#include "services/common/field_checks.h"
#include "services/common/page_token.h"

namespace satisfaction::agents {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 200;

}  // namespace

namespace {

// A key bound to a queue acts only for the agents of that queue.
absl::Status CheckQueueBinding(const access::Caller& caller, const v1::Agent& agent) {
  if (caller.queue.empty() ||
      std::find(agent.queues().begin(), agent.queues().end(), caller.queue) != agent.queues().end()) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat("agent_id: the key ", caller.key_id, " acts only for the queue ",
                                                  caller.queue, ", which agent ", agent.id(), " is not in"));
}

}  // namespace

absl::Status AgentService::CheckActsFor(const access::Caller& caller, const std::string& agent_id) {
  if (absl::Status s = access::CheckReportingAgent(caller, agent_id); !s.ok()) return s;
  if (caller.queue.empty()) return absl::OkStatus();
  absl::StatusOr<v1::Agent> agent = agents_.Get(agent_id, absl::Now());
  if (!agent.ok()) return agent.status();
  return CheckQueueBinding(caller, *agent);
}

absl::StatusOr<v1::Agent> AgentService::CreateAgent(const access::Caller& /*caller*/,
                                                    const v1::CreateAgentRequest& request) {
  if (!request.has_agent()) return FieldError("agent", "required");
  v1::Agent agent = request.agent();
  if (absl::Status s = NormalizeAndValidateAgent("agent", agent); !s.ok()) return s;
  return agents_.Create(agent, absl::Now());
}

absl::StatusOr<v1::Agent> AgentService::UpdateAgent(const access::Caller& /*caller*/,
                                                    const v1::UpdateAgentRequest& request) {
  if (!request.has_agent()) return FieldError("agent", "required");
  v1::Agent agent = request.agent();
  if (absl::Status s = NormalizeAndValidateAgent("agent", agent); !s.ok()) return s;
  return agents_.Update(agent, absl::Now());
}

absl::StatusOr<v1::Agent> AgentService::GetAgent(const access::Caller& caller, const v1::GetAgentRequest& request) {
  if (absl::Status s = ValidateAgentId("id", request.id()); !s.ok()) return s;
  if (absl::Status s = access::CheckReportingAgent(caller, request.id()); !s.ok()) return s;
  absl::StatusOr<v1::Agent> agent = agents_.Get(request.id(), absl::Now());
  if (!agent.ok()) return agent.status();
  if (absl::Status s = CheckQueueBinding(caller, *agent); !s.ok()) return s;
  return agent;
}

absl::StatusOr<v1::ListAgentsResponse> AgentService::ListAgents(const access::Caller& /*caller*/,
                                                                const v1::ListAgentsRequest& request) {
  if (!request.queue().empty()) {
    if (absl::Status s = ValidateQueueName("queue", request.queue()); !s.ok()) return s;
  }
  if (!v1::AgentState_IsValid(request.state())) {
    return FieldError("state", absl::StrCat("unknown value ", request.state()));
  }
  absl::StatusOr<int> page_size = EffectivePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize);
  if (!page_size.ok()) return page_size.status();
  AgentStore::ListQuery query{.queue = request.queue(), .state = request.state(), .limit = *page_size};
  std::string filter = absl::StrCat("queue=", request.queue(), ";state=", request.state());
  if (!request.page_token().empty()) {
    absl::StatusOr<PageCursor> cursor = DecodePageToken(request.page_token(), filter);
    if (!cursor.ok()) return cursor.status();
    query.after_id = cursor->after_key;
  }
  absl::StatusOr<AgentStore::ListPage> page = agents_.List(query, absl::Now());
  if (!page.ok()) return page.status();
  v1::ListAgentsResponse response;
  for (v1::Agent& agent : page->agents) *response.add_agents() = std::move(agent);
  if (page->has_more && response.agents_size() > 0) {
    response.set_next_page_token(
        EncodePageToken({.filter = filter, .after_key = response.agents(response.agents_size() - 1).id()}));
  }
  return response;
}

absl::StatusOr<v1::Agent> AgentService::SignIn(const access::Caller& caller, const v1::SignInRequest& request) {
  if (absl::Status s = ValidateAgentId("agent_id", request.agent_id()); !s.ok()) return s;
  if (absl::Status s = CheckActsFor(caller, request.agent_id()); !s.ok()) return s;
  return agents_.SignIn(request.agent_id(), absl::Now());
}

absl::StatusOr<v1::Agent> AgentService::SignOut(const access::Caller& caller, const v1::SignOutRequest& request) {
  if (absl::Status s = ValidateAgentId("agent_id", request.agent_id()); !s.ok()) return s;
  if (absl::Status s = CheckActsFor(caller, request.agent_id()); !s.ok()) return s;
  return agents_.SignOut(request.agent_id(), absl::Now());
}

absl::StatusOr<v1::Agent> AgentService::SetAvailability(const access::Caller& caller,
                                                        const v1::SetAvailabilityRequest& request) {
  if (absl::Status s = ValidateAgentId("agent_id", request.agent_id()); !s.ok()) return s;
  switch (request.state()) {
    case v1::AGENT_STATE_AVAILABLE:
    case v1::AGENT_STATE_ON_BREAK:
    case v1::AGENT_STATE_WRAP_UP:
      break;
    default:
      return FieldError("state", absl::StrCat("must be AVAILABLE, ON_BREAK or WRAP_UP (sign in and out with SignIn "
                                              "and SignOut); got ",
                                              request.state()));
  }
  if (absl::Status s = CheckActsFor(caller, request.agent_id()); !s.ok()) return s;
  return agents_.SetAvailability(request.agent_id(), request.state(), absl::Now());
}

absl::StatusOr<v1::QueueAssignment> AgentService::GetQueueAssignment(const access::Caller& /*caller*/,
                                                                     const v1::GetQueueAssignmentRequest& request) {
  if (absl::Status s = ValidateQueueName("queue", request.queue()); !s.ok()) return s;
  return assignments_.Get(request.queue());
}

absl::StatusOr<v1::QueueAssignment> AgentService::UpdateQueueAssignment(
    const access::Caller& /*caller*/, const v1::UpdateQueueAssignmentRequest& request) {
  if (!request.has_assignment()) return FieldError("assignment", "required");
  v1::QueueAssignment assignment = request.assignment();
  if (absl::Status s = NormalizeAndValidateQueueAssignment("assignment", assignment); !s.ok()) return s;
  return assignments_.Put(assignment, absl::Now());
}

absl::StatusOr<v1::ListQueueAssignmentsResponse> AgentService::ListQueueAssignments(
    const access::Caller& /*caller*/, const v1::ListQueueAssignmentsRequest& request) {
  absl::StatusOr<int> page_size = EffectivePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize);
  if (!page_size.ok()) return page_size.status();
  constexpr char kFilter[] = "queue-assignments";
  std::string after;
  if (!request.page_token().empty()) {
    absl::StatusOr<PageCursor> cursor = DecodePageToken(request.page_token(), kFilter);
    if (!cursor.ok()) return cursor.status();
    after = cursor->after_key;
  }
  absl::StatusOr<QueueAssignmentStore::ListPage> page = assignments_.List(after, *page_size);
  if (!page.ok()) return page.status();
  v1::ListQueueAssignmentsResponse response;
  for (v1::QueueAssignment& assignment : page->assignments) *response.add_assignments() = std::move(assignment);
  if (page->has_more && response.assignments_size() > 0) {
    response.set_next_page_token(EncodePageToken(
        {.filter = kFilter, .after_key = response.assignments(response.assignments_size() - 1).queue()}));
  }
  return response;
}

}  // namespace satisfaction::agents
