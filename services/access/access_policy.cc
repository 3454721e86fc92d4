#include "services/access/access_policy.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace satisfaction::access {
namespace {

constexpr v1::Role kOperator = v1::ROLE_OPERATOR;
constexpr v1::Role kDialer = v1::ROLE_DIALER;
constexpr v1::Role kGateway = v1::ROLE_GATEWAY;
constexpr v1::Role kAnalyst = v1::ROLE_ANALYST;
constexpr CallKind kRead = CallKind::kRead;
constexpr CallKind kWrite = CallKind::kWrite;
constexpr CallKind kExport = CallKind::kExport;

// The one table of who may call what. Admins may call everything and are not
// listed. A method missing here is refused to every role but admin.
const absl::flat_hash_map<std::string, MethodPolicy>& Table() {
  static const auto* table = new absl::flat_hash_map<std::string, MethodPolicy>{
      // Keys and the audit log: admins only.
      {"/satisfaction.v1.AccessService/CreateApiKey", {{}, kWrite, {"api_key.display_name"}}},
      {"/satisfaction.v1.AccessService/ListApiKeys", {{}, kRead}},
      {"/satisfaction.v1.AccessService/RevokeApiKey", {{}, kWrite, {"id"}}},
      {"/satisfaction.v1.AccessService/ListAuditEvents", {{}, kRead}},

      // Questionnaires: operators edit them; dialers read them to ask the
      // questions on the phone, analysts to label figures.
      {"/satisfaction.v1.QuestionnaireService/CreateQuestionnaire", {{kOperator}, kWrite, {"questionnaire_id"}}},
      {"/satisfaction.v1.QuestionnaireService/UpdateQuestionnaireDraft", {{kOperator}, kWrite, {"questionnaire.id"}}},
      {"/satisfaction.v1.QuestionnaireService/PublishQuestionnaire", {{kOperator}, kWrite, {"id"}}},
      {"/satisfaction.v1.QuestionnaireService/CreateQuestionnaireVersion", {{kOperator}, kWrite, {"id"}}},
      {"/satisfaction.v1.QuestionnaireService/GetQuestionnaire", {{kOperator, kDialer, kAnalyst}, kRead}},
      {"/satisfaction.v1.QuestionnaireService/ListQuestionnaires", {{kOperator, kDialer, kAnalyst}, kRead}},
      {"/satisfaction.v1.QuestionnaireService/ArchiveQuestionnaire", {{kOperator}, kWrite, {"id"}}},

      // Customers, orders and the do-not-call list: operators (the shop system).
      {"/satisfaction.v1.CustomerService/UpsertCustomer", {{kOperator}, kWrite, {"customer.external_id"}}},
      {"/satisfaction.v1.CustomerService/GetCustomer", {{kOperator}, kRead}},
      {"/satisfaction.v1.CustomerService/ListCustomers", {{kOperator}, kRead}},
      {"/satisfaction.v1.CustomerService/ImportCustomers", {{kOperator}, kWrite}},
      {"/satisfaction.v1.CustomerService/RecordOrder", {{kOperator}, kWrite, {"order.order_id"}}},
      {"/satisfaction.v1.CustomerService/AddDoNotCall", {{kOperator}, kWrite, {"entry.phone"}, true}},
      {"/satisfaction.v1.CustomerService/RemoveDoNotCall", {{kOperator}, kWrite, {"phone"}, true}},
      {"/satisfaction.v1.CustomerService/ListDoNotCall", {{kOperator}, kRead}},
      // Dialers too: the agent about to call sees what happened before; a
      // bound key only for a customer whose callback it holds (see
      // customers::ContactHistoryService).
      {"/satisfaction.v1.CustomerService/GetContactHistory", {{kOperator, kDialer}, kRead}},
      {"/satisfaction.v1.CustomerService/GetClassificationSettings", {{kOperator}, kRead}},
      {"/satisfaction.v1.CustomerService/UpdateClassificationSettings", {{kOperator}, kWrite}},

      // Revisit rules, contact policy and events: operators.
      {"/satisfaction.v1.RevisitPolicyService/CreateRevisitRule", {{kOperator}, kWrite, {"rule.id"}}},
      {"/satisfaction.v1.RevisitPolicyService/UpdateRevisitRule", {{kOperator}, kWrite, {"rule.id"}}},
      {"/satisfaction.v1.RevisitPolicyService/GetRevisitRule", {{kOperator}, kRead}},
      {"/satisfaction.v1.RevisitPolicyService/ListRevisitRules", {{kOperator}, kRead}},
      {"/satisfaction.v1.RevisitPolicyService/DisableRevisitRule", {{kOperator}, kWrite, {"id"}}},
      {"/satisfaction.v1.RevisitPolicyService/GetContactPolicy", {{kOperator}, kRead}},
      {"/satisfaction.v1.RevisitPolicyService/UpdateContactPolicy", {{kOperator}, kWrite}},
      {"/satisfaction.v1.RevisitService/RecordEvent", {{kOperator}, kWrite, {"event.event_id"}}},
      {"/satisfaction.v1.RevisitService/ListRevisits", {{kOperator}, kRead}},

      // Callbacks: dialers. Fetching claims callbacks under a lease (a write)
      // and hands out their numbers: audited by the ids claimed.
      {"/satisfaction.v1.CallbackService/FetchDueCallbacks", {{kDialer}, kWrite, {}, false, "callbacks"}},
      // Reports are audited with the attempt: one commit for both.
      {"/satisfaction.v1.CallbackService/ReportDisposition",
       {.roles = {kDialer}, .kind = kWrite, .resource_fields = {"callback_id"}, .audited_in_write = true}},
      {"/satisfaction.v1.CallbackService/ReportDispositions",
       {.roles = {kDialer}, .kind = kWrite, .audited_in_write = true}},
      {"/satisfaction.v1.CallbackService/ExtendCallbackLease", {{kDialer}, kWrite, {"callback_id"}}},
      {"/satisfaction.v1.CallbackService/ReleaseCallback", {{kDialer}, kWrite, {"callback_id"}}},
      {"/satisfaction.v1.CallbackService/WatchCallbacks", {{kDialer}, kRead}},

      // The call floor: operators set agents and queues up; dialers sign
      // their agents in and out (a key bound to an agent or a queue only
      // those, see AgentService) and read them.
      {"/satisfaction.v1.AgentService/CreateAgent", {{kOperator}, kWrite, {"agent.id"}}},
      {"/satisfaction.v1.AgentService/UpdateAgent", {{kOperator}, kWrite, {"agent.id"}}},
      {"/satisfaction.v1.AgentService/GetAgent", {{kOperator, kDialer}, kRead}},
      {"/satisfaction.v1.AgentService/ListAgents", {{kOperator}, kRead}},
      {"/satisfaction.v1.AgentService/SignIn", {{kOperator, kDialer}, kWrite, {"agent_id"}}},
      {"/satisfaction.v1.AgentService/SignOut", {{kOperator, kDialer}, kWrite, {"agent_id"}}},
      {"/satisfaction.v1.AgentService/SetAvailability", {{kOperator, kDialer}, kWrite, {"agent_id"}}},
      {"/satisfaction.v1.AgentService/GetQueueAssignment", {{kOperator}, kRead}},
      {"/satisfaction.v1.AgentService/UpdateQueueAssignment", {{kOperator}, kWrite, {"assignment.queue"}}},
      {"/satisfaction.v1.AgentService/ListQueueAssignments", {{kOperator}, kRead}},

      // The message outbox: gateways. Its settings: operators.
      {"/satisfaction.v1.MessageService/FetchOutbox", {{kGateway}, kWrite, {}, false, "messages"}},
      {"/satisfaction.v1.MessageService/ReportDelivery", {{kGateway}, kWrite, {"message_id"}}},
      {"/satisfaction.v1.MessageService/ReleaseMessage", {{kGateway}, kWrite, {"message_id"}}},
      {"/satisfaction.v1.MessageService/ReportReply", {{kGateway}, kWrite, {"message_id"}}},
      {"/satisfaction.v1.MessageService/GetMessageSettings", {{kOperator}, kRead}},
      {"/satisfaction.v1.MessageService/UpdateMessageSettings", {{kOperator}, kWrite}},

      // Responses: dialers submit by callback, gateways by invitation (see
      // AuthorizeSubmission); the survey page's own path is the HTTP face.
      // The invitation token is a secret and never the audited resource.
      {"/satisfaction.v1.ResponseService/SubmitResponse",
       {.roles = {kDialer, kGateway},
        .kind = kWrite,
        .resource_fields = {"callback.callback_id"},
        .audited_in_write = true}},
      {"/satisfaction.v1.ResponseService/GetResponse", {{kOperator, kAnalyst}, kRead}},

      // Figures and exports: analysts. A rebuild is a repair: admins only.
      {"/satisfaction.v1.AnalyticsService/GetSatisfaction", {{kAnalyst}, kRead}},
      {"/satisfaction.v1.AnalyticsService/GetResponseFunnel", {{kAnalyst}, kRead}},
      {"/satisfaction.v1.AnalyticsService/ExportResponses", {{kAnalyst}, kExport, {"questionnaire_id"}}},
      {"/satisfaction.v1.AnalyticsService/RebuildAggregates", {{}, kWrite, {"questionnaire_id"}}},
  };
  return *table;
}

bool HasRole(const MethodPolicy& policy, v1::Role role) {
  return role == v1::ROLE_ADMIN || std::find(policy.roles.begin(), policy.roles.end(), role) != policy.roles.end();
}

}  // namespace

