#ifndef SATISFACTION_SERVICES_REVISITS_REVISIT_POLICY_SERVICE_H_
#define SATISFACTION_SERVICES_REVISITS_REVISIT_POLICY_SERVICE_H_

#include <filesystem>

#include "satisfaction/v1/revisit_policy.pb.h"
#include "services/access/access_policy.h"
#include "services/questionnaires/questionnaire_store.h"
#include "services/revisits/revisit_rule_store.h"
#include "services/revisits/revisit_store.h"

namespace satisfaction::revisits {

// Checks that the questionnaire a rule names exists, is published and is not
// archived: NOT_FOUND or FAILED_PRECONDITION naming rule.questionnaire_id.
absl::Status CheckRuleQuestionnaire(questionnaires::QuestionnaireStore& questionnaires, const v1::RevisitRule& rule);

// Loads every `*.textproto` in `directory` (satisfaction.v1.RevisitRule in text
// format; the file name is the rule id) as an enabled rule, unless a rule with
// that id exists. Returns how many were created.
absl::StatusOr<int> LoadRevisitRuleTemplates(const std::filesystem::path& directory, RevisitRuleStore& rules,
                                             questionnaires::QuestionnaireStore& questionnaires);

// The handlers of revisit rules and the contact policy they plan within: functions of the caller and the request,
// validating it before they touch a store; services/server binds them to gRPC.
class RevisitPolicyService final {
 public:
  RevisitPolicyService(RevisitRuleStore& rules, RevisitStore& revisits,
                       questionnaires::QuestionnaireStore& questionnaires)
      : rules_(rules), revisits_(revisits), questionnaires_(questionnaires) {}

  absl::StatusOr<v1::RevisitRule> CreateRevisitRule(const access::Caller& caller,
                                                    const v1::CreateRevisitRuleRequest& request);
  absl::StatusOr<v1::RevisitRule> UpdateRevisitRule(const access::Caller& caller,
                                                    const v1::UpdateRevisitRuleRequest& request);
  absl::StatusOr<v1::RevisitRule> GetRevisitRule(const access::Caller& caller,
                                                 const v1::GetRevisitRuleRequest& request);
  absl::StatusOr<v1::ListRevisitRulesResponse> ListRevisitRules(const access::Caller& caller,
                                                                const v1::ListRevisitRulesRequest& request);
  absl::StatusOr<v1::RevisitRule> DisableRevisitRule(const access::Caller& caller,
                                                     const v1::DisableRevisitRuleRequest& request);
  absl::StatusOr<v1::ContactPolicy> GetContactPolicy(const access::Caller& caller,
                                                     const v1::GetContactPolicyRequest& request);
  absl::StatusOr<v1::ContactPolicy> UpdateContactPolicy(const access::Caller& caller,
                                                        const v1::UpdateContactPolicyRequest& request);

 private:
  // Validates and checks the questionnaire: the shared start of create and update.
  absl::StatusOr<v1::RevisitRule> PrepareRule(const v1::RevisitRule& requested);

  RevisitRuleStore& rules_;
  RevisitStore& revisits_;
  questionnaires::QuestionnaireStore& questionnaires_;
};

}  // namespace satisfaction::revisits

#endif  // SATISFACTION_SERVICES_REVISITS_REVISIT_POLICY_SERVICE_H_
