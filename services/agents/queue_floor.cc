#include "services/agents/queue_floor.h"

#include <algorithm>

#include "satisfaction/v1/agent.pb.h"
#include "services/agents/agent_counts.h"
#include "services/agents/agent_documents.h"
#include "services/common/enum_bridges.h"
#include "services/common/languages.h"
#include "services/storage/query.h"
#include "services/storage/transaction.h"

namespace satisfaction::agents {
namespace {

using storage::Access;

scheduler::AgentState StateOf(const std::string& id, int state, int capacity, long long signed_in_at_us) {
  return {.id = id,
          .signed_in_at = absl::FromUnixMicros(signed_in_at_us),
          .available = state == v1::AGENT_STATE_AVAILABLE,
          .max_open = capacity};
}

// The queue's assignment; load-based for a queue nobody set.
v1::QueueAssignment AssignmentOf(storage::Transaction& tx, const std::string& queue) {
  std::string json;
  storage::Query query(tx, "SELECT assignment_json FROM queue_assignments WHERE queue = :queue");
  if (queue.empty() || !query.Bind("queue", queue).Into(json).Execute()) {
    v1::QueueAssignment assignment;
    assignment.set_strategy(v1::ASSIGNMENT_STRATEGY_LOAD_BASED);
    return assignment;
  }
  return AssignmentFromJson(json, queue);
}

// The agents signed in to `queue`, without their counts.
std::vector<scheduler::AgentState> SignedInTo(storage::Transaction& tx, const std::string& queue) {
  std::vector<scheduler::AgentState> team;
  if (queue.empty()) return team;
  std::string id;
  int state = 0, capacity = 0, signed_out = v1::AGENT_STATE_SIGNED_OUT;
  long long signed_in_at_us = 0;
  storage::Query query(tx,
                       "SELECT a.id, a.state, a.capacity, a.signed_in_at_us FROM agents a JOIN agent_queues q"
                       " ON q.agent_id = a.id WHERE q.queue = :queue AND a.state <> :signed_out");
  query.Bind("queue", queue).Bind("signed_out", signed_out);
  query.Into(id).Into(state).Into(capacity).Into(signed_in_at_us).Start();
  while (query.Next()) team.push_back(StateOf(id, state, capacity, signed_in_at_us));
  return team;
}

}  // namespace

int QueueFloor::MayTake(int requested, int waiting) const {
  if (!me.HasRoom()) return 0;
  int room = me.max_open - me.open_contacts;
  int share = scheduler::ShareOf({.strategy = strategy}, team, me.id, waiting);
  return std::min({requested, room, share});
}

std::vector<std::string> QueueFloor::OthersAvailable() const {
  std::vector<std::string> others;
  for (const scheduler::AgentState& agent : team) {
    if (agent.id != me.id && agent.available) others.push_back(agent.id);
  }
  return others;
}

absl::StatusOr<std::optional<QueueFloor>> QueueFloors::Load(const std::string& queue, const std::string& agent_id,
                                                            absl::Time now) {
  return database_.InTransaction<std::optional<QueueFloor>>(
      Access::kRead, [&](storage::Transaction& tx) -> absl::StatusOr<std::optional<QueueFloor>> {
        std::string skills_json, display_name;
        int state = 0, capacity = 0;
        long long signed_in_at_us = 0;
        storage::Query agent(
            tx, "SELECT state, capacity, signed_in_at_us, skills_json, display_name FROM agents WHERE id = :id");
        agent.Bind("id", agent_id).Into(state).Into(capacity).Into(signed_in_at_us).Into(skills_json);
        if (!agent.Into(display_name).Execute()) return std::nullopt;

        QueueFloor floor;
        floor.display_name = display_name;
        floor.me = StateOf(agent_id, state, capacity, signed_in_at_us);
        v1::AgentSkills skills = SkillsFromJson(skills_json, agent_id);
        for (const std::string& tag : skills.languages()) {
          if (std::optional<std::string> language = SupportedLanguage(tag)) floor.languages.push_back(*language);
        }
        floor.product_categories.assign(skills.product_categories().begin(), skills.product_categories().end());
        if (!queue.empty()) {
          int works = 0;
          storage::Query member(tx, "SELECT COUNT(*) FROM agent_queues WHERE agent_id = :id AND queue = :queue");
          member.Bind("id", agent_id).Bind("queue", queue).Into(works).Execute();
          floor.works_queue = works > 0;
        }
        if (!floor.me.available || !floor.works_queue) return floor;  // takes nothing: no need to count

        v1::QueueAssignment assignment = AssignmentOf(tx, queue);
        floor.strategy = ToScheduler(assignment.strategy()).value_or(scheduler::AssignmentStrategy::kLoadBased);
        if (floor.strategy == scheduler::AssignmentStrategy::kAdvanced) {
          for (int attribute : assignment.route_by()) {
            const auto& served = attribute == v1::ROUTING_ATTRIBUTE_REGION     ? skills.regions()
                                 : attribute == v1::ROUTING_ATTRIBUTE_PLATFORM ? skills.platforms()
                                                                               : skills.sources();
            floor.routes.push_back({.attribute = static_cast<v1::RoutingAttribute>(attribute),
                                    .served = std::vector<std::string>(served.begin(), served.end())});
          }
        }
        floor.team = SignedInTo(tx, queue);
        if (queue.empty()) floor.team.push_back(floor.me);  // its reserved callbacks alone: nobody else's
        std::vector<std::string> ids;
        for (const scheduler::AgentState& member : floor.team) ids.push_back(member.id);
        absl::flat_hash_map<std::string, int> held = CountHeld(tx, ids, now), handled, taken;
        if (floor.strategy == scheduler::AssignmentStrategy::kFillUp) {
          handled = CountHandledSince(tx, ids, StartOfDay(now, report_zone_));
        }
        if (floor.strategy == scheduler::AssignmentStrategy::kRoundRobin) taken = CountHandledThisShift(tx, ids);
        for (scheduler::AgentState& member : floor.team) {
          member.open_contacts = held[member.id];
          member.handled_today = handled[member.id];
          member.taken_this_shift = taken[member.id] + member.open_contacts;
          if (member.id == agent_id) floor.me = member;
        }
        return floor;
      });
}

}  // namespace satisfaction::agents
