#include "services/revisits/revisit_policy_service.h"

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/field_checks.h"
#include "services/common/page_token.h"
#include "services/common/text_limits.h"
#include "services/common/textproto_files.h"
#include "services/revisits/revisit_rule_validation.h"

namespace satisfaction::revisits {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 200;

}  // namespace

absl::Status CheckRuleQuestionnaire(questionnaires::QuestionnaireStore& questionnaires, const v1::RevisitRule& rule) {
  if (rule.questionnaire_id().empty()) return absl::OkStatus();
  absl::StatusOr<v1::Questionnaire> found = questionnaires.Get(rule.questionnaire_id(), 0);
  if (found.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(absl::StrCat("rule.questionnaire_id: questionnaire ", Quote(rule.questionnaire_id()),
                                            " does not exist or has no published version"));
  }
  if (!found.ok()) return found.status();
  if (found->state() == v1::QUESTIONNAIRE_STATE_ARCHIVED) {
    return absl::FailedPreconditionError(
        absl::StrCat("rule.questionnaire_id: questionnaire ", Quote(rule.questionnaire_id()), " is archived"));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> LoadRevisitRuleTemplates(const std::filesystem::path& directory, RevisitRuleStore& rules,
                                             questionnaires::QuestionnaireStore& questionnaires) {
  absl::StatusOr<std::vector<TextprotoFile>> files = ReadTextprotoFiles(directory);
  if (!files.ok())
    return absl::InvalidArgumentError(absl::StrCat("revisit rule templates: ", files.status().message()));
  int created = 0;
  for (const TextprotoFile& file : *files) {
    v1::RevisitRule rule;
    if (absl::Status s = ParseTextproto(file, rule); !s.ok()) return s;
    if (!rule.id().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(file.path.string(), ": leave id out; the file name is the id"));
    }
    rule.set_id(file.id);
    if (absl::Status s = NormalizeAndValidateRule("rule", rule); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(file.path.string(), ": ", s.message()));
    }
    if (absl::Status s = CheckRuleQuestionnaire(questionnaires, rule); !s.ok()) {
      return absl::Status(s.code(), absl::StrCat(file.path.string(), ": ", s.message()));
    }
    absl::StatusOr<bool> done = rules.CreateIfAbsent(rule, absl::Now());
    if (!done.ok())
      return absl::Status(done.status().code(), absl::StrCat(file.path.string(), ": ", done.status().message()));
    if (*done) {
      ++created;
      spdlog::info("revisit rule '{}' created from {}", file.id, file.path.string());
    }
  }
  return created;
}

absl::StatusOr<v1::RevisitRule> RevisitPolicyService::PrepareRule(const v1::RevisitRule& requested) {
  v1::RevisitRule rule = requested;
  if (absl::Status s = NormalizeAndValidateRule("rule", rule); !s.ok()) return s;
  if (absl::Status s = CheckRuleQuestionnaire(questionnaires_, rule); !s.ok()) return s;
  return rule;
}

absl::StatusOr<v1::RevisitRule> RevisitPolicyService::CreateRevisitRule(const access::Caller& /*caller*/,
                                                                        const v1::CreateRevisitRuleRequest& request) {
  if (!request.has_rule()) return absl::InvalidArgumentError("rule: required");
  absl::StatusOr<v1::RevisitRule> rule = PrepareRule(request.rule());
  if (!rule.ok()) return rule.status();
  return rules_.Create(*rule, absl::Now());
}

absl::StatusOr<v1::RevisitRule> RevisitPolicyService::UpdateRevisitRule(const access::Caller& /*caller*/,
                                                                        const v1::UpdateRevisitRuleRequest& request) {
  if (!request.has_rule()) return absl::InvalidArgumentError("rule: required");
  absl::StatusOr<v1::RevisitRule> rule = PrepareRule(request.rule());
  if (!rule.ok()) return rule.status();
  return rules_.Update(*rule, absl::Now());
}

absl::StatusOr<v1::RevisitRule> RevisitPolicyService::GetRevisitRule(const access::Caller& /*caller*/,
                                                                     const v1::GetRevisitRuleRequest& request) {
  if (absl::Status s = ValidateRuleId("id", request.id()); !s.ok()) return s;
  return rules_.Get(request.id());
}

absl::StatusOr<v1::RevisitRule> RevisitPolicyService::DisableRevisitRule(const access::Caller& /*caller*/,
                                                                         const v1::DisableRevisitRuleRequest& request) {
  if (absl::Status s = ValidateRuleId("id", request.id()); !s.ok()) return s;
  return rules_.Disable(request.id(), absl::Now());
}

absl::StatusOr<v1::ListRevisitRulesResponse> RevisitPolicyService::ListRevisitRules(
    const access::Caller& /*caller*/, const v1::ListRevisitRulesRequest& request) {
  v1::ListRevisitRulesResponse response;
  if (!v1::Trigger_IsValid(request.trigger())) {
    return absl::InvalidArgumentError(absl::StrCat("trigger: unknown value ", request.trigger()));
  }
  if (!v1::CustomerType_IsValid(request.customer_type())) {
    return absl::InvalidArgumentError(absl::StrCat("customer_type: unknown value ", request.customer_type()));
  }
  absl::StatusOr<int> page_size = EffectivePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize);
  if (!page_size.ok()) return page_size.status();
  RevisitRuleStore::ListQuery query{.trigger = request.trigger(),
                                    .customer_type = request.customer_type(),
                                    .include_disabled = request.include_disabled(),
                                    .limit = *page_size};
  std::string filter = absl::StrCat("trigger=", request.trigger(), ";type=", request.customer_type(),
                                    ";disabled=", request.include_disabled());
  if (!request.page_token().empty()) {
    absl::StatusOr<PageCursor> cursor = DecodePageToken(request.page_token(), filter);
    if (!cursor.ok()) return cursor.status();
    query.after_id = cursor->after_key;
  }
  absl::StatusOr<RevisitRuleStore::ListPage> page = rules_.List(query);
  if (!page.ok()) return page.status();
  for (v1::RevisitRule& rule : page->rules) *response.add_rules() = std::move(rule);
  if (page->has_more && response.rules_size() > 0) {
    response.set_next_page_token(
        EncodePageToken({.filter = filter, .after_key = response.rules(response.rules_size() - 1).id()}));
  }
  return response;
}

absl::StatusOr<v1::ContactPolicy> RevisitPolicyService::GetContactPolicy(
    const access::Caller& /*caller*/, const v1::GetContactPolicyRequest& /*request*/) {
  return revisits_.GetContactPolicy();
}

absl::StatusOr<v1::ContactPolicy> RevisitPolicyService::UpdateContactPolicy(
    const access::Caller& /*caller*/, const v1::UpdateContactPolicyRequest& request) {
  if (!request.has_policy()) return FieldError("policy", "required");
  return revisits_.UpdateContactPolicy(request.policy(), request.update_mask(), absl::Now());
}

}  // namespace satisfaction::revisits
