#ifndef SATISFACTION_SERVICES_SERVER_SATISFACTION_SERVER_H_
#define SATISFACTION_SERVICES_SERVER_SATISFACTION_SERVER_H_

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>

#include <memory>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "services/access/access_service.h"
#include "services/access/api_key_store.h"
#include "services/access/audit_log.h"
#include "services/access/key_authenticator.h"
#include "services/agents/agent_service.h"
#include "services/agents/agent_store.h"
#include "services/agents/queue_assignment_store.h"
#include "services/agents/queue_floor.h"
#include "services/analytics/analytics_service.h"
#include "services/callbacks/callback_service.h"
#include "services/customers/contact_history_service.h"
#include "services/customers/contact_history_store.h"
#include "services/customers/customer_service.h"
#include "services/customers/customer_store.h"
#include "services/dashboard/dashboard_report.h"
#include "services/dashboard/dashboard_sessions.h"
#include "services/dashboard/dashboard_site.h"
#include "services/http/http_server.h"
#include "services/http/survey_site.h"
#include "services/messages/message_service.h"
#include "services/messages/message_templates.h"
#include "services/messages/outbox_store.h"
#include "services/metrics/metrics_endpoint.h"
#include "services/metrics/server_metrics.h"
#include "services/questionnaires/questionnaire_service.h"
#include "services/questionnaires/questionnaire_store.h"
#include "services/responses/response_service.h"
#include "services/responses/response_store.h"
#include "services/revisits/revisit_policy_service.h"
#include "services/revisits/revisit_rule_store.h"
#include "services/revisits/revisit_service.h"
#include "services/revisits/revisit_store.h"
#include "services/rpc/admitted_service.h"
#include "services/rpc/call_gate.h"
#include "services/server/grpc_io_poller.h"
#include "services/server/health_monitor.h"
#include "services/server/maintenance_loop.h"
#include "services/server/server_config.h"
#include "services/storage/database.h"

namespace satisfaction::server {

// The whole service in one process: database pool, migrations, templates, API
// keys and the audit log, the gRPC services with health and reflection, and
// the HTTP face. This is the composition root, the only place that knows
// every piece: one wiring function per area builds its stores and handlers,
// binds them to gRPC through the CallGate and adds its maintenance jobs.
// main() and the end-to-end tests both start it.
class SatisfactionServer {
 public:
  // Connects (waiting up to config.db_startup_wait for the database, or until
  // `stop` is notified), migrates, loads templates and starts listening.
  static absl::StatusOr<std::unique_ptr<SatisfactionServer>> Start(const ServerConfig& config,
                                                                   const absl::Notification* stop = nullptr);
  ~SatisfactionServer();
  SatisfactionServer(const SatisfactionServer&) = delete;
  SatisfactionServer& operator=(const SatisfactionServer&) = delete;

  int grpc_port() const { return grpc_port_; }
  int http_port() const { return http_ ? http_->port() : 0; }
  int metrics_port() const { return metrics_endpoint_ ? metrics_endpoint_->port() : 0; }
  // The paths of the methods served, each through the CallGate.
  std::vector<std::string> AdmittedMethods() const;

  // Stops taking new calls, lets calls in flight finish within `grace` (then
  // cancels them), and closes the database pool. Safe to call more than once.
  void Shutdown(absl::Duration grace);

 private:
  explicit SatisfactionServer(const ServerConfig& config) : config_(config) {}
  // Serves /metrics first, so that a server still waiting for its database
  // already says so.
  absl::Status StartMetrics();
  absl::Status Connect(const absl::Notification* stop);

  // The areas, in the order they depend on each other (area_wiring.cc).
  absl::Status WireAccess();
  absl::Status WireQuestionnaires();
  void WireCustomers();
  absl::Status WireRevisits();
  absl::Status WireCallbacks();
  absl::Status WireMessages();
  void WireResponses();
  void WireAnalytics();
  void WireDashboard();
  void WireAgents();
  // With metrics on: a maintenance job that reads the work waiting for them.
  void WireWorkQueueMetrics();
  // Where survey links point customers.
  std::string PublicUrl() const;
  // What the stores tell of the work they commit; null without metrics.
  FlowObserver* Flow() const { return metrics_ ? metrics_->flow() : nullptr; }
  // Adds a service whose handlers the gate admits, once all are bound.
  void Serve(std::unique_ptr<rpc::AdmittedService> service);

