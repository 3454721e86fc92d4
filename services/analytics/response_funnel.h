#ifndef SATISFACTION_SERVICES_ANALYTICS_RESPONSE_FUNNEL_H_
#define SATISFACTION_SERVICES_ANALYTICS_RESPONSE_FUNNEL_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "satisfaction/v1/analytics.pb.h"
#include "services/storage/database.h"

namespace satisfaction::analytics {

// Checks the days (as GetSatisfaction does) and the questionnaire's id.
// INVALID_ARGUMENT naming the field.
absl::Status ValidateFunnelRequest(const v1::GetResponseFunnelRequest& request);

// The response funnel and the recovery rate, counted from the revisits
// planned in the range (and their responses).
class ResponseFunnel {
 public:
  // Days are the operator's, in `zone`.
  ResponseFunnel(storage::Database& database, absl::TimeZone zone) : database_(database), zone_(zone) {}

  absl::StatusOr<v1::GetResponseFunnelResponse> Get(const v1::GetResponseFunnelRequest& request);

 private:
  storage::Database& database_;
  const absl::TimeZone zone_;
};

}  // namespace satisfaction::analytics

#endif  // SATISFACTION_SERVICES_ANALYTICS_RESPONSE_FUNNEL_H_
