#include "services/server/satisfaction_server.h"

#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <limits>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "services/common/unreadable_request.h"
#include "services/server/grpc_io_poller.h"
#include "services/server/grpc_transport.h"
#include "services/server/tunables.h"
#include "services/server/version.h"
#include "services/storage/migrations.h"

namespace satisfaction::server {

absl::StatusOr<std::unique_ptr<SatisfactionServer>> SatisfactionServer::Start(const ServerConfig& config,
                                                                              const absl::Notification* stop) {
  std::unique_ptr<SatisfactionServer> server(new SatisfactionServer(config));
  // An operator reading why a start failed learns which part failed; a
  // mistake in the configuration already starts with the flag to mend.
  auto step = [](absl::string_view part, const absl::Status& status) {
    if (status.code() == absl::StatusCode::kInvalidArgument) return status;
    return absl::Status(status.code(), absl::StrCat(part, ": ", status.message()));
  };
  // The certificate files first: a mistake there is told before any port is
  // opened or the database is waited for.
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials = GrpcCredentials(config);
  if (!credentials.ok()) return step("gRPC", credentials.status());
  server->grpc_credentials_ = *std::move(credentials);
  if (absl::Status s = server->StartMetrics(); !s.ok()) return step("metrics", s);
  if (absl::Status s = server->Connect(stop); !s.ok()) return step("database", s);
  if (absl::Status s = server->WireAccess(); !s.ok()) return step("access", s);
  if (absl::Status s = server->WireQuestionnaires(); !s.ok()) return step("questionnaires", s);
  // Customers before revisits: a round of maintenance reclassifies customers
  // before it plans their periodic care.
  server->WireCustomers();
  if (absl::Status s = server->WireRevisits(); !s.ok()) return step("revisits", s);
  if (absl::Status s = server->WireCallbacks(); !s.ok()) return step("callbacks", s);
  if (absl::Status s = server->WireMessages(); !s.ok()) return step("messages", s);
  server->WireResponses();
  server->WireAnalytics();
  server->WireDashboard();
  server->WireAgents();
  server->WireWorkQueueMetrics();
  if (absl::Status s = server->BuildGrpcServer(); !s.ok()) return step("gRPC", s);
  server->StartHealthAndMaintenance();
  if (absl::Status s = server->StartHttp(); !s.ok()) return step("HTTP", s);
  return server;
}

absl::Status SatisfactionServer::StartMetrics() {
  if (config_.metrics_listen.empty()) return absl::OkStatus();
  metrics_ = std::make_unique<metrics::ServerMetrics>(kServerVersion);
  metrics_->SetPoolSize(static_cast<size_t>(config_.db_pool_size));
  absl::StatusOr<std::unique_ptr<metrics::MetricsEndpoint>> endpoint =
      metrics::MetricsEndpoint::Start(config_.metrics_listen, metrics_->registry());
  if (!endpoint.ok()) return endpoint.status();
  metrics_endpoint_ = *std::move(endpoint);
  return absl::OkStatus();
}

// Opens the pool and migrates, retrying while the database is unreachable: in a
// fresh deployment the database often starts at the same time as the server.
absl::Status SatisfactionServer::Connect(const absl::Notification* stop) {
  storage::DatabaseOptions options{
      .url = config_.db_url,
      .pool_size = static_cast<size_t>(config_.db_pool_size),
      .lease_timeout = config_.db_wait,
      .observer = metrics_.get()};
  absl::Time give_up = absl::Now() + config_.db_startup_wait;
  absl::Duration pause = tunables::kStartupRetryFirstPause;
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
    pause = std::min(pause * 2, tunables::kStartupRetryLongestPause);
  }
}

absl::Status SatisfactionServer::BuildGrpcServer() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  builder.SetOption(ReflectionOption(config_.reflection));
  builder.AddListeningPort(config_.grpc_listen, grpc_credentials_, &grpc_port_);
  builder.SetMaxReceiveMessageSize(config_.max_message_bytes);
  builder.SetMaxSendMessageSize(config_.max_message_bytes);
  // The sync server runs each call on a thread of its own and refuses a call
  // at once (RESOURCE_EXHAUSTED, "Server Threadpool Exhausted") when it has
  // no thread for it. Calls beyond the pool's sessions wait up to --db-wait
  // for one, so the threads must be enough for every client's call in flight
  // and the pollers: twice the pool plus a few refused 64 concurrent web
  // clients. The bound only stops runaway thread creation.
  grpc::ResourceQuota quota("satisfaction-server");
  quota.SetMaxThreads(std::max(tunables::kMinGrpcThreads, config_.db_pool_size * tunables::kGrpcThreadsPerSession));
  builder.SetResourceQuota(quota);
  // Keep enough polling threads alive: by default gRPC starts and ends threads
  // as load changes, and on this kind of machine thread creation per call costs
  // more than the call.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::NUM_CQS, 2);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS,
                              std::max(2, config_.db_pool_size / 2));
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, config_.db_pool_size);
  // Sync and callback methods together: the sync threads do not read the
  // sockets, so one thread must always poll them (see GrpcIoPoller).
  grpc_io_poller_ = std::make_unique<GrpcIoPoller>(builder);
  InstallProtobufLogHandler();
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

