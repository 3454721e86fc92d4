#include "services/server/maintenance_loop.h"

#include <spdlog/spdlog.h>

#include "absl/time/clock.h"

namespace satisfaction::server {

MaintenanceLoop::MaintenanceLoop(std::vector<Job> jobs, absl::Duration interval, metrics::ServerMetrics* metrics)
    : jobs_(std::move(jobs)), interval_(interval), metrics_(metrics) {
  if (metrics_ == nullptr) return;
  for (const Job& job : jobs_) metrics_->SetJobInterval(job.id, interval_);
}

void MaintenanceLoop::Start() {
  thread_ = std::thread([this] {
    while (!stop_.WaitForNotificationWithTimeout(interval_)) RunOnce();
  });
}

void MaintenanceLoop::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

void MaintenanceLoop::RunOnce() {
  for (const Job& job : jobs_) {
    int total = 0;
    absl::Time start = absl::Now();
    bool succeeded = true;
    while (!stop_.HasBeenNotified()) {
      absl::StatusOr<int> done = job.run(absl::Now());
      if (!done.ok()) {
        spdlog::warn("maintenance job {} failed, will retry next round: {}", job.name, done.status().ToString());
        succeeded = false;
        break;
      }
      total += *done;
      if (*done < job.batch_size) break;
    }
    if (metrics_ != nullptr) {
      absl::Time end = absl::Now();
      metrics_->JobFinished(job.id, end - start, succeeded, end);
    }
    if (total > 0) {
      spdlog::log(job.routine ? spdlog::level::debug : spdlog::level::info, "maintenance job {}: {} done", job.name,
                  total);
    }
  }
}

}  // namespace satisfaction::server
