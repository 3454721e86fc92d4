#ifndef SATISFACTION_SERVICES_REVISITS_REVISIT_RULE_STORE_H_
#define SATISFACTION_SERVICES_REVISITS_REVISIT_RULE_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "satisfaction/v1/revisit_policy.pb.h"
#include "services/storage/database.h"

namespace satisfaction::revisits {

// Stores revisit rules. Rule writes take one lock, so the check that no two
// enabled rules cover a customer type for one trigger cannot be raced past.
// The enabled rules of `trigger`, read inside the caller's transaction.
std::vector<v1::RevisitRule> LoadEnabledRules(storage::Transaction& tx, v1::Trigger trigger);

// The rule with this id, enabled or not, in the caller's transaction.
std::optional<v1::RevisitRule> LoadRule(storage::Transaction& tx, const std::string& id);

class RevisitRuleStore {
 public:
  explicit RevisitRuleStore(storage::Database& database) : database_(database) {}

  // ALREADY_EXISTS if the id is taken; FAILED_PRECONDITION naming the enabled
  // rule that covers one of the same customer types for the same trigger.
  absl::StatusOr<v1::RevisitRule> Create(const v1::RevisitRule& rule, absl::Time now);
  // Replaces the settings of rule `rule.id()`; NOT_FOUND if there is none.
  absl::StatusOr<v1::RevisitRule> Update(const v1::RevisitRule& rule, absl::Time now);
  absl::StatusOr<v1::RevisitRule> Get(absl::string_view id);
  absl::StatusOr<v1::RevisitRule> Disable(absl::string_view id, absl::Time now);

  struct ListQuery {
    v1::Trigger trigger = v1::TRIGGER_UNSPECIFIED;
    v1::CustomerType customer_type = v1::CUSTOMER_TYPE_UNSPECIFIED;
    bool include_disabled = false;
    std::string after_id;
    int limit = 50;
  };
  struct ListPage {
    std::vector<v1::RevisitRule> rules;
    bool has_more = false;
  };
  absl::StatusOr<ListPage> List(const ListQuery& query);

  // Creates the rule unless one with its id exists; returns whether it did.
  absl::StatusOr<bool> CreateIfAbsent(const v1::RevisitRule& rule, absl::Time now);

 private:
  storage::Database& database_;
};

}  // namespace satisfaction::revisits

#endif  // SATISFACTION_SERVICES_REVISITS_REVISIT_RULE_STORE_H_
