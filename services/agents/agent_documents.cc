#include "services/agents/agent_documents.h"

#include <google/protobuf/util/json_util.h>
#include <soci/soci.h>

#include "absl/strings/str_cat.h"
#include "services/common/text_limits.h"

namespace satisfaction::agents {

std::string SkillsJson(const v1::AgentSkills& skills, absl::string_view agent_id) {
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(skills, &json).ok()) {
    throw soci::soci_error(absl::StrCat("cannot encode the skills of agent ", Quote(agent_id)));
  }
  return json;
}

v1::AgentSkills SkillsFromJson(const std::string& json, absl::string_view agent_id) {
  v1::AgentSkills skills;
  if (!google::protobuf::util::JsonStringToMessage(json, &skills).ok()) {
    throw soci::soci_error(absl::StrCat("stored skills of agent ", Quote(agent_id), " are corrupt"));
  }
  return skills;
}

std::string AssignmentJson(const v1::QueueAssignment& assignment) {
  v1::QueueAssignment settings = assignment;
  settings.clear_queue();
  settings.clear_update_time();
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(settings, &json).ok()) {
    throw soci::soci_error(absl::StrCat("cannot encode the assignment of queue ", Quote(assignment.queue())));
  }
  return json;
}

v1::QueueAssignment AssignmentFromJson(const std::string& json, absl::string_view queue) {
  v1::QueueAssignment assignment;
  if (!google::protobuf::util::JsonStringToMessage(json, &assignment).ok()) {
    throw soci::soci_error(absl::StrCat("stored assignment of queue ", Quote(queue), " is corrupt"));
  }
  return assignment;
}

}  // namespace satisfaction::agents
