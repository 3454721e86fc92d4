#ifndef SATISFACTION_SERVICES_REVISITS_REVISIT_RULE_VALIDATION_H_
#define SATISFACTION_SERVICES_REVISITS_REVISIT_RULE_VALIDATION_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "satisfaction/v1/revisit_policy.pb.h"
#include "scheduler/revisit_rule.h"

namespace satisfaction::revisits {

// The dialer queue of rules that name none.
inline constexpr absl::string_view kDefaultQueue = "default";

// Checks a rule id: 1 to 63 lower-case letters, digits and '-', starting with a letter.
absl::Status ValidateRuleId(absl::string_view field, absl::string_view id);

// Checks a rule as an operator writes it and fills in the defaults (3 attempts,
// 14 days' expiry, the standard retry delays). Output-only fields are cleared.
// INVALID_ARGUMENT names the field under `field_prefix`. The questionnaire's
// existence is checked by the caller, which can see the store.
absl::Status NormalizeAndValidateRule(absl::string_view field_prefix, v1::RevisitRule& rule);

// The scheduler's view of a normalised rule.
scheduler::RevisitRule ToSchedulerRule(const v1::RevisitRule& rule);

// Which answers open a low-score rule's revisit: a score at most `at_most` on
// an item of one of `dimensions` (v1::Dimension values), with the defaults
// filled in.
struct LowScoreMarks {
  std::vector<int> dimensions;
  int at_most = 2;
};
LowScoreMarks LowScoreMarksOf(const v1::RevisitRule& rule);

// The stored mask of the customer types the rule covers (CustomerTypeMaskBit's bits).
int CustomerTypeMask(const v1::RevisitRule& rule);

}  // namespace satisfaction::revisits

#endif  // SATISFACTION_SERVICES_REVISITS_REVISIT_RULE_VALIDATION_H_
