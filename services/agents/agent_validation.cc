#include "services/agents/agent_validation.h"

#include <algorithm>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "services/common/field_checks.h"
#include "services/common/text_checks.h"
#include "services/common/text_limits.h"
#include "services/customers/customer_validation.h"

namespace satisfaction::agents {
namespace {

// Sorts `values` and refuses one given twice.
template <typename Repeated>
absl::Status SortAndRefuseRepeats(absl::string_view field, Repeated& values) {
  std::sort(values.begin(), values.end());
  auto repeated = std::adjacent_find(values.begin(), values.end());
  if (repeated == values.end()) return absl::OkStatus();
  if constexpr (std::is_same_v<std::decay_t<decltype(*repeated)>, std::string>) {
    return FieldError(field, absl::StrCat(Quote(*repeated), " is given twice"));
  } else {
    return FieldError(field, absl::StrCat("value ", *repeated, " is given twice"));
  }
}

absl::Status CheckSkillValues(absl::string_view field, google::protobuf::RepeatedPtrField<std::string>& values) {
  if (values.size() > kMaxSkillValues) return FieldError(field, absl::StrCat("at most ", kMaxSkillValues, " values"));
  for (const std::string& value : values) {
    if (absl::Status s = CheckRequiredText(field, value, kMaxSkillChars, LineBreaks::kForbidden); !s.ok()) return s;
  }
  return SortAndRefuseRepeats(field, values);
}

}  // namespace

absl::Status ValidateAgentId(absl::string_view field, absl::string_view id) {
  return customers::ValidateId(field, id, 64);
}

absl::Status ValidateQueueName(absl::string_view field, absl::string_view queue) {
  return customers::ValidateId(field, queue, 64);
}

absl::Status NormalizeAndValidateAgent(absl::string_view field_prefix, v1::Agent& agent) {
  auto field = [&](absl::string_view name) { return absl::StrCat(field_prefix, ".", name); };
  if (absl::Status s = ValidateAgentId(field("id"), agent.id()); !s.ok()) return s;
  if (absl::Status s = CheckRequiredText(field("display_name"), agent.display_name(), 100, LineBreaks::kForbidden);
      !s.ok()) {
    return s;
  }
  if (agent.queues_size() == 0) return FieldError(field("queues"), "at least one queue is required");
  if (agent.queues_size() > kMaxQueuesPerAgent) {
    return FieldError(field("queues"), absl::StrCat("at most ", kMaxQueuesPerAgent, " queues"));
  }
  for (const std::string& queue : agent.queues()) {
    if (absl::Status s = ValidateQueueName(field("queues"), queue); !s.ok()) return s;
  }
  if (absl::Status s = SortAndRefuseRepeats(field("queues"), *agent.mutable_queues()); !s.ok()) return s;

  v1::AgentSkills& skills = *agent.mutable_skills();
  for (auto [name, values] : {std::pair{"skills.languages", skills.mutable_languages()},
                              std::pair{"skills.product_categories", skills.mutable_product_categories()},
                              std::pair{"skills.regions", skills.mutable_regions()},
                              std::pair{"skills.platforms", skills.mutable_platforms()},
                              std::pair{"skills.sources", skills.mutable_sources()}}) {
    if (absl::Status s = CheckSkillValues(field(name), *values); !s.ok()) return s;
  }
  for (const std::string& language : skills.languages()) {
    bool tag_like = std::all_of(language.begin(), language.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    });
    if (!tag_like) {
      return FieldError(field("skills.languages"), absl::StrCat(Quote(language), " is not a BCP 47 tag (zh-CN, en)"));
    }
  }

  if (agent.capacity() < 1 || agent.capacity() > kMaxCapacity) {
    return FieldError(field("capacity"), absl::StrCat("must be from 1 to ", kMaxCapacity, "; got ", agent.capacity()));
  }
  agent.clear_state();
  agent.clear_sign_in_time();
  agent.clear_state_time();
  agent.clear_handled_today();
  agent.clear_open_callbacks();
  agent.clear_create_time();
  agent.clear_update_time();
  return absl::OkStatus();
}

absl::Status NormalizeAndValidateQueueAssignment(absl::string_view field_prefix, v1::QueueAssignment& assignment) {
  auto field = [&](absl::string_view name) { return absl::StrCat(field_prefix, ".", name); };
  if (absl::Status s = ValidateQueueName(field("queue"), assignment.queue()); !s.ok()) return s;
  if (!v1::AssignmentStrategy_IsValid(assignment.strategy()) ||
      assignment.strategy() == v1::ASSIGNMENT_STRATEGY_UNSPECIFIED) {
    return FieldError(field("strategy"), absl::StrCat("must be a known strategy; got ", assignment.strategy()));
  }
  bool advanced = assignment.strategy() == v1::ASSIGNMENT_STRATEGY_ADVANCED;
  if (advanced && assignment.route_by_size() == 0) {
    return FieldError(field("route_by"), "the advanced strategy needs at least one attribute to route by");
  }
  if (!advanced && assignment.route_by_size() > 0) {
    return FieldError(field("route_by"), "only the advanced strategy routes by attributes");
  }
  for (int attribute : assignment.route_by()) {
    if (!v1::RoutingAttribute_IsValid(attribute) || attribute == v1::ROUTING_ATTRIBUTE_UNSPECIFIED) {
      return FieldError(field("route_by"), absl::StrCat("unknown attribute ", attribute));
    }
  }
  if (absl::Status s = SortAndRefuseRepeats(field("route_by"), *assignment.mutable_route_by()); !s.ok()) return s;
  assignment.clear_update_time();
  return absl::OkStatus();
}

}  // namespace satisfaction::agents