void SatisfactionServer::StartHealthAndMaintenance() {
  std::vector<std::string> service_names;
  for (const std::unique_ptr<rpc::AdmittedService>& service : grpc_services_) {
    service_names.push_back(service->full_name());
  }
  health_monitor_ = std::make_unique<HealthMonitor>(*database_, grpc_server_->GetHealthCheckService(), service_names,
                                                    config_.health_interval, metrics_.get());
  health_monitor_->Start();
  maintenance_ = std::make_unique<MaintenanceLoop>(std::move(maintenance_jobs_), config_.maintenance_interval,
                                                   metrics_.get());
  maintenance_->Start();
}

absl::Status SatisfactionServer::StartHttp() {
  if (config_.http_listen.empty()) return absl::OkStatus();
  if (!config_.templates_dir.empty()) {
    std::filesystem::path directory = std::filesystem::path(config_.templates_dir) / "web";
    absl::StatusOr<std::unique_ptr<http::SurveySite>> site = http::SurveySite::Create(
        directory, *response_store_, *questionnaire_store_,
        {.rate_limit = {.per_minute = config_.http_rate_limit,
                        .burst = std::max(1, config_.http_rate_limit / tunables::kHttpBurstDivisor)}});
    if (!site.ok()) return site.status();
    survey_site_ = *std::move(site);
  }
  if (!config_.templates_dir.empty()) {
    absl::StatusOr<std::unique_ptr<dashboard::DashboardSite>> site =
        dashboard::DashboardSite::Create(std::filesystem::path(config_.templates_dir) / "web",
                                         {.sessions = *dashboard_sessions_,
                                          .keys = *api_key_store_,
                                          .authenticator = *key_authenticator_,
                                          .audit_log = *audit_log_,
                                          .questionnaires = *questionnaire_store_,
                                          .reports = *dashboard_reports_,
                                          .export_responses = *response_export_},
                                         {.secure = absl::StartsWith(config_.public_url, "https://"),
                                          .session_lifetime = config_.dashboard_session_lifetime,
                                          .zone = config_.report_time_zone});
    if (!site.ok()) return site.status();
    dashboard_site_ = *std::move(site);
  }
  http::Routes routes;
  if (survey_site_) survey_site_->Register(routes);
  if (dashboard_site_) dashboard_site_->Register(routes);
  HealthMonitor* monitor = health_monitor_.get();
  absl::StatusOr<std::unique_ptr<http::HttpServer>> http =
      http::HttpServer::Start(config_.http_listen, [monitor] { return monitor->serving(); }, std::move(routes),
                              {.workers = config_.http_workers,
                               .max_connections = config_.http_max_connections,
                               .connections_per_address = config_.http_connections_per_address,
                               .request_timeout = config_.http_request_timeout,
                               .idle_timeout = config_.http_idle_timeout,
                               .on_answer = HttpMetricsHook()});
  if (!http.ok()) return http.status();
  http_ = *std::move(http);
  return absl::OkStatus();
}

std::function<void(const std::string&, int, absl::Duration)> SatisfactionServer::HttpMetricsHook() const {
  if (!metrics_) return nullptr;
  metrics::ServerMetrics* metrics = metrics_.get();
  return [metrics](const std::string& route, int status, absl::Duration took) {
    metrics->HttpAnswered(route, status, took);
  };
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
  if (grpc_io_poller_) grpc_io_poller_->Stop();  // after the server, as gRPC requires
  // What the last maintenance round missed; a failure only loses those times.
  if (key_authenticator_) key_authenticator_->WriteDownLastUse().status().IgnoreError();
  audit_log_.reset();  // commits what calls left queued
  database_.reset();
  metrics_endpoint_.reset();  // last: a scrape during shutdown still answers
  spdlog::info("server stopped");
}

SatisfactionServer::~SatisfactionServer() { Shutdown(absl::ZeroDuration()); }

}  // namespace satisfaction::server
