#include "services/storage/retry_policy.h"

#include <algorithm>

#include "absl/random/distributions.h"

namespace satisfaction::storage {

bool RetryPolicy::ShouldRetry(const absl::Status& status, bool duplicate_key_too) const {
  if (status.code() == absl::StatusCode::kAborted) return true;
  return duplicate_key_too && status.code() == absl::StatusCode::kAlreadyExists;
}

absl::Duration RetryPolicy::Backoff(int retry, absl::BitGenRef random) const {
  absl::Duration bound = first_backoff;
  for (int i = 1; i < retry && bound < max_backoff; ++i) bound *= 2;
  bound = std::min(bound, max_backoff);
  if (bound <= absl::ZeroDuration()) return absl::ZeroDuration();
  return absl::Microseconds(absl::Uniform<int64_t>(absl::IntervalClosed, random, 0, absl::ToInt64Microseconds(bound)));
}

}  // namespace satisfaction::storage