const MethodPolicy* FindMethodPolicy(absl::string_view method) {
  auto it = Table().find(method);
  return it == Table().end() ? nullptr : &it->second;
}

std::vector<std::string> PolicyMethods() {
  std::vector<std::string> methods;
  for (const auto& [method, policy] : Table()) methods.push_back(method);
  std::sort(methods.begin(), methods.end());
  return methods;
}

bool IsOpenMethod(absl::string_view method) {
  return absl::StartsWith(method, "/grpc.health.v1.Health/") ||
         absl::StartsWith(method, "/grpc.reflection.v1alpha.ServerReflection/");
}

absl::Status Authorize(const Caller& caller, absl::string_view method) {
  const MethodPolicy* policy = FindMethodPolicy(method);
  if (caller.role == v1::ROLE_ADMIN || (policy != nullptr && HasRole(*policy, caller.role))) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("the ", RoleName(caller.role), " key ", caller.key_id, " may not call ", method));
}

absl::Status AuthorizeSubmission(const Caller& caller, SubmissionSource source) {
  if (caller.role == v1::ROLE_ADMIN) return absl::OkStatus();
  if (source == SubmissionSource::kInvitation && caller.role != v1::ROLE_GATEWAY) {
    return absl::PermissionDeniedError(
        absl::StrCat("invitation_token: a ", RoleName(caller.role), " key may not submit by invitation"));
  }
  if (source == SubmissionSource::kCallback && caller.role != v1::ROLE_DIALER) {
    return absl::PermissionDeniedError(
        absl::StrCat("callback: a ", RoleName(caller.role), " key may not submit by callback"));
  }
  return absl::OkStatus();
}

