#ifndef SATISFACTION_SERVICES_COMMON_RATE_LIMITER_H_
#define SATISFACTION_SERVICES_COMMON_RATE_LIMITER_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace satisfaction {

// `per_minute` requests a minute on average, up to `burst` at once.
struct RateLimit {
  int per_minute = 60;
  int burst = 20;
};

// A token bucket per client (an address, an API key). Buckets of clients gone
// quiet are dropped, so memory stays bounded by the clients of the last minute
// or so. Thread-safe.
class RateLimiter {
 public:
  // Whether `client` may make a request now under `limit` (and takes a token if
  // so); when not, `retry_after` says when it may.
  bool Allow(const std::string& client, const RateLimit& limit, absl::Time now, absl::Duration* retry_after = nullptr);

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time updated;
    RateLimit limit;
  };
  absl::Mutex mutex_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace satisfaction

#endif  // SATISFACTION_SERVICES_COMMON_RATE_LIMITER_H_
