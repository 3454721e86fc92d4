#include "services/server/health_monitor.h"

#include <spdlog/spdlog.h>

namespace satisfaction::server {

HealthMonitor::HealthMonitor(storage::Database& database, grpc::HealthCheckServiceInterface* health,
                             std::vector<std::string> service_names, absl::Duration interval,
                             metrics::ServerMetrics* metrics)
    : database_(database),
      health_(health),
      service_names_(std::move(service_names)),
      interval_(interval),
      metrics_(metrics) {}

HealthMonitor::~HealthMonitor() { Stop(); }

void HealthMonitor::Start() {
  CheckOnce();
  thread_ = std::thread([this] {
    while (!stop_.WaitForNotificationWithTimeout(interval_)) CheckOnce();
  });
}

void HealthMonitor::Stop() {
  if (stop_.HasBeenNotified()) return;
  stop_.Notify();
  if (thread_.joinable()) thread_.join();
  serving_ = false;
  if (health_ != nullptr) health_->Shutdown();
}

void HealthMonitor::CheckOnce() {
  absl::Status status = database_.Ping();
  bool serving = status.ok();
  if (metrics_ != nullptr) metrics_->DatabaseUp(serving);
  if (!reported_once_ || serving != serving_.load()) {
    if (serving) {
      spdlog::info("database {} answers: SERVING", database_.redacted_url());
    } else {
      spdlog::error("database {} does not answer: NOT_SERVING ({})", database_.redacted_url(), status.ToString());
    }
  }
  reported_once_ = true;
  Report(serving);
}

void HealthMonitor::Report(bool serving) {
  serving_ = serving;
  if (health_ == nullptr) return;
  health_->SetServingStatus(serving);  // the overall status, service name ""
  for (const std::string& name : service_names_) health_->SetServingStatus(name, serving);
}

}  // namespace satisfaction::server
