#include "services/metrics/server_metrics.h"

#include <algorithm>
#include <string>
#include <utility>

namespace satisfaction::metrics {
namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;
using prometheus::Histogram;

// Seconds: from a fast read (1 ms) to a call that waited for the database (10 s).
const Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* buckets =
      new Histogram::BucketBoundaries{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return *buckets;
}

// Entries per group commit, up to the largest batch of any writer (64).
const Histogram::BucketBoundaries& BatchBuckets() {
  static const auto* buckets = new Histogram::BucketBoundaries{1, 2, 4, 8, 16, 32, 64};
  return *buckets;
}

// Maintenance runs: from a quick check to minutes of catching up.
const Histogram::BucketBoundaries& JobBuckets() {
  static const auto* buckets = new Histogram::BucketBoundaries{0.01, 0.05, 0.25, 1, 5, 15, 60, 300};
  return *buckets;
}

}  // namespace

ServerMetrics::ServerMetrics(absl::string_view version)
    : registry_(std::make_shared<prometheus::Registry>()),
      grpc_calls_(BuildCounter()
                      .Name("satisfaction_grpc_calls_total")
                      .Help("gRPC calls answered, by method and status code")
                      .Register(*registry_)),
      grpc_call_duration_(BuildHistogram()
                              .Name("satisfaction_grpc_call_duration_seconds")
                              .Help("Time from a gRPC call's admission to its answer")
                              .Register(*registry_)),
      grpc_calls_in_flight_(BuildGauge()
                                .Name("satisfaction_grpc_calls_in_flight")
                                .Help("gRPC calls admitted and not yet answered")
                                .Register(*registry_)),
      rate_limited_(BuildCounter()
                        .Name("satisfaction_rate_limited_total")
                        .Help("Calls refused for going over their key's rate limit, by role")
                        .Register(*registry_)),
      http_requests_(BuildCounter()
                         .Name("satisfaction_http_requests_total")
                         .Help("HTTP requests answered, by route and status")
                         .Register(*registry_)),
      http_request_duration_(BuildHistogram()
                                 .Name("satisfaction_http_request_duration_seconds")
                                 .Help("Time from an HTTP request's arrival to its answer")
                                 .Register(*registry_)),
      database_up_(BuildGauge()
                       .Name("satisfaction_database_up")
                       .Help("1 while the health check finds the database able to serve, else 0")
                       .Register(*registry_)
                       .Add({})),
      sessions_(BuildGauge()
                    .Name("satisfaction_database_sessions")
                    .Help("Sessions in the database pool")
                    .Register(*registry_)
                    .Add({})),
      sessions_in_use_(BuildGauge()
                           .Name("satisfaction_database_sessions_in_use")
                           .Help("Sessions of the pool lent to work now")
                           .Register(*registry_)
                           .Add({})),
      session_waits_(BuildCounter()
                         .Name("satisfaction_database_session_waits_total")
                         .Help("Units of work that found no free session and waited for one")
                         .Register(*registry_)
                         .Add({})),
      session_wait_seconds_(BuildHistogram()
                                .Name("satisfaction_database_session_wait_seconds")
                                .Help("Time units of work waited for a session, of those that waited")
                                .Register(*registry_)
                                .Add({}, LatencyBuckets())),
      sessions_exhausted_(BuildCounter()
                              .Name("satisfaction_database_sessions_exhausted_total")
                              .Help("Units of work refused (RESOURCE_EXHAUSTED): no session came free in time")
                              .Register(*registry_)
                              .Add({})),
      transaction_retries_(BuildCounter()
                               .Name("satisfaction_database_transaction_retries_total")
                               .Help("Transactions run again after a conflict (deadlock, lock wait, "
                                     "certification failure) or a lost race to insert a key")
                               .Register(*registry_)),
      batch_size_(BuildHistogram()
                      .Name("satisfaction_group_commit_batch_size")
                      .Help("Entries committed together by a group commit, by writer")
                      .Register(*registry_)),
      queue_depth_(BuildGauge()
                       .Name("satisfaction_group_commit_queue_depth")
                       .Help("Entries left waiting for the next batch after the last one was taken, by writer")
                       .Register(*registry_)),
      callbacks_due_(BuildGauge()
                         .Name("satisfaction_callbacks_due")
                         .Help("Phone callbacks planned and due now, by queue")
                         .Register(*registry_)),
      callbacks_oldest_wait_(BuildGauge()
                                 .Name("satisfaction_callbacks_oldest_due_age_seconds")
                                 .Help("How long the longest-due callback of a queue has waited past its due time")
                                 .Register(*registry_)),
      outbox_due_(BuildGauge()
                      .Name("satisfaction_outbox_due")
                      .Help("Messages planned and due to be sent, by channel")
                      .Register(*registry_)),
      outbox_oldest_wait_(BuildGauge()
                              .Name("satisfaction_outbox_oldest_due_age_seconds")
                              .Help("How long the longest-due message of a channel has waited past its due time")
                              .Register(*registry_)),
      reserved_past_grace_(BuildGauge()
                               .Name("satisfaction_callbacks_reserved_past_grace")
                               .Help("Callbacks reserved for an agent, due for longer than --reserved-callback-grace")
                               .Register(*registry_)
                               .Add({})),
      recoveries_open_(BuildGauge()
                           .Name("satisfaction_recovery_callbacks_open")
                           .Help("Low-score recovery calls planned or under way")
                           .Register(*registry_)
                           .Add({})),
      recoveries_overdue_(BuildGauge()
                              .Name("satisfaction_recovery_callbacks_overdue")
                              .Help("Recovery calls still planned past their due time by more than the grace and an hour")
                              .Register(*registry_)
                              .Add({})),
      work_queues_read_at_(BuildGauge()
                               .Name("satisfaction_work_queues_read_timestamp_seconds")
                               .Help("When the work-queue gauges were last read from the database (Unix time)")
                               .Register(*registry_)
                               .Add({})),
      job_duration_(BuildHistogram()
                        .Name("satisfaction_maintenance_job_duration_seconds")
                        .Help("One round of a maintenance job, by job")
                        .Register(*registry_)),
      job_last_success_(BuildGauge()
                            .Name("satisfaction_maintenance_job_last_success_timestamp_seconds")
                            .Help("When a maintenance job last finished without error (Unix time)")
                            .Register(*registry_)),
      job_interval_(BuildGauge()
                        .Name("satisfaction_maintenance_job_interval_seconds")
                        .Help("How often a maintenance job is meant to run")
                        .Register(*registry_)),
      flow_(*registry_) {
  BuildGauge()
      .Name("satisfaction_build_info")
      .Help("The server's version (always 1)")
      .Register(*registry_)
      .Add({{"version", std::string(version)}})
      .Set(1);
}

