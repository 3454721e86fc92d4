#ifndef SATISFACTION_SERVICES_AGENTS_AGENT_VALIDATION_H_
#define SATISFACTION_SERVICES_AGENTS_AGENT_VALIDATION_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "satisfaction/v1/agent.pb.h"

namespace satisfaction::agents {

inline constexpr int kMaxCapacity = 100;
inline constexpr int kMaxQueuesPerAgent = 20;
inline constexpr int kMaxSkillValues = 50;
inline constexpr int kMaxSkillChars = 64;

// An agent id or a queue name: 1 to 64 letters, digits and . _ : -.
absl::Status ValidateAgentId(absl::string_view field, absl::string_view id);
absl::Status ValidateQueueName(absl::string_view field, absl::string_view queue);

// Checks an agent's settings (`field_prefix` "agent" names the fields), and
// normalizes them: language tags as written, every list sorted, so that an
// agent reads back as stored whatever order it was sent in. The output-only
// fields are cleared.
absl::Status NormalizeAndValidateAgent(absl::string_view field_prefix, v1::Agent& agent);

// Checks a queue's assignment: a known strategy, and route_by exactly for
// ADVANCED (each attribute once, sorted).
absl::Status NormalizeAndValidateQueueAssignment(absl::string_view field_prefix, v1::QueueAssignment& assignment);

}  // namespace satisfaction::agents

#endif  // SATISFACTION_SERVICES_AGENTS_AGENT_VALIDATION_H_
