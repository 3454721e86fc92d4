#ifndef SATISFACTION_SERVICES_SERVER_HEALTH_MONITOR_H_
#define SATISFACTION_SERVICES_SERVER_HEALTH_MONITOR_H_

#include <grpcpp/health_check_service_interface.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "services/metrics/server_metrics.h"
#include "services/storage/database.h"

namespace satisfaction::server {

// Watches the database and reports through gRPC's standard health service:
// SERVING while the database answers, NOT_SERVING while it does not. Its pings
// also reconnect the pool, so the server recovers without a restart.
class HealthMonitor {
 public:
  // `health` may be null (no gRPC health service, e.g. in tests of the HTTP
  // face); so may `metrics`, which is told whether the database may serve.
  HealthMonitor(storage::Database& database, grpc::HealthCheckServiceInterface* health,
                std::vector<std::string> service_names, absl::Duration interval,
                metrics::ServerMetrics* metrics = nullptr);
  ~HealthMonitor();
  HealthMonitor(const HealthMonitor&) = delete;
  HealthMonitor& operator=(const HealthMonitor&) = delete;

  // Checks once, then keeps checking every interval on a thread of its own.
  void Start();
  // Stops checking and reports NOT_SERVING, so load balancers drain the server.
  void Stop();
  bool serving() const { return serving_.load(); }

 private:
  void CheckOnce();
  void Report(bool serving);

  storage::Database& database_;
  grpc::HealthCheckServiceInterface* health_;
  const std::vector<std::string> service_names_;
  const absl::Duration interval_;
  metrics::ServerMetrics* const metrics_;
  std::atomic<bool> serving_{false};
  bool reported_once_ = false;  // only the monitor's thread touches it after Start
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace satisfaction::server

#endif  // SATISFACTION_SERVICES_SERVER_HEALTH_MONITOR_H_
