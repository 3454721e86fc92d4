#include "services/analytics/weighting_target.h"

#include <cmath>
#include <set>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "services/common/field_checks.h"
#include "services/storage/query.h"
#include "services/storage/sql_text.h"

namespace satisfaction::analytics {

namespace {

bool Weighted(const v1::GetSatisfactionRequest& request) {
  return request.weighting().target() != v1::WEIGHTING_TARGET_UNSPECIFIED;
}

// Whether the filter keeps responses of `type`.
bool Kept(const v1::SatisfactionFilter& filter, int type) {
  return filter.customer_types().empty() || absl::c_linear_search(filter.customer_types(), type);
}

absl::Status ValidateShares(const v1::GetSatisfactionRequest& request) {
  const v1::Weighting& weighting = request.weighting();
  if (weighting.target() != v1::WEIGHTING_TARGET_GIVEN) {
    if (weighting.shares_size() > 0) return FieldError("weighting.shares", "only with WEIGHTING_TARGET_GIVEN");
    return absl::OkStatus();
  }
  if (weighting.shares_size() == 0) {
    return FieldError("weighting.shares", "required with WEIGHTING_TARGET_GIVEN: a share per customer type");
  }
  std::set<int> seen;
  double total = 0;
  bool any_kept = false;
  for (int i = 0; i < weighting.shares_size(); ++i) {
    const v1::CustomerTypeShare& share = weighting.shares(i);
    std::string field = absl::StrCat("weighting.shares[", i, "]");
    int type = share.customer_type();
    if (type == v1::CUSTOMER_TYPE_UNSPECIFIED || !v1::CustomerType_IsValid(type)) {
      return FieldError(field + ".customer_type", absl::StrCat("unknown customer type ", type));
    }
    if (!seen.insert(type).second) return FieldError(field + ".customer_type", "given twice");
    if (!std::isfinite(share.share()) || share.share() <= 0) {
      return FieldError(field + ".share", "a finite number above 0 (shares are taken relative to their sum)");
    }
    total += share.share();
    any_kept = any_kept || Kept(request.filter(), type);
  }
  if (!std::isfinite(total)) return FieldError("weighting.shares", "their sum is too large");
  if (!any_kept) return FieldError("weighting.shares", "none of the types given is one filter.customer_types keeps");
  return absl::OkStatus();
}

// The customers of each type kept in the registry now.
TypeShares RegistryMix(storage::Transaction& tx, const v1::SatisfactionFilter& filter) {
  std::vector<int> types;
  for (int type = v1::CustomerType_MIN; type <= v1::CustomerType_MAX; ++type) {
    if (type != v1::CUSTOMER_TYPE_UNSPECIFIED && v1::CustomerType_IsValid(type) && Kept(filter, type)) {
      types.push_back(type);
    }
  }
  int type = 0;
  long long customers = 0;
  storage::Query query(tx, absl::StrCat("SELECT effective_type, COUNT(*) FROM customers WHERE effective_type IN (",
                                        storage::Placeholders("t", types.size()), ") GROUP BY effective_type"));
  query.BindEach("t", types).Into(type).Into(customers).Start();
  TypeShares mix;
  while (query.Next()) {
    if (customers > 0) mix[type] = static_cast<double>(customers);
  }
  return mix;
}

}  // namespace

absl::Status ValidateWeighting(const v1::GetSatisfactionRequest& request) {
  const v1::Weighting& weighting = request.weighting();
  if (!v1::WeightingTarget_IsValid(weighting.target())) {
    return FieldError("weighting.target", absl::StrCat("unknown target ", weighting.target()));
  }
  if (absl::Status s = ValidateShares(request); !s.ok()) return s;
  if (Weighted(request) && absl::c_linear_search(request.group_by(), v1::GROUPING_CUSTOMER_TYPE)) {
    return FieldError("weighting",
                      "grouped by customer type, each group is one type: nothing to reweight. Group by something"
                      " else, or ask without weighting");
  }
  return absl::OkStatus();
}

absl::StatusOr<TypeShares> LoadTargetMix(storage::Transaction& tx, const v1::GetSatisfactionRequest& request) {
  TypeShares mix;
  switch (request.weighting().target()) {
    case v1::WEIGHTING_TARGET_GIVEN:
      for (const v1::CustomerTypeShare& share : request.weighting().shares()) {
        if (Kept(request.filter(), share.customer_type())) mix[share.customer_type()] = share.share();
      }
      break;
    case v1::WEIGHTING_TARGET_REGISTRY:
      mix = RegistryMix(tx, request.filter());
      if (mix.empty()) {
        return absl::FailedPreconditionError(
            "weighting.target: the registry has no customer of the types asked for, nothing to weight to");
      }
      break;
    default:
      break;
  }
  return mix;
}

}  // namespace satisfaction::analytics
