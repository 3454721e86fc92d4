#ifndef SATISFACTION_SERVICES_REVISITS_REVISIT_POLICY_SERVICE_H_
#define SATISFACTION_SERVICES_REVISITS_REVISIT_POLICY_SERVICE_H_

#include <filesystem>

#include "satisfaction/v1/revisit_policy.grpc.pb.h"
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

// The gRPC face of revisit rules and the contact policy they plan within.
class RevisitPolicyService final : public v1::RevisitPolicyService::Service {
 public:
  RevisitPolicyService(RevisitRuleStore& rules, RevisitStore& revisits,
                       questionnaires::QuestionnaireStore& questionnaires)
      : rules_(rules), revisits_(revisits), questionnaires_(questionnaires) {}

  grpc::Status CreateRevisitRule(grpc::ServerContext* context, const v1::CreateRevisitRuleRequest* request,
                                 v1::RevisitRule* response) override;
  grpc::Status UpdateRevisitRule(grpc::ServerContext* context, const v1::UpdateRevisitRuleRequest* request,
                                 v1::RevisitRule* response) override;
  grpc::Status GetRevisitRule(grpc::ServerContext* context, const v1::GetRevisitRuleRequest* request,
                              v1::RevisitRule* response) override;
  grpc::Status ListRevisitRules(grpc::ServerContext* context, const v1::ListRevisitRulesRequest* request,
                                v1::ListRevisitRulesResponse* response) override;
  grpc::Status DisableRevisitRule(grpc::ServerContext* context, const v1::DisableRevisitRuleRequest* request,
                                  v1::RevisitRule* response) override;
  grpc::Status GetContactPolicy(grpc::ServerContext* context, const v1::GetContactPolicyRequest* request,
                                v1::ContactPolicy* response) override;
  grpc::Status UpdateContactPolicy(grpc::ServerContext* context, const v1::UpdateContactPolicyRequest* request,
                                   v1::ContactPolicy* response) override;

 private:
  // Validates, checks the questionnaire and the deadline: the shared start of create and update.
  absl::StatusOr<v1::RevisitRule> PrepareRule(grpc::ServerContext& context, const v1::RevisitRule& requested);

  RevisitRuleStore& rules_;
  RevisitStore& revisits_;
  questionnaires::QuestionnaireStore& questionnaires_;
};

}  // namespace satisfaction::revisits

#endif  // SATISFACTION_SERVICES_REVISITS_REVISIT_POLICY_SERVICE_H_
