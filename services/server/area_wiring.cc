// The composition root's areas: each builds its stores and handlers, loads its
// templates, binds its handlers to its gRPC service through the CallGate and
// adds its maintenance jobs. SatisfactionServer::Start calls them in order.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/questionnaires/template_loader.h"
#include "services/revisits/work_queues.h"
#include "services/server/satisfaction_server.h"
#include "services/server/tunables.h"

namespace satisfaction::server {
namespace {

// The folder of one kind of template, or nothing if templates are off.
std::optional<std::filesystem::path> TemplateFolder(const ServerConfig& config, const char* kind) {
  if (config.templates_dir.empty()) return std::nullopt;
  return std::filesystem::path(config.templates_dir) / kind;
}

}  // namespace

void SatisfactionServer::Serve(std::unique_ptr<rpc::AdmittedService> service) {
  grpc_services_.push_back(std::move(service));
}

std::string SatisfactionServer::PublicUrl() const {
  return config_.public_url.empty() ? absl::StrCat("http://", config_.http_listen) : config_.public_url;
}

// Keys, the audit log and the gate every call goes through. Creates the first
// admin key from SATISFACTION_BOOTSTRAP_ADMIN_KEY.
absl::Status SatisfactionServer::WireAccess() {
  api_key_store_ = std::make_unique<access::ApiKeyStore>(*database_);
  if (!config_.bootstrap_admin_key.empty()) {
    absl::StatusOr<bool> created = api_key_store_->CreateFirstAdmin(config_.bootstrap_admin_key, absl::Now());
    if (!created.ok()) return created.status();
    spdlog::info(*created ? "created the first admin key from SATISFACTION_BOOTSTRAP_ADMIN_KEY"
                          : "API keys exist already: SATISFACTION_BOOTSTRAP_ADMIN_KEY is not used");
  } else if (absl::StatusOr<bool> any = api_key_store_->AnyKeyExists(); any.ok() && !*any) {
    spdlog::warn(
        "no API keys exist, so every call but health and reflection is refused: set "
        "SATISFACTION_BOOTSTRAP_ADMIN_KEY to create the first admin key");
  }
  key_authenticator_ =
      std::make_unique<access::KeyAuthenticator>(*api_key_store_, config_.key_cache_ttl, config_.key_rate_limit);
  audit_log_ = std::make_unique<access::AuditLog>(*database_);
  call_gate_ = std::make_unique<rpc::CallGate>(*key_authenticator_, *audit_log_, metrics_.get());
  access_service_ = std::make_unique<access::AccessService>(*api_key_store_, *key_authenticator_, *audit_log_);

  using access::AccessService;
  auto service = std::make_unique<rpc::AdmittedService>("satisfaction.v1.AccessService", *call_gate_);
  service->Unary("CreateApiKey", *access_service_, &AccessService::CreateApiKey)
      .Unary("ListApiKeys", *access_service_, &AccessService::ListApiKeys)
      .Unary("RevokeApiKey", *access_service_, &AccessService::RevokeApiKey)
      .Unary("ListAuditEvents", *access_service_, &AccessService::ListAuditEvents);
  Serve(std::move(service));

  access::KeyAuthenticator* authenticator = key_authenticator_.get();
  maintenance_jobs_.push_back({.name = "write down when API keys were last used",
                               .id = "api_key_last_use",
                               .run = [authenticator](absl::Time) { return authenticator->WriteDownLastUse(); },
                               .batch_size = std::numeric_limits<int>::max(),
                               .routine = true});
  if (config_.audit_retention > absl::ZeroDuration()) {
    access::AuditLog* audit_log = audit_log_.get();
    absl::Duration retention = config_.audit_retention;
    maintenance_jobs_.push_back({.name = "delete audit events past --audit-retention",
                                 .id = "audit_retention",
                                 .run =
                                     [audit_log, retention](absl::Time now) {
                                       return audit_log->DeleteOlderThan(now - retention,
                                                                         tunables::kAuditRetentionBatch);
                                     },
                                 .batch_size = tunables::kAuditRetentionBatch});
  }
  return absl::OkStatus();
}

absl::Status SatisfactionServer::WireQuestionnaires() {
  questionnaire_store_ = std::make_unique<questionnaires::QuestionnaireStore>(*database_);
  if (std::optional<std::filesystem::path> folder = TemplateFolder(config_, "questionnaires")) {
    absl::StatusOr<questionnaires::TemplateLoadSummary> loaded =
        questionnaires::LoadQuestionnaireTemplates(*folder, *questionnaire_store_);
    if (!loaded.ok()) return loaded.status();
    spdlog::info("questionnaire templates from {}: {} created, {} already present", folder->string(), loaded->created,
                 loaded->already_present);
  }
  questionnaire_service_ = std::make_unique<questionnaires::QuestionnaireService>(*questionnaire_store_);

  using questionnaires::QuestionnaireService;
  QuestionnaireService& handlers = *questionnaire_service_;
  auto service = std::make_unique<rpc::AdmittedService>("satisfaction.v1.QuestionnaireService", *call_gate_);
  service->Unary("CreateQuestionnaire", handlers, &QuestionnaireService::CreateQuestionnaire)
      .Unary("UpdateQuestionnaireDraft", handlers, &QuestionnaireService::UpdateQuestionnaireDraft)
      .Unary("PublishQuestionnaire", handlers, &QuestionnaireService::PublishQuestionnaire)
      .Unary("CreateQuestionnaireVersion", handlers, &QuestionnaireService::CreateQuestionnaireVersion)
      .Unary("GetQuestionnaire", handlers, &QuestionnaireService::GetQuestionnaire)
      .Unary("ListQuestionnaires", handlers, &QuestionnaireService::ListQuestionnaires)
      .Unary("ArchiveQuestionnaire", handlers, &QuestionnaireService::ArchiveQuestionnaire);
  Serve(std::move(service));
  return absl::OkStatus();
}

// Revisit rules and the contact policy; events and the revisits they plan.
absl::Status SatisfactionServer::WireRevisits() {
  rule_store_ = std::make_unique<revisits::RevisitRuleStore>(*database_);
  if (std::optional<std::filesystem::path> folder = TemplateFolder(config_, "revisit_rules")) {
    absl::StatusOr<int> created = revisits::LoadRevisitRuleTemplates(*folder, *rule_store_, *questionnaire_store_);
    if (!created.ok()) return created.status();
    spdlog::info("revisit rule templates from {}: {} created", folder->string(), *created);
  }
  revisit_store_ = std::make_unique<revisits::RevisitStore>(*database_, Flow());
  policy_service_ =
      std::make_unique<revisits::RevisitPolicyService>(*rule_store_, *revisit_store_, *questionnaire_store_);
  revisit_service_ = std::make_unique<revisits::RevisitService>(*revisit_store_);

  using revisits::RevisitPolicyService;
  RevisitPolicyService& policy = *policy_service_;
  auto policy_service = std::make_unique<rpc::AdmittedService>("satisfaction.v1.RevisitPolicyService", *call_gate_);
  policy_service->Unary("CreateRevisitRule", policy, &RevisitPolicyService::CreateRevisitRule)
      .Unary("UpdateRevisitRule", policy, &RevisitPolicyService::UpdateRevisitRule)
      .Unary("GetRevisitRule", policy, &RevisitPolicyService::GetRevisitRule)
      .Unary("ListRevisitRules", policy, &RevisitPolicyService::ListRevisitRules)
      .Unary("DisableRevisitRule", policy, &RevisitPolicyService::DisableRevisitRule)
      .Unary("GetContactPolicy", policy, &RevisitPolicyService::GetContactPolicy)
      .Unary("UpdateContactPolicy", policy, &RevisitPolicyService::UpdateContactPolicy);
  Serve(std::move(policy_service));

  using revisits::RevisitService;
  auto revisit_service = std::make_unique<rpc::AdmittedService>("satisfaction.v1.RevisitService", *call_gate_);
  revisit_service->Unary("RecordEvent", *revisit_service_, &RevisitService::RecordEvent)
      .Unary("ListRevisits", *revisit_service_, &RevisitService::ListRevisits);
  Serve(std::move(revisit_service));

  revisits::RevisitStore* revisit_store = revisit_store_.get();
  maintenance_jobs_.push_back(
      {.name = "plan periodic care",
       .id = "periodic_care",
       .run = [revisit_store](
                  absl::Time now) { return revisit_store->PlanPeriodicCare(now, tunables::kPeriodicCareBatch); },
       .batch_size = tunables::kPeriodicCareBatch});
  return absl::OkStatus();
}

absl::Status SatisfactionServer::WireCallbacks() {
  if (std::optional<std::filesystem::path> folder = TemplateFolder(config_, "call_scripts")) {
    absl::StatusOr<callbacks::CallScripts> scripts = callbacks::CallScripts::Load(*folder);
    if (!scripts.ok()) return scripts.status();
    call_scripts_ = std::make_unique<callbacks::CallScripts>(*std::move(scripts));
    spdlog::info("call scripts from {}", folder->string());
  }
  queue_floors_ = std::make_unique<agents::QueueFloors>(*database_, config_.report_time_zone);
  callback_store_ = std::make_unique<callbacks::CallbackStore>(*database_, config_.reserved_callback_grace, PublicUrl(),
                                                               Flow(), queue_floors_.get(), call_scripts_.get());
  callback_service_ = std::make_unique<callbacks::CallbackService>(*callback_store_, tunables::kWatchCallbacksInterval);

  using callbacks::CallbackService;
  CallbackService& handlers = *callback_service_;
  auto service = std::make_unique<rpc::AdmittedService>("satisfaction.v1.CallbackService", *call_gate_);
  service->Unary("FetchDueCallbacks", handlers, &CallbackService::FetchDueCallbacks)
      .AuditedUnary("ReportDisposition", handlers, &CallbackService::ReportDisposition)
      .AuditedUnary("ReportDispositions", handlers, &CallbackService::ReportDispositions)
      .Unary("ExtendCallbackLease", handlers, &CallbackService::ExtendCallbackLease)
      .Unary("ReleaseCallback", handlers, &CallbackService::ReleaseCallback)
      .ServerStream("WatchCallbacks", handlers, &CallbackService::WatchCallbacks);
  Serve(std::move(service));

  callbacks::CallbackStore* callback_store = callback_store_.get();
  maintenance_jobs_.push_back(
      {.name = "expire leases of callbacks and messages",
       .id = "lease_expiry",
       .run =
           [callback_store](absl::Time now) { return callback_store->ExpireLeases(now, tunables::kLeaseExpiryBatch); },
       .batch_size = tunables::kLeaseExpiryBatch});
  return absl::OkStatus();
}

absl::Status SatisfactionServer::WireMessages() {
  if (std::optional<std::filesystem::path> folder = TemplateFolder(config_, "messages")) {
    absl::StatusOr<messages::MessageTemplates> templates = messages::MessageTemplates::Load(*folder);
    if (!templates.ok()) return templates.status();
    message_templates_ = std::make_unique<messages::MessageTemplates>(*std::move(templates));
    spdlog::info("message templates from {}", folder->string());
  }
  outbox_store_ = std::make_unique<messages::OutboxStore>(*database_, message_templates_.get(), PublicUrl(), Flow());
  message_service_ = std::make_unique<messages::MessageService>(*outbox_store_);

  using messages::MessageService;
  MessageService& handlers = *message_service_;
  auto service = std::make_unique<rpc::AdmittedService>("satisfaction.v1.MessageService", *call_gate_);
  service->Unary("FetchOutbox", handlers, &MessageService::FetchOutbox)
      .Unary("ReportDelivery", handlers, &MessageService::ReportDelivery)
      .Unary("ReleaseMessage", handlers, &MessageService::ReleaseMessage)
      .Unary("ReportReply", handlers, &MessageService::ReportReply)
      .Unary("GetMessageSettings", handlers, &MessageService::GetMessageSettings)
      .Unary("UpdateMessageSettings", handlers, &MessageService::UpdateMessageSettings);
  Serve(std::move(service));
  return absl::OkStatus();
}

void SatisfactionServer::WireResponses() {
  response_store_ =
      std::make_unique<responses::ResponseStore>(*database_, *revisit_store_, config_.report_time_zone, Flow());
  response_service_ = std::make_unique<responses::ResponseService>(*response_store_);

  using responses::ResponseService;
  auto service = std::make_unique<rpc::AdmittedService>("satisfaction.v1.ResponseService", *call_gate_);
  service->AsyncUnary("SubmitResponse", *response_service_, &ResponseService::SubmitResponse)
      .Unary("GetResponse", *response_service_, &ResponseService::GetResponse);
  Serve(std::move(service));
}

void SatisfactionServer::WireAnalytics() {
  satisfaction_reports_ = std::make_unique<analytics::SatisfactionReports>(*database_, config_.report_time_zone);
  response_funnel_ = std::make_unique<analytics::ResponseFunnel>(*database_, config_.report_time_zone);
  analytics_service_ =
      std::make_unique<analytics::AnalyticsService>(*database_, *satisfaction_reports_, *response_funnel_);

  using analytics::AnalyticsService;
  AnalyticsService& handlers = *analytics_service_;
  auto service = std::make_unique<rpc::AdmittedService>("satisfaction.v1.AnalyticsService", *call_gate_);
  service->Unary("GetSatisfaction", handlers, &AnalyticsService::GetSatisfaction)
      .Unary("RebuildAggregates", handlers, &AnalyticsService::RebuildAggregates)
      .ServerStream("ExportResponses", handlers, &AnalyticsService::ExportResponses)
      .Unary("GetResponseFunnel", handlers, &AnalyticsService::GetResponseFunnel);
  Serve(std::move(service));
}

// The dashboard's sessions and figures (its pages are served by StartHttp).
void SatisfactionServer::WireDashboard() {
  dashboard_sessions_ = std::make_unique<dashboard::DashboardSessionStore>(*database_);
  dashboard_reports_ =
      std::make_unique<dashboard::DashboardReports>(*analytics_service_, *database_, config_.report_time_zone);
  response_export_ = std::make_unique<analytics::ResponseExport>(*database_);
  dashboard::DashboardSessionStore* sessions = dashboard_sessions_.get();
  maintenance_jobs_.push_back(
      {.name = "delete expired dashboard sessions",
       .id = "dashboard_sessions",
       .run = [sessions](absl::Time now) { return sessions->DeleteExpired(now, tunables::kDashboardSessionBatch); },
       .batch_size = tunables::kDashboardSessionBatch});
}

// Customers, their orders and classification, the do-not-call list, and
// their contact histories.
void SatisfactionServer::WireCustomers() {
  customer_store_ = std::make_unique<customers::CustomerStore>(*database_, Flow());
  do_not_call_store_ = std::make_unique<customers::DoNotCallStore>(*database_, Flow());
  customer_service_ =
      std::make_unique<customers::CustomerService>(*customer_store_, *do_not_call_store_, tunables::kImportBatch);
  contact_history_store_ = std::make_unique<customers::ContactHistoryStore>(*database_);
  contact_history_service_ = std::make_unique<customers::ContactHistoryService>(*contact_history_store_);

  using customers::CustomerService;
  CustomerService& handlers = *customer_service_;
  auto service = std::make_unique<rpc::AdmittedService>("satisfaction.v1.CustomerService", *call_gate_);
  service->Unary("UpsertCustomer", handlers, &CustomerService::UpsertCustomer)
      .Unary("GetCustomer", handlers, &CustomerService::GetCustomer)
      .Unary("ListCustomers", handlers, &CustomerService::ListCustomers)
      .ClientStream("ImportCustomers", handlers, &CustomerService::ImportCustomers)
      .Unary("RecordOrder", handlers, &CustomerService::RecordOrder)
      .Unary("AddDoNotCall", handlers, &CustomerService::AddDoNotCall)
      .Unary("RemoveDoNotCall", handlers, &CustomerService::RemoveDoNotCall)
      .Unary("ListDoNotCall", handlers, &CustomerService::ListDoNotCall)
      .Unary("GetClassificationSettings", handlers, &CustomerService::GetClassificationSettings)
      .Unary("UpdateClassificationSettings", handlers, &CustomerService::UpdateClassificationSettings)
      .Unary("GetContactHistory", *contact_history_service_, &customers::ContactHistoryService::GetContactHistory);
  Serve(std::move(service));

  customers::CustomerStore* customer_store = customer_store_.get();
  maintenance_jobs_.push_back(
      {.name = "reclassify customers",
       .id = "customer_types",
       .run =
           [customer_store](absl::Time now) { return customer_store->ReclassifyDue(now, tunables::kReclassifyBatch); },
       .batch_size = tunables::kReclassifyBatch});
  maintenance_jobs_.push_back({.name = "plan waiting revisits again in changed contact hours",
                               .id = "contact_hours",
                               .run =
                                   [customer_store](absl::Time now) {
                                     return customer_store->ReplanForContactPolicy(now,
                                                                                   tunables::kContactPolicyReplanBatch);
                                   },
                               .batch_size = tunables::kContactPolicyReplanBatch});
}

void SatisfactionServer::WireWorkQueueMetrics() {
  if (!metrics_) return;
  storage::Database* database = database_.get();
  metrics::ServerMetrics* metrics = metrics_.get();
  absl::Duration grace = config_.reserved_callback_grace;
  auto backlogs = [](const std::vector<revisits::WorkQueues::Backlog>& read) {
    std::vector<metrics::ServerMetrics::Backlog> backlogs;
    for (const auto& backlog : read) backlogs.push_back({backlog.name, backlog.due, backlog.oldest_wait});
    return backlogs;
  };
  maintenance_jobs_.push_back(
      {.name = "read the work queues for the metrics",
       .id = "work_queues",
       .run = [database, metrics, grace, backlogs](absl::Time now) -> absl::StatusOr<int> {
         absl::StatusOr<revisits::WorkQueues> queues =
             revisits::ReadWorkQueues(*database, now, grace, grace + tunables::kRecoveryOverdueBeyondGrace);
         if (!queues.ok()) return queues.status();
         metrics->SetWorkQueues(backlogs(queues->callbacks_by_queue), backlogs(queues->outbox_by_channel),
                                queues->reserved_past_grace, queues->recoveries_open, queues->recoveries_overdue, now);
         return 0;
       },
       .routine = true});
}

// Agents of the call floor and how each queue hands out its callbacks.
void SatisfactionServer::WireAgents() {
  agent_store_ = std::make_unique<agents::AgentStore>(*database_, config_.report_time_zone);
  queue_assignment_store_ = std::make_unique<agents::QueueAssignmentStore>(*database_);
  agent_service_ = std::make_unique<agents::AgentService>(*agent_store_, *queue_assignment_store_);

  using agents::AgentService;
  AgentService& handlers = *agent_service_;
  auto service = std::make_unique<rpc::AdmittedService>("satisfaction.v1.AgentService", *call_gate_);
  service->Unary("CreateAgent", handlers, &AgentService::CreateAgent)
      .Unary("UpdateAgent", handlers, &AgentService::UpdateAgent)
      .Unary("GetAgent", handlers, &AgentService::GetAgent)
      .Unary("ListAgents", handlers, &AgentService::ListAgents)
      .Unary("SignIn", handlers, &AgentService::SignIn)
      .Unary("SignOut", handlers, &AgentService::SignOut)
      .Unary("SetAvailability", handlers, &AgentService::SetAvailability)
      .Unary("GetQueueAssignment", handlers, &AgentService::GetQueueAssignment)
      .Unary("UpdateQueueAssignment", handlers, &AgentService::UpdateQueueAssignment)
      .Unary("ListQueueAssignments", handlers, &AgentService::ListQueueAssignments);
  Serve(std::move(service));
}

}  // namespace satisfaction::server
