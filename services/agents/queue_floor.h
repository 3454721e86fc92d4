#ifndef SATISFACTION_SERVICES_AGENTS_QUEUE_FLOOR_H_
#define SATISFACTION_SERVICES_AGENTS_QUEUE_FLOOR_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "satisfaction/v1/agent.pb.h"
#include "scheduler/agent_assignment.h"
#include "services/storage/database.h"

namespace satisfaction::agents {

// A queue's floor as an agent who fetches from it finds it.
struct QueueFloor {
  // The queue's strategy (load-based for a queue nobody set).
  scheduler::AssignmentStrategy strategy = scheduler::AssignmentStrategy::kLoadBased;
  // The agent who fetches: available only while signed in and available, with
  // its capacity and the callbacks it holds.
  scheduler::AgentState me;
  // The name it gives on the phone.
  std::string display_name;
  // The languages the agent speaks, as the supported languages customers
  // have ("zh-CN", "en").
  std::vector<std::string> languages;
  // The product categories the agent knows: a callback naming another goes
  // to others.
  std::vector<std::string> product_categories;
  // An advanced queue's route_by, each with the values the agent serves: a
  // callback whose customer or event has another value goes to others.
  struct Route {
    v1::RoutingAttribute attribute = v1::ROUTING_ATTRIBUTE_UNSPECIFIED;
    std::vector<std::string> served;
  };
  std::vector<Route> routes;
  // Every agent signed in to the queue, `me` among them if it is, with the
  // counts the strategy weighs.
  std::vector<scheduler::AgentState> team;
  // Whether the queue is one of the agent's (always, for no queue).
  bool works_queue = true;

  // How many callbacks the agent may take now of `waiting` ones, at most
  // `requested`: none unless it is available, at most its room, and only its
  // share by the strategy (see scheduler::ShareOf).
  int MayTake(int requested, int waiting) const;
  // The agents of the team, `me` aside, who are available now.
  std::vector<std::string> OthersAvailable() const;
};

// Reads queue floors for agent-aware fetches.
class QueueFloors {
 public:
  QueueFloors(storage::Database& database, absl::TimeZone report_zone)
      : database_(database), report_zone_(report_zone) {}

  // The floor of `queue` (empty: none, for an agent fetching its reserved
  // callbacks alone) for `agent_id`; nothing if no agent has that id (a
  // dialer that reports agents the server does not keep fetches as before).
  absl::StatusOr<std::optional<QueueFloor>> Load(const std::string& queue, const std::string& agent_id, absl::Time now);

 private:
  storage::Database& database_;
  const absl::TimeZone report_zone_;
};

}  // namespace satisfaction::agents

#endif  // SATISFACTION_SERVICES_AGENTS_QUEUE_FLOOR_H_
