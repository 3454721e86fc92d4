#ifndef SATISFACTION_SERVICES_CALLBACKS_CALLBACK_STORE_H_
#define SATISFACTION_SERVICES_CALLBACKS_CALLBACK_STORE_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "satisfaction/v1/access.pb.h"
#include "satisfaction/v1/callback.pb.h"
#include "scheduler/retry_policy.h"
#include "services/agents/queue_floor.h"
#include "services/callbacks/call_scripts.h"
#include "services/common/flow_observer.h"
#include "services/leases/claimer.h"
#include "services/leases/lease_token.h"
#include "services/settings/message_settings.h"
#include "services/storage/database.h"

namespace satisfaction::callbacks {

// Who asks for callbacks: a queue, an agent, or an agent within a queue
// (validated; at least one is set).
struct Claimant {
  std::string queue;
  std::string agent_id;
};

// Phone revisits as dialers work them: claimed under leases with the
// database's own row locks (FOR UPDATE SKIP LOCKED on MariaDB; SQLite
// serialises writers), so any number of dialers and servers can share them.
class CallbackStore {
 public:
  // A callback reserved for an agent goes to anyone of its queue once it is
  // overdue by `reserved_grace`. Survey links read `public_url`/s/<token>.
  // `flow` (may be null) hears of the attempts reported and the revisits
  // they end.
  // `floors` (may be null) knows the agents of the call floor: a fetch for
  // one of them goes by its queue's strategy. `scripts` (may be null: no
  // templates) give fetched callbacks their opening lines.
  CallbackStore(storage::Database& database, absl::Duration reserved_grace, std::string public_url,
                FlowObserver* flow = nullptr, agents::QueueFloors* floors = nullptr,
                const CallScripts* scripts = nullptr)
      : database_(database),
        reserved_grace_(reserved_grace),
        public_url_(std::move(public_url)),
        flow_(flow),
        floors_(floors),
        scripts_(scripts),
        claimer_(database, flow),
        message_settings_(settings::MakeMessageSettingsDocument(database)) {}

  // Claims up to `max_count` callbacks due now and inside their customer's
  // calling hours now, highest priority first, then the longest due. On the
  // way it moves those outside their hours to their next opening, gives up on
  // expired ones and stops those whose customer can no longer be phoned.
  // Each callback with a survey comes with a link holding a new invitation.
  // For an agent the floor knows: nothing unless it is signed in, available
  // and has room; then at most its room, its share of the callbacks waiting
  // by the queue's strategy, only customers whose language it speaks, and
  // (returning-customer first) not the customers of another available agent.
  // FAILED_PRECONDITION if the queue is not one of the agent's.
  absl::StatusOr<std::vector<v1::Callback>> Fetch(const Claimant& claimant, int max_count, absl::Duration lease,
                                                  absl::Time now);

  // Records a validated disposition and applies the rule's retry policy.
  // `audit_event`, if any, is written in the same transaction when the
  // report is answered OK (see ReportMany).
  absl::StatusOr<v1::ReportDispositionResponse> Report(const v1::ReportDispositionRequest& request,
                                                       long long callback_id, absl::Time now,
                                                       const v1::AuditEvent* audit_event = nullptr);

  // The same for many dispositions of distinct callbacks, in one transaction
  // and a handful of statements. Each gets its own answer; one refused (an
  // ended lease, say) does not stop the others. A failure of the database
  // itself fails them all, and nothing is written. `audit_event`, if any, is
  // written in the same transaction when at least one report is answered OK.
  struct Disposition {
    const v1::ReportDispositionRequest* request;
    long long callback_id;
  };
  std::vector<absl::StatusOr<v1::ReportDispositionResponse>> ReportMany(
      const std::vector<Disposition>& dispositions, absl::Time now, const v1::AuditEvent* audit_event = nullptr);

  absl::StatusOr<v1::Callback> ExtendLease(long long callback_id, const std::string& token, absl::Duration lease,
                                           absl::Time now);
  absl::StatusOr<v1::Callback> Release(long long callback_id, const std::string& token, absl::Time now);

  // Puts up to `limit` callbacks and messages whose lease ended back as
  // planned, with no attempt counted (a dialer or gateway that vanished).
  // Safe on every server at once.
  absl::StatusOr<int> ExpireLeases(absl::Time now, int limit);

  // How many callbacks the claimant could claim now (before calling-hour
  // checks).
  absl::StatusOr<int> CountDue(const Claimant& claimant, absl::Time now);

 private:
  storage::Database& database_;
  const absl::Duration reserved_grace_;
  const std::string public_url_;
  FlowObserver* const flow_;
  agents::QueueFloors* const floors_;
  const CallScripts* const scripts_;
  leases::Claimer claimer_;
  settings::MessageSettingsDocument message_settings_;  // how long invitations work

  // What a report needs of a rule, parsed once per version of the rule.
  // Checks that `token` holds the callback's lease now, applies `change` in
  // the same transaction, and returns the callback as it then is.
  absl::StatusOr<v1::Callback> ChangeHeldLease(
      long long id, const std::string& token, absl::Time now,
      const std::function<void(storage::Transaction&, long long now_us)>& change);

  // How many callbacks of `scope` are due now, counted up to `most`.
  absl::StatusOr<int> CountWaiting(const leases::ClaimScope& scope, int most, absl::Time now);

  struct RuleFacts {
    long long updated_us = -1;
    scheduler::RetryDelays delays;
    std::vector<int> channels;
  };
  RuleFacts RuleFactsFor(storage::Transaction& tx, const std::string& rule_id, long long updated_us);
  absl::Mutex rules_mutex_;
  absl::flat_hash_map<std::string, RuleFacts> rules_ ABSL_GUARDED_BY(rules_mutex_);
};

}  // namespace satisfaction::callbacks

#endif  // SATISFACTION_SERVICES_CALLBACKS_CALLBACK_STORE_H_
