#include "services/server/satisfaction_server.h"

#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <limits>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "services/common/unreadable_request.h"
#include "services/questionnaires/template_loader.h"
#include "services/server/grpc_services.h"
#include "services/server/grpc_transport.h"
#include "services/storage/migrations.h"

namespace satisfaction::server {

absl::StatusOr<std::unique_ptr<SatisfactionServer>> SatisfactionServer::Start(const ServerConfig& config,
                                                                              const absl::Notification* stop) {
  std::unique_ptr<SatisfactionServer> server(new SatisfactionServer(config));
  if (absl::Status s = server->Connect(stop); !s.ok()) return s;
  if (absl::Status s = server->SetUpAccess(); !s.ok()) return s;

  server->questionnaire_store_ = std::make_unique<questionnaires::QuestionnaireStore>(*server->database_);
  if (!config.templates_dir.empty()) {
    std::filesystem::path directory = std::filesystem::path(config.templates_dir) / "questionnaires";
    absl::StatusOr<questionnaires::TemplateLoadSummary> loaded =
        questionnaires::LoadQuestionnaireTemplates(directory, *server->questionnaire_store_);
    if (!loaded.ok()) return loaded.status();
    spdlog::info("questionnaire templates from {}: {} created, {} already present", directory.string(), loaded->created,
                 loaded->already_present);
  }
  server->questionnaire_service_ =
      std::make_unique<questionnaires::QuestionnaireService>(*server->questionnaire_store_);
  server->rule_store_ = std::make_unique<revisits::RevisitRuleStore>(*server->database_);
  if (!config.templates_dir.empty()) {
    std::filesystem::path directory = std::filesystem::path(config.templates_dir) / "revisit_rules";
    absl::StatusOr<int> created =
        revisits::LoadRevisitRuleTemplates(directory, *server->rule_store_, *server->questionnaire_store_);
    if (!created.ok()) return created.status();
    spdlog::info("revisit rule templates from {}: {} created", directory.string(), *created);
  }
  server->revisit_store_ = std::make_unique<revisits::RevisitStore>(*server->database_);
  server->policy_service_ = std::make_unique<revisits::RevisitPolicyService>(
      *server->rule_store_, *server->revisit_store_, *server->questionnaire_store_);
  server->revisit_service_ = std::make_unique<revisits::RevisitService>(*server->revisit_store_);
  std::string public_url = config.public_url.empty() ? absl::StrCat("http://", config.http_listen) : config.public_url;
  server->callback_store_ =
      std::make_unique<callbacks::CallbackStore>(*server->database_, config.reserved_callback_grace, public_url);
  server->callback_service_ = std::make_unique<callbacks::CallbackService>(*server->callback_store_, absl::Seconds(1));
  if (!config.templates_dir.empty()) {
    std::filesystem::path directory = std::filesystem::path(config.templates_dir) / "messages";
    absl::StatusOr<messages::MessageTemplates> templates = messages::MessageTemplates::Load(directory);
    if (!templates.ok()) return templates.status();
    server->message_templates_ = std::make_unique<messages::MessageTemplates>(*std::move(templates));
    spdlog::info("message templates from {}", directory.string());
  }
  server->outbox_store_ =
      std::make_unique<messages::OutboxStore>(*server->database_, server->message_templates_.get(), public_url);
  server->message_service_ = std::make_unique<messages::MessageService>(*server->outbox_store_);
  absl::TimeZone report_zone;
  if (!absl::LoadTimeZone(config.report_time_zone, &report_zone)) {
    return absl::InvalidArgumentError(absl::StrCat("unknown report time zone '", config.report_time_zone, "'"));
  }
  server->response_store_ =
      std::make_unique<responses::ResponseStore>(*server->database_, *server->revisit_store_, report_zone);
  server->response_service_ = std::make_unique<responses::ResponseService>(*server->response_store_);
  server->satisfaction_reports_ =
      std::make_unique<analytics::SatisfactionReports>(*server->database_, config.report_time_zone);
  server->response_funnel_ =
      std::make_unique<analytics::ResponseFunnel>(*server->database_, report_zone, config.report_time_zone);
  server->analytics_service_ = std::make_unique<analytics::AnalyticsService>(
      *server->database_, *server->satisfaction_reports_, *server->response_funnel_);
  server->customer_store_ = std::make_unique<customers::CustomerStore>(*server->database_);
  server->do_not_call_store_ = std::make_unique<customers::DoNotCallStore>(*server->database_);
  server->customer_service_ =
      std::make_unique<customers::CustomerService>(*server->customer_store_, *server->do_not_call_store_);
  if (absl::Status s = server->BuildGrpcServer(); !s.ok()) return s;

  std::vector<std::string> service_names;
  for (const std::unique_ptr<rpc::AdmittedService>& service : server->grpc_services_) {
    service_names.push_back(service->full_name());
  }
  server->health_monitor_ = std::make_unique<HealthMonitor>(
      *server->database_, server->grpc_server_->GetHealthCheckService(), service_names, config.health_interval);
  server->health_monitor_->Start();

  customers::CustomerStore* customer_store = server->customer_store_.get();
  revisits::RevisitStore* revisit_store = server->revisit_store_.get();
  callbacks::CallbackStore* callback_store = server->callback_store_.get();
  std::vector<MaintenanceLoop::Job> jobs{
      {.name = "reclassify customers",
       .run = [customer_store](absl::Time now) { return customer_store->ReclassifyDue(now, 500); },
       .batch_size = 500},
      {.name = "plan periodic care",
       .run = [revisit_store](absl::Time now) { return revisit_store->PlanPeriodicCare(now, 200); },
       .batch_size = 200},
      {.name = "plan waiting revisits again in changed contact hours",
       .run = [customer_store](absl::Time now) { return customer_store->ReplanForContactPolicy(now, 500); },
       .batch_size = 500},
      {.name = "expire leases of callbacks and messages",
       .run = [callback_store](absl::Time now) { return callback_store->ExpireLeases(now, 500); },
       .batch_size = 500}};
  access::KeyAuthenticator* authenticator = server->key_authenticator_.get();
  jobs.push_back({.name = "write down when API keys were last used",
                  .run = [authenticator](absl::Time) { return authenticator->WriteDownLastUse(); },
                  .batch_size = std::numeric_limits<int>::max(),
                  .routine = true});
  if (config.audit_retention > absl::ZeroDuration()) {
    access::AuditLog* audit_log = server->audit_log_.get();
    absl::Duration retention = config.audit_retention;
    jobs.push_back(
        {.name = "delete audit events past --audit-retention",
         .run = [audit_log, retention](absl::Time now) { return audit_log->DeleteOlderThan(now - retention, 1000); },
         .batch_size = 1000});
  }
  server->maintenance_ = std::make_unique<MaintenanceLoop>(std::move(jobs), config.maintenance_interval);
  server->maintenance_->Start();

  if (!config.http_listen.empty()) {
    HealthMonitor* monitor = server->health_monitor_.get();
    if (!config.templates_dir.empty()) {
      std::filesystem::path directory = std::filesystem::path(config.templates_dir) / "web";
      absl::StatusOr<std::unique_ptr<http::SurveySite>> site = http::SurveySite::Create(
          directory, *server->response_store_, *server->questionnaire_store_,
          {.rate_limit = {.per_minute = config.http_rate_limit, .burst = std::max(1, config.http_rate_limit / 3)}});
      if (!site.ok()) return site.status();
      server->survey_site_ = *std::move(site);
    }
    http::Routes routes;
    if (server->survey_site_) server->survey_site_->Register(routes);
    absl::StatusOr<std::unique_ptr<http::HttpServer>> http =
        http::HttpServer::Start(config.http_listen, [monitor] { return monitor->serving(); }, std::move(routes),
                                {.workers = config.http_workers,
                                 .max_connections = config.http_max_connections,
                                 .connections_per_address = config.http_connections_per_address,
                                 .request_timeout = config.http_request_timeout,
                                 .idle_timeout = config.http_idle_timeout});
    if (!http.ok()) return http.status();
    server->http_ = *std::move(http);
  }
  return server;
}

// Opens the pool and migrates, retrying while the database is unreachable: in a
// fresh deployment the database often starts at the same time as the server.
absl::Status SatisfactionServer::Connect(const absl::Notification* stop) {
  storage::DatabaseOptions options{
      .url = config_.db_url, .pool_size = static_cast<size_t>(config_.db_pool_size), .lease_timeout = config_.db_wait};
  absl::Time give_up = absl::Now() + config_.db_startup_wait;
  absl::Duration pause = absl::Milliseconds(200);
  while (true) {
    absl::StatusOr<std::unique_ptr<storage::Database>> database = storage::Database::Connect(options);
    absl::Status status = database.status();
    if (database.ok()) {
      absl::StatusOr<int> version = storage::ApplyMigrations(**database, storage::SchemaMigrations());
      if (version.ok()) {
        spdlog::info("database {} at schema version {}", (*database)->redacted_url(), *version);
        database_ = *std::move(database);
        return absl::OkStatus();
      }
      status = version.status();
    }
    bool retryable = status.code() == absl::StatusCode::kUnavailable || status.code() == absl::StatusCode::kAborted;
    if (!retryable || absl::Now() + pause > give_up) return status;
    spdlog::warn("database not ready, retrying: {}", status.ToString());
    if (stop != nullptr ? stop->WaitForNotificationWithTimeout(pause) : (absl::SleepFor(pause), false)) {
      return absl::CancelledError("stopped while waiting for the database");
    }
    pause = std::min(pause * 2, absl::Seconds(5));
  }
}

// Creates the first admin key from SATISFACTION_BOOTSTRAP_ADMIN_KEY, and the
// pieces every call goes through: the key checks and the audit log.
absl::Status SatisfactionServer::SetUpAccess() {
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
  access_service_ = std::make_unique<access::AccessService>(*api_key_store_, *key_authenticator_, *audit_log_);
  return absl::OkStatus();
}

absl::Status SatisfactionServer::BuildGrpcServer() {
  grpc::EnableDefaultHealthCheckService(true);
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials = GrpcCredentials(config_);
  if (!credentials.ok()) return credentials.status();

  grpc::ServerBuilder builder;
  builder.SetOption(ReflectionOption(config_.reflection));
  builder.AddListeningPort(config_.grpc_listen, *credentials, &grpc_port_);
  builder.SetMaxReceiveMessageSize(config_.max_message_bytes);
  builder.SetMaxSendMessageSize(config_.max_message_bytes);
  // The sync server runs each call on a thread of its own and refuses a call
  // at once (RESOURCE_EXHAUSTED, "Server Threadpool Exhausted") when it has
  // no thread for it. Calls beyond the pool's sessions wait up to --db-wait
  // for one, so the threads must be enough for every client's call in flight
  // and the pollers: twice the pool plus a few refused 64 concurrent web
  // clients. The bound only stops runaway thread creation.
  grpc::ResourceQuota quota("satisfaction-server");
  quota.SetMaxThreads(std::max(1024, config_.db_pool_size * 8));
  builder.SetResourceQuota(quota);
  // Keep enough polling threads alive: by default gRPC starts and ends threads
  // as load changes, and on this kind of machine thread creation per call costs
  // more than the call.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::NUM_CQS, 2);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS,
                              std::max(2, config_.db_pool_size / 2));
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, config_.db_pool_size);
  InstallProtobufLogHandler();
  // Every service goes through the gate: admission, audit, status, call log.
  call_gate_ = std::make_unique<rpc::CallGate>(*key_authenticator_, *audit_log_);
  grpc_services_.push_back(AccessGrpcService(*access_service_, *call_gate_));
  grpc_services_.push_back(QuestionnaireGrpcService(*questionnaire_service_, *call_gate_));
  grpc_services_.push_back(CustomerGrpcService(*customer_service_, *call_gate_));
  grpc_services_.push_back(RevisitPolicyGrpcService(*policy_service_, *call_gate_));
  grpc_services_.push_back(RevisitGrpcService(*revisit_service_, *call_gate_));
  grpc_services_.push_back(CallbackGrpcService(*callback_service_, *call_gate_));
  grpc_services_.push_back(MessageGrpcService(*message_service_, *call_gate_));
  grpc_services_.push_back(ResponseGrpcService(*response_service_, *call_gate_));
  grpc_services_.push_back(AnalyticsGrpcService(*analytics_service_, *call_gate_));
  for (const std::unique_ptr<rpc::AdmittedService>& service : grpc_services_) {
    if (std::vector<std::string> unbound = service->UnboundMethods(); !unbound.empty()) {
      return absl::InternalError(absl::StrCat("no handler for ", absl::StrJoin(unbound, ", ")));
    }
    builder.RegisterService(service.get());
  }

  grpc_server_ = builder.BuildAndStart();
  if (!grpc_server_ || grpc_port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen for gRPC on ", config_.grpc_listen));
  }
  return absl::OkStatus();
}

