#ifndef SATISFACTION_SERVICES_DASHBOARD_LOW_SCORES_H_
#define SATISFACTION_SERVICES_DASHBOARD_LOW_SCORES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "satisfaction/v1/common.pb.h"
#include "satisfaction/v1/revisit.pb.h"
#include "services/storage/database.h"

namespace satisfaction::dashboard {

// A response with a score of 1 or 2, as the dashboard lists it: contact
// details masked, and what became of the recovery call it opened.
struct LowScore {
  long long response_id = 0;
  absl::Time submitted;
  std::string customer_external_id;
  std::string masked_phone;
  v1::CustomerType customer_type = v1::CUSTOMER_TYPE_UNSPECIFIED;
  v1::Channel channel = v1::CHANNEL_UNSPECIFIED;
  std::string agent_id;
  int lowest_score = 0;
  // The comments, joined; "" when none.
  std::string comment;
  // The recovery call's state; unspecified when none was opened.
  v1::RevisitState recovery_state = v1::REVISIT_STATE_UNSPECIFIED;
};

// The latest `limit` low-scored responses to `questionnaire_id` submitted
// in [start, end), newest first.
absl::StatusOr<std::vector<LowScore>> LatestLowScores(storage::Database& database, const std::string& questionnaire_id,
                                                      absl::Time start, absl::Time end, int limit);

}  // namespace satisfaction::dashboard

#endif  // SATISFACTION_SERVICES_DASHBOARD_LOW_SCORES_H_
