#ifndef SATISFACTION_SERVICES_CUSTOMERS_REVISIT_REPLANNING_H_
#define SATISFACTION_SERVICES_CUSTOMERS_REVISIT_REPLANNING_H_

#include <soci/soci.h>

#include <vector>

#include "absl/time/time.h"
#include "scheduler/revisit_planner.h"
#include "services/storage/transaction.h"

namespace satisfaction::customers {

// Plans the waiting (planned, not leased) revisits of these customers again,
// in the time zone each has now and under `policy`, by scheduler::ReplanDue:
// revisits keep to the customer's own hours after the customer moves zone or
// the hours change. Returns how many revisits moved.
int ReplanOpenRevisits(storage::Transaction& tx, const std::vector<long long>& customer_ids,
                       const scheduler::ContactPolicy& policy, absl::Time now);

}  // namespace satisfaction::customers

#endif  // SATISFACTION_SERVICES_CUSTOMERS_REVISIT_REPLANNING_H_
