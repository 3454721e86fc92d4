#include "services/common/rate_limiter.h"

#include <algorithm>

namespace satisfaction {
namespace {

constexpr size_t kPruneAbove = 10'000;

double PerSecond(const RateLimit& limit) { return limit.per_minute / 60.0; }

}  // namespace

bool RateLimiter::Allow(const std::string& client, const RateLimit& limit, absl::Time now,
                        absl::Duration* retry_after) {
  absl::MutexLock lock(&mutex_);
  if (buckets_.size() > kPruneAbove) {
    // A full bucket holds no memory of its client worth keeping.
    absl::erase_if(buckets_, [&](const auto& entry) {
      const Bucket& bucket = entry.second;
      return bucket.tokens + absl::ToDoubleSeconds(now - bucket.updated) * PerSecond(bucket.limit) >=
             bucket.limit.burst;
    });
  }
  auto [it, is_new] = buckets_.try_emplace(client, Bucket{static_cast<double>(limit.burst), now, limit});
  Bucket& bucket = it->second;
  bucket.limit = limit;  // a key's limit may have changed since
  double per_second = PerSecond(limit);
  bucket.tokens =
      std::min<double>(limit.burst, bucket.tokens + absl::ToDoubleSeconds(now - bucket.updated) * per_second);
  bucket.updated = now;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return true;
  }
  if (retry_after != nullptr) *retry_after = absl::Seconds((1 - bucket.tokens) / per_second);
  return false;
}

}  // namespace satisfaction
