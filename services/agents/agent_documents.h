#ifndef SATISFACTION_SERVICES_AGENTS_AGENT_DOCUMENTS_H_
#define SATISFACTION_SERVICES_AGENTS_AGENT_DOCUMENTS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "satisfaction/v1/agent.pb.h"

// The JSON the call floor's tables keep: an agent's skills (agents.skills_json)
// and a queue's assignment (queue_assignments.assignment_json). A document
// that cannot be written or read throws soci::soci_error, which the
// transaction turns into INTERNAL.
namespace satisfaction::agents {

std::string SkillsJson(const v1::AgentSkills& skills, absl::string_view agent_id);
v1::AgentSkills SkillsFromJson(const std::string& json, absl::string_view agent_id);

// Without the queue and the update time, which have columns of their own.
std::string AssignmentJson(const v1::QueueAssignment& assignment);
v1::QueueAssignment AssignmentFromJson(const std::string& json, absl::string_view queue);

}  // namespace satisfaction::agents

#endif  // SATISFACTION_SERVICES_AGENTS_AGENT_DOCUMENTS_H_