std::vector<std::string> SatisfactionServer::AdmittedMethods() const {
  std::vector<std::string> methods;
  for (const std::unique_ptr<rpc::AdmittedService>& service : grpc_services_) {
    for (const std::string& path : service->BoundMethods()) methods.push_back(path);
  }
  return methods;
}

void SatisfactionServer::Shutdown(absl::Duration grace) {
  if (shut_down_) return;
  shut_down_ = true;
  absl::Time deadline = absl::Now() + grace;     // one grace for both faces
  if (health_monitor_) health_monitor_->Stop();  // NOT_SERVING first, so balancers drain us
  if (maintenance_) maintenance_->Stop();
  spdlog::debug("health is NOT_SERVING");
  if (http_) http_->Stop(deadline - absl::Now());
  spdlog::debug("HTTP stopped");
  if (grpc_server_) {
    grpc_server_->Shutdown(absl::ToChronoTime(deadline));
    spdlog::debug("gRPC calls finished");
    grpc_server_->Wait();
  }
  // What the last maintenance round missed; a failure only loses those times.
  if (key_authenticator_) key_authenticator_->WriteDownLastUse().status().IgnoreError();
  audit_log_.reset();  // commits what calls left queued
  database_.reset();
  spdlog::info("server stopped");
}

SatisfactionServer::~SatisfactionServer() { Shutdown(absl::ZeroDuration()); }

}  // namespace satisfaction::server