MethodSeries::MethodSeries(prometheus::Family<prometheus::Counter>& calls, prometheus::Gauge& in_flight,
                           prometheus::Histogram& duration, std::string method)
    : calls_(calls), in_flight_(in_flight), duration_(duration), method_(std::move(method)) {}

void MethodSeries::CallEnded(int code, absl::Duration took) {
  in_flight_.Decrement();
  duration_.Observe(absl::ToDoubleSeconds(took));
  if (code < 0 || code >= kCodes) code = static_cast<int>(absl::StatusCode::kUnknown);
  prometheus::Counter* counter = by_code_[code].load(std::memory_order_acquire);
  if (counter == nullptr) {
    // Two first calls may both get here: Add returns the same series to both.
    counter = &calls_.Add(
        {{"method", method_}, {"code", absl::StatusCodeToString(static_cast<absl::StatusCode>(code))}});
    by_code_[code].store(counter, std::memory_order_release);
  }
  counter->Increment();
}

MethodSeries* ServerMetrics::ForMethod(const std::string& method) {
  absl::MutexLock lock(&methods_mutex_);
  return &methods_.emplace_back(grpc_calls_, grpc_calls_in_flight_.Add({{"method", method}}),
                                grpc_call_duration_.Add({{"method", method}}, LatencyBuckets()), method);
}

void ServerMetrics::RateLimited(absl::string_view role) { rate_limited_.Add({{"role", std::string(role)}}).Increment(); }

