#ifndef SATISFACTION_SERVICES_AGENTS_AGENT_STORE_H_
#define SATISFACTION_SERVICES_AGENTS_AGENT_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "satisfaction/v1/agent.pb.h"
#include "services/storage/database.h"

namespace satisfaction::agents {

// The agents of the call floor: their settings, their shift, and what they
// hold and did today. An agent's counts are read when it is, not kept: calls
// handled today from the call attempts it reported since midnight in the
// report time zone, callbacks held from the leases in its name.
class AgentStore {
 public:
  AgentStore(storage::Database& database, absl::TimeZone report_zone)
      : database_(database), report_zone_(report_zone) {}

  // A validated agent (see NormalizeAndValidateAgent), signed out;
  // ALREADY_EXISTS if its id is taken.
  absl::StatusOr<v1::Agent> Create(const v1::Agent& agent, absl::Time now);
  // Replaces the settings of the agent `agent.id()` names; NOT_FOUND if none.
  absl::StatusOr<v1::Agent> Update(const v1::Agent& agent, absl::Time now);
  absl::StatusOr<v1::Agent> Get(absl::string_view id, absl::Time now);

  struct ListQuery {
    std::string queue;  // empty: every queue
    v1::AgentState state = v1::AGENT_STATE_UNSPECIFIED;
    std::string after_id;
    int limit = 50;
  };
  struct ListPage {
    std::vector<v1::Agent> agents;
    bool has_more = false;
  };
  absl::StatusOr<ListPage> List(const ListQuery& query, absl::Time now);

  // The shift. FAILED_PRECONDITION (naming agent_id) when the agent is signed
  // in already (SignIn), or is not (SignOut, SetAvailability); NOT_FOUND for
  // an unknown agent. `state` of SetAvailability: available, on break or wrap-up.
  absl::StatusOr<v1::Agent> SignIn(absl::string_view id, absl::Time now);
  absl::StatusOr<v1::Agent> SignOut(absl::string_view id, absl::Time now);
  absl::StatusOr<v1::Agent> SetAvailability(absl::string_view id, v1::AgentState state, absl::Time now);

 private:
  // Moves the agent to `to` if `allowed(from)`, else FAILED_PRECONDITION `refusal`.
  absl::StatusOr<v1::Agent> ChangeState(absl::string_view id, v1::AgentState to, bool (*allowed)(v1::AgentState),
                                        absl::string_view refusal, absl::Time now);

  storage::Database& database_;
  const absl::TimeZone report_zone_;
};

}  // namespace satisfaction::agents

#endif  // SATISFACTION_SERVICES_AGENTS_AGENT_STORE_H_
