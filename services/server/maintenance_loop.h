#ifndef SATISFACTION_SERVICES_SERVER_MAINTENANCE_LOOP_H_
#define SATISFACTION_SERVICES_SERVER_MAINTENANCE_LOOP_H_

#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "services/metrics/server_metrics.h"

namespace satisfaction::server {

// Time-driven work (reclassifying customers as time passes, later periodic care
// and lease expiry), run on a thread of its own every interval. Each job must be
// safe to run on every server at once; they take their rows with the
// database's own locks.
class MaintenanceLoop {
 public:
  struct Job {
    std::string name;
    // Short and stable: the job's label in the metrics.
    std::string id;
    // Does one batch at `now`; returns how many items it handled. A full batch
    // (`batch_size` items) is followed at once by another.
    std::function<absl::StatusOr<int>(absl::Time now)> run;
    int batch_size = 500;
    // Routine bookkeeping that runs every round logs what it did at debug
    // level only, so that the log does not fill with it.
    bool routine = false;
  };

  // `metrics` (may be null) hears how long each job's round took and when it
  // last succeeded.
  MaintenanceLoop(std::vector<Job> jobs, absl::Duration interval, metrics::ServerMetrics* metrics = nullptr);
  ~MaintenanceLoop() { Stop(); }
  MaintenanceLoop(const MaintenanceLoop&) = delete;
  MaintenanceLoop& operator=(const MaintenanceLoop&) = delete;

  void Start();
  // Stops after the batch under way, if any.
  void Stop();
  // Runs every job until it has nothing more to do now (also what each round does).
  void RunOnce();

 private:
  std::vector<Job> jobs_;
  absl::Duration interval_;
  metrics::ServerMetrics* const metrics_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace satisfaction::server

#endif  // SATISFACTION_SERVICES_SERVER_MAINTENANCE_LOOP_H_
