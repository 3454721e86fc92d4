#ifndef SATISFACTION_SERVICES_AGENTS_AGENT_SERVICE_H_
#define SATISFACTION_SERVICES_AGENTS_AGENT_SERVICE_H_

#include "absl/status/statusor.h"
#include "satisfaction/v1/agent.pb.h"
#include "services/access/access_policy.h"
#include "services/agents/agent_store.h"
#include "services/agents/queue_assignment_store.h"

namespace satisfaction::agents {

// The handlers of the call floor's agents and queues: functions of the caller
// and the request, validating it before they touch a store; services/server
// binds them to gRPC.
class AgentService final {
 public:
  AgentService(AgentStore& agents, QueueAssignmentStore& assignments) : agents_(agents), assignments_(assignments) {}

  absl::StatusOr<v1::Agent> CreateAgent(const access::Caller& caller, const v1::CreateAgentRequest& request);
  absl::StatusOr<v1::Agent> UpdateAgent(const access::Caller& caller, const v1::UpdateAgentRequest& request);
  absl::StatusOr<v1::Agent> GetAgent(const access::Caller& caller, const v1::GetAgentRequest& request);
  absl::StatusOr<v1::ListAgentsResponse> ListAgents(const access::Caller& caller, const v1::ListAgentsRequest& request);
  absl::StatusOr<v1::Agent> SignIn(const access::Caller& caller, const v1::SignInRequest& request);
  absl::StatusOr<v1::Agent> SignOut(const access::Caller& caller, const v1::SignOutRequest& request);
  absl::StatusOr<v1::Agent> SetAvailability(const access::Caller& caller, const v1::SetAvailabilityRequest& request);

  absl::StatusOr<v1::QueueAssignment> GetQueueAssignment(const access::Caller& caller,
                                                         const v1::GetQueueAssignmentRequest& request);
  absl::StatusOr<v1::QueueAssignment> UpdateQueueAssignment(const access::Caller& caller,
                                                            const v1::UpdateQueueAssignmentRequest& request);
  absl::StatusOr<v1::ListQueueAssignmentsResponse> ListQueueAssignments(const access::Caller& caller,
                                                                        const v1::ListQueueAssignmentsRequest& request);

 private:
  // A dialer key bound to an agent acts only as that agent, one bound to a
  // queue only for the agents of that queue: PERMISSION_DENIED otherwise.
  // NOT_FOUND for an unknown agent the key could act for.
  absl::Status CheckActsFor(const access::Caller& caller, const std::string& agent_id);

  AgentStore& agents_;
  QueueAssignmentStore& assignments_;
};

}  // namespace satisfaction::agents

#endif  // SATISFACTION_SERVICES_AGENTS_AGENT_SERVICE_H_
