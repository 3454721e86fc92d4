#ifndef SATISFACTION_SERVICES_COMMON_FLOW_OBSERVER_H_
#define SATISFACTION_SERVICES_COMMON_FLOW_OBSERVER_H_

#include <utility>

#include "satisfaction/v1/callback.pb.h"
#include "satisfaction/v1/common.pb.h"
#include "satisfaction/v1/message.pb.h"
#include "satisfaction/v1/revisit.pb.h"
#include "satisfaction/v1/revisit_policy.pb.h"
#include "services/storage/transaction.h"

namespace satisfaction {

// What the stores tell whoever watches the work flowing through them (the
// server's metrics), once it is committed. Called on the threads doing the
// work: implementations must be cheap and thread-safe.
class FlowObserver {
 public:
  virtual ~FlowObserver() = default;
  // A revisit was planned (a low-score one opens a recovery).
  virtual void RevisitPlanned(v1::Trigger trigger, v1::Channel channel) = 0;
  // A revisit left the open states (planned, leased) for `state`.
  virtual void RevisitEnded(v1::Trigger trigger, v1::RevisitState state) = 0;
  // A dialer reported a call attempt.
  virtual void CallAttempted(v1::CallOutcome outcome) = 0;
  // A gateway reported how a message's delivery went.
  virtual void DeliveryReported(v1::DeliveryOutcome outcome) = 0;
  // A survey's answers were stored, taken on `channel`.
  virtual void ResponseStored(v1::Channel channel) = 0;
  // A customer opted out of `channel` (a reply, a call, the do-not-call list).
  virtual void OptedOut(v1::Channel channel) = 0;
};

// Tells `flow` (nothing if null) what `tell` says once `tx` has committed.
template <typename Tell>
void TellAfterCommit(storage::Transaction& tx, FlowObserver* flow, Tell tell) {
  if (flow == nullptr) return;
  tx.AfterCommit([flow, tell = std::move(tell)]() mutable { tell(*flow); });
}

}  // namespace satisfaction

#endif  // SATISFACTION_SERVICES_COMMON_FLOW_OBSERVER_H_