absl::Status CheckBinding(const Caller& caller, absl::string_view queue, absl::string_view agent_id) {
  if (!caller.queue.empty() && queue != caller.queue) {
    return absl::PermissionDeniedError(
        absl::StrCat("queue: the key ", caller.key_id, " acts only for the queue ", caller.queue));
  }
  if (!caller.agent_id.empty() && agent_id != caller.agent_id) {
    return absl::PermissionDeniedError(
        absl::StrCat("agent_id: the key ", caller.key_id, " acts only as the agent ", caller.agent_id));
  }
  return absl::OkStatus();
}

absl::Status CheckReportingAgent(const Caller& caller, absl::string_view agent_id) {
  if (agent_id.empty()) return absl::OkStatus();
  return CheckBinding(caller, caller.queue, agent_id);
}

bool SeesContactDetails(const Caller& caller) {
  return caller.role == v1::ROLE_ADMIN || caller.role == v1::ROLE_DIALER || caller.role == v1::ROLE_GATEWAY;
}

std::string RoleName(v1::Role role) {
  if (!v1::Role_IsValid(role) || role == v1::ROLE_UNSPECIFIED) return "unspecified";
  return absl::AsciiStrToLower(absl::StripPrefix(v1::Role_Name(role), "ROLE_"));
}

}  // namespace satisfaction::access
