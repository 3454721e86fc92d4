#ifndef SATISFACTION_SERVICES_METRICS_SERVER_METRICS_H_
#define SATISFACTION_SERVICES_METRICS_SERVER_METRICS_H_

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <atomic>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/metrics/flow_metrics.h"
#include "services/storage/database_observer.h"

namespace satisfaction::metrics {

// The series of one gRPC method, made when the method is bound: counting a
// call then touches only its own series, with no label lookup and no lock
// on the families. Thread-safe.
class MethodSeries {
 public:
  MethodSeries(prometheus::Family<prometheus::Counter>& calls, prometheus::Gauge& in_flight,
               prometheus::Histogram& duration, std::string method);

  void CallStarted() { in_flight_.Increment(); }
  // `code`: the gRPC status code the client was sent.
  void CallEnded(int code, absl::Duration took);

 private:
  // The codes' series, each added to the family at its first call.
  static constexpr int kCodes = 17;
  prometheus::Family<prometheus::Counter>& calls_;
  prometheus::Gauge& in_flight_;
  prometheus::Histogram& duration_;
  const std::string method_;
  std::array<std::atomic<prometheus::Counter*>, kCodes> by_code_{};
};

// The server's Prometheus metrics (README, "Metrics"): one registry per
// server, and what the parts of the server report to it. Label values come
// from bounded sets only (method paths, route patterns, status codes, roles,
// job ids, writer names), never from what a client sent. Thread-safe.
class ServerMetrics final : public storage::DatabaseObserver {
 public:
  // `version` labels satisfaction_build_info.
  explicit ServerMetrics(absl::string_view version);

  const std::shared_ptr<prometheus::Registry>& registry() const { return registry_; }
  // What the stores tell of the work they committed.
  FlowObserver* flow() { return &flow_; }

  // The series of gRPC calls to `method`, from admission to answer; made
  // once per method and kept as long as these metrics.
  MethodSeries* ForMethod(const std::string& method);
  // A call refused for going over its key's rate limit.
  void RateLimited(absl::string_view role);

  // HTTP requests, by route pattern ("other" for none) and status.
  void HttpAnswered(const std::string& route, int status, absl::Duration took);

  // Whether the database may serve, as the health check last found it.
  void DatabaseUp(bool up);
  void SetPoolSize(size_t sessions);

  // The work waiting (see revisits::WorkQueues), read at `read_at`: callbacks
  // due by queue, messages due by channel, each with its longest wait.
  struct Backlog {
    std::string name;
    long long due = 0;
    absl::Duration oldest_wait;
  };
  void SetWorkQueues(const std::vector<Backlog>& callbacks, const std::vector<Backlog>& outbox,
                     long long reserved_past_grace, long long recoveries_open, long long recoveries_overdue,
                     absl::Time read_at);

  // Maintenance jobs by id: a run's duration and, when it succeeded, its end.
  void JobFinished(const std::string& job, absl::Duration took, bool succeeded, absl::Time end);
  void SetJobInterval(const std::string& job, absl::Duration interval);

  // storage::DatabaseObserver.
  void SessionLent(absl::Duration waited) override;
  void SessionReturned() override;
  void SessionRefused() override;
  void TransactionRetried(const absl::Status& conflict) override;
  void BatchCommitted(const char* writer, size_t batch, size_t waiting) override;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& grpc_calls_;
  prometheus::Family<prometheus::Histogram>& grpc_call_duration_;
  prometheus::Family<prometheus::Gauge>& grpc_calls_in_flight_;
  prometheus::Family<prometheus::Counter>& rate_limited_;
  prometheus::Family<prometheus::Counter>& http_requests_;
  prometheus::Family<prometheus::Histogram>& http_request_duration_;
  prometheus::Gauge& database_up_;
  prometheus::Gauge& sessions_;
  prometheus::Gauge& sessions_in_use_;
  prometheus::Counter& session_waits_;
  prometheus::Histogram& session_wait_seconds_;
  prometheus::Counter& sessions_exhausted_;
  prometheus::Family<prometheus::Counter>& transaction_retries_;
  prometheus::Family<prometheus::Histogram>& batch_size_;
  prometheus::Family<prometheus::Gauge>& queue_depth_;
  // The work queues' gauges, and the queues and channels they were last set for.
  absl::Mutex work_queues_mutex_;
  prometheus::Family<prometheus::Gauge>& callbacks_due_;
  prometheus::Family<prometheus::Gauge>& callbacks_oldest_wait_;
  prometheus::Family<prometheus::Gauge>& outbox_due_;
  prometheus::Family<prometheus::Gauge>& outbox_oldest_wait_;
  prometheus::Gauge& reserved_past_grace_;
  prometheus::Gauge& recoveries_open_;
  prometheus::Gauge& recoveries_overdue_;
  prometheus::Gauge& work_queues_read_at_;
  std::vector<std::string> callback_queues_seen_ ABSL_GUARDED_BY(work_queues_mutex_);
  std::vector<std::string> outbox_channels_seen_ ABSL_GUARDED_BY(work_queues_mutex_);
  prometheus::Family<prometheus::Histogram>& job_duration_;
  prometheus::Family<prometheus::Gauge>& job_last_success_;
  prometheus::Family<prometheus::Gauge>& job_interval_;
  FlowMetrics flow_;
  absl::Mutex methods_mutex_;
  std::deque<MethodSeries> methods_ ABSL_GUARDED_BY(methods_mutex_);
};

}  // namespace satisfaction::metrics

#endif  // SATISFACTION_SERVICES_METRICS_SERVER_METRICS_H_