  absl::Status BuildGrpcServer();
  void StartHealthAndMaintenance();
  absl::Status StartHttp();
  // What the HTTP face tells the metrics of each answer; null without metrics.
  std::function<void(const std::string&, int, absl::Duration)> HttpMetricsHook() const;

  const ServerConfig config_;
  // Null when --metrics-listen is empty: then nothing is counted.
  std::unique_ptr<metrics::ServerMetrics> metrics_;
  std::unique_ptr<metrics::MetricsEndpoint> metrics_endpoint_;
  std::unique_ptr<storage::Database> database_;
  std::unique_ptr<access::ApiKeyStore> api_key_store_;
  std::unique_ptr<access::KeyAuthenticator> key_authenticator_;
  std::unique_ptr<access::AuditLog> audit_log_;
  std::unique_ptr<rpc::CallGate> call_gate_;
  // The services gRPC serves, outliving the server that calls them.
  std::vector<std::unique_ptr<rpc::AdmittedService>> grpc_services_;
  // What the areas ask the maintenance loop to run.
  std::vector<MaintenanceLoop::Job> maintenance_jobs_;
  std::unique_ptr<access::AccessService> access_service_;
  std::unique_ptr<questionnaires::QuestionnaireStore> questionnaire_store_;
  std::unique_ptr<questionnaires::QuestionnaireService> questionnaire_service_;
  std::unique_ptr<customers::CustomerStore> customer_store_;
  std::unique_ptr<customers::DoNotCallStore> do_not_call_store_;
  std::unique_ptr<customers::CustomerService> customer_service_;
  std::unique_ptr<customers::ContactHistoryStore> contact_history_store_;
  std::unique_ptr<customers::ContactHistoryService> contact_history_service_;
  std::unique_ptr<revisits::RevisitRuleStore> rule_store_;
  std::unique_ptr<revisits::RevisitPolicyService> policy_service_;
  std::unique_ptr<revisits::RevisitStore> revisit_store_;
  std::unique_ptr<revisits::RevisitService> revisit_service_;
  // Null without templates.
  std::unique_ptr<callbacks::CallScripts> call_scripts_;
  // The call floor as agents' fetches weigh it (see CallbackStore::Fetch).
  std::unique_ptr<agents::QueueFloors> queue_floors_;
  std::unique_ptr<callbacks::CallbackStore> callback_store_;
  std::unique_ptr<callbacks::CallbackService> callback_service_;
  std::unique_ptr<messages::MessageTemplates> message_templates_;
  std::unique_ptr<messages::OutboxStore> outbox_store_;
  std::unique_ptr<messages::MessageService> message_service_;
  std::unique_ptr<responses::ResponseStore> response_store_;
  std::unique_ptr<responses::ResponseService> response_service_;
  std::unique_ptr<analytics::SatisfactionReports> satisfaction_reports_;
  std::unique_ptr<analytics::ResponseFunnel> response_funnel_;
  std::unique_ptr<analytics::AnalyticsService> analytics_service_;
  std::unique_ptr<agents::AgentStore> agent_store_;
  std::unique_ptr<agents::QueueAssignmentStore> queue_assignment_store_;
  std::unique_ptr<agents::AgentService> agent_service_;
  // What gRPC listens with (TLS or plain text), read before anything starts.
  std::shared_ptr<grpc::ServerCredentials> grpc_credentials_;
  // Declared before the server, so that it outlives it.
  std::unique_ptr<GrpcIoPoller> grpc_io_poller_;
  std::unique_ptr<grpc::Server> grpc_server_;
  std::unique_ptr<HealthMonitor> health_monitor_;
  std::unique_ptr<MaintenanceLoop> maintenance_;
  std::unique_ptr<http::SurveySite> survey_site_;
  std::unique_ptr<dashboard::DashboardSessionStore> dashboard_sessions_;
  std::unique_ptr<dashboard::DashboardReports> dashboard_reports_;
  std::unique_ptr<analytics::ResponseExport> response_export_;
  std::unique_ptr<dashboard::DashboardSite> dashboard_site_;
  std::unique_ptr<http::HttpServer> http_;
  int grpc_port_ = 0;
  bool shut_down_ = false;
};

}  // namespace satisfaction::server

#endif  // SATISFACTION_SERVICES_SERVER_SATISFACTION_SERVER_H_