void ServerMetrics::HttpAnswered(const std::string& route, int status, absl::Duration took) {
  http_requests_.Add({{"route", route}, {"code", std::to_string(status)}}).Increment();
  http_request_duration_.Add({{"route", route}}, LatencyBuckets()).Observe(absl::ToDoubleSeconds(took));
}

void ServerMetrics::DatabaseUp(bool up) { database_up_.Set(up ? 1 : 0); }

void ServerMetrics::SetPoolSize(size_t sessions) { sessions_.Set(static_cast<double>(sessions)); }

namespace {

// Sets `due` and `oldest` for each backlog, and zero for the names in `seen`
// that have none now: a queue once seen stays, at zero, rather than keep its
// last figures.
void SetBacklogs(const std::vector<ServerMetrics::Backlog>& backlogs, const char* label,
                 prometheus::Family<prometheus::Gauge>& due, prometheus::Family<prometheus::Gauge>& oldest,
                 std::vector<std::string>& seen) {
  std::vector<std::string> now_seen;
  for (const ServerMetrics::Backlog& backlog : backlogs) {
    due.Add({{label, backlog.name}}).Set(static_cast<double>(backlog.due));
    oldest.Add({{label, backlog.name}}).Set(absl::ToDoubleSeconds(backlog.oldest_wait));
    now_seen.push_back(backlog.name);
  }
  for (const std::string& name : seen) {
    if (std::find(now_seen.begin(), now_seen.end(), name) != now_seen.end()) continue;
    due.Add({{label, name}}).Set(0);
    oldest.Add({{label, name}}).Set(0);
    now_seen.push_back(name);
  }
  seen = std::move(now_seen);
}

}  // namespace

void ServerMetrics::SetWorkQueues(const std::vector<Backlog>& callbacks, const std::vector<Backlog>& outbox,
                                  long long reserved_past_grace, long long recoveries_open,
                                  long long recoveries_overdue, absl::Time read_at) {
  absl::MutexLock lock(&work_queues_mutex_);
  SetBacklogs(callbacks, "queue", callbacks_due_, callbacks_oldest_wait_, callback_queues_seen_);
  SetBacklogs(outbox, "channel", outbox_due_, outbox_oldest_wait_, outbox_channels_seen_);
  reserved_past_grace_.Set(static_cast<double>(reserved_past_grace));
  recoveries_open_.Set(static_cast<double>(recoveries_open));
  recoveries_overdue_.Set(static_cast<double>(recoveries_overdue));
  work_queues_read_at_.Set(absl::ToDoubleSeconds(read_at - absl::UnixEpoch()));
}

void ServerMetrics::JobFinished(const std::string& job, absl::Duration took, bool succeeded, absl::Time end) {
  job_duration_.Add({{"job_id", job}}, JobBuckets()).Observe(absl::ToDoubleSeconds(took));
  if (succeeded) job_last_success_.Add({{"job_id", job}}).Set(absl::ToDoubleSeconds(end - absl::UnixEpoch()));
}

void ServerMetrics::SetJobInterval(const std::string& job, absl::Duration interval) {
  job_interval_.Add({{"job_id", job}}).Set(absl::ToDoubleSeconds(interval));
}

void ServerMetrics::SessionLent(absl::Duration waited) {
  sessions_in_use_.Increment();
  if (waited > absl::ZeroDuration()) {
    session_waits_.Increment();
    session_wait_seconds_.Observe(absl::ToDoubleSeconds(waited));
  }
}

void ServerMetrics::SessionReturned() { sessions_in_use_.Decrement(); }

void ServerMetrics::SessionRefused() { sessions_exhausted_.Increment(); }

void ServerMetrics::TransactionRetried(const absl::Status& conflict) {
  const char* reason = conflict.code() == absl::StatusCode::kAlreadyExists ? "duplicate_key" : "conflict";
  transaction_retries_.Add({{"reason", reason}}).Increment();
}

void ServerMetrics::BatchCommitted(const char* writer, size_t batch, size_t waiting) {
  batch_size_.Add({{"writer", writer}}, BatchBuckets()).Observe(static_cast<double>(batch));
  queue_depth_.Add({{"writer", writer}}).Set(static_cast<double>(waiting));
}

}  // namespace satisfaction::metrics
