#ifndef SATISFACTION_SERVICES_HTTP_RATE_LIMITER_H_
#define SATISFACTION_SERVICES_HTTP_RATE_LIMITER_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace satisfaction::http {

// A token bucket per client: `per_minute` requests a minute on average, up to
// `burst` at once. Buckets of clients gone quiet are dropped, so memory stays
// bounded by the clients of the last minute or so.
class RateLimiter {
 public:
  RateLimiter(int per_minute, int burst) : per_minute_(per_minute), burst_(burst) {}

  // Whether `client` may make a request now (and takes a token if so); when
  // not, `retry_after` says when it may.
  bool Allow(const std::string& client, absl::Time now, absl::Duration* retry_after = nullptr);

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time updated;
  };
  const double per_minute_;
  const int burst_;
  absl::Mutex mutex_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace satisfaction::http

#endif  // SATISFACTION_SERVICES_HTTP_RATE_LIMITER_H_
