#include "services/http/rate_limiter.h"

#include <algorithm>

namespace satisfaction::http {

constexpr size_t kPruneAbove = 10'000;

bool RateLimiter::Allow(const std::string& client, absl::Time now, absl::Duration* retry_after) {
  absl::MutexLock lock(&mutex_);
  double per_second = per_minute_ / 60.0;
  if (buckets_.size() > kPruneAbove) {
    // A full bucket holds no memory of its client worth keeping.
    absl::erase_if(buckets_, [&](const auto& entry) {
      return entry.second.tokens + absl::ToDoubleSeconds(now - entry.second.updated) * per_second >= burst_;
    });
  }
  auto [it, is_new] = buckets_.try_emplace(client, Bucket{static_cast<double>(burst_), now});
  Bucket& bucket = it->second;
  bucket.tokens = std::min<double>(burst_, bucket.tokens + absl::ToDoubleSeconds(now - bucket.updated) * per_second);
  bucket.updated = now;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return true;
  }
  if (retry_after != nullptr) *retry_after = absl::Seconds((1 - bucket.tokens) / per_second);
  return false;
}

}  // namespace satisfaction::http
