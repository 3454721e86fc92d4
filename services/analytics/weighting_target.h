#ifndef SATISFACTION_SERVICES_ANALYTICS_WEIGHTING_TARGET_H_
#define SATISFACTION_SERVICES_ANALYTICS_WEIGHTING_TARGET_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "satisfaction/v1/analytics.pb.h"
#include "services/analytics/weighted_figures.h"
#include "services/storage/transaction.h"

// The mix of customer types a GetSatisfaction request weights to (see
// v1::Weighting).
namespace satisfaction::analytics {

// Checks the request's weighting, and that it fits the rest of the request;
// needs no database. INVALID_ARGUMENT naming the field.
absl::Status ValidateWeighting(const v1::GetSatisfactionRequest& request);

// The target mix of a validated request, of the customer types its filter
// keeps; empty when it asks for no weighting. FAILED_PRECONDITION naming
// weighting.target when the registry has no customer of those types.
absl::StatusOr<TypeShares> LoadTargetMix(storage::Transaction& tx, const v1::GetSatisfactionRequest& request);

}  // namespace satisfaction::analytics

#endif  // SATISFACTION_SERVICES_ANALYTICS_WEIGHTING_TARGET_H_
