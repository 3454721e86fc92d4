#ifndef SATISFACTION_SERVICES_REVISITS_REVISIT_SERVICE_H_
#define SATISFACTION_SERVICES_REVISITS_REVISIT_SERVICE_H_

#include "satisfaction/v1/revisit.pb.h"
#include "services/access/access_policy.h"
#include "services/revisits/revisit_store.h"

namespace satisfaction::revisits {

// Checks an event as a shop reports it. INVALID_ARGUMENT names the field.
absl::Status ValidateEvent(const v1::Event& event, absl::Time now);

// The handlers of events and revisits: functions of the caller and the request,
// validating it before they touch a store; services/server binds them to gRPC.
class RevisitService final {
 public:
  explicit RevisitService(RevisitStore& store) : store_(store) {}

  absl::StatusOr<v1::RecordEventResponse> RecordEvent(const access::Caller& caller,
                                                      const v1::RecordEventRequest& request);
  absl::StatusOr<v1::ListRevisitsResponse> ListRevisits(const access::Caller& caller,
                                                        const v1::ListRevisitsRequest& request);

 private:
  RevisitStore& store_;
};

}  // namespace satisfaction::revisits

#endif  // SATISFACTION_SERVICES_REVISITS_REVISIT_SERVICE_H_
