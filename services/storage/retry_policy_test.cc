#include "services/storage/retry_policy.h"

#include "absl/random/random.h"
#include "gtest/gtest.h"

namespace satisfaction::storage {
namespace {

TEST(RetryPolicy, RetriesConflictsAndOnlyUpsertsRetryDuplicates) {
  RetryPolicy policy;
  EXPECT_TRUE(policy.ShouldRetry(absl::AbortedError("deadlock"), /*duplicate_key_too=*/false));
  EXPECT_FALSE(policy.ShouldRetry(absl::AlreadyExistsError("dup"), /*duplicate_key_too=*/false));
  EXPECT_TRUE(policy.ShouldRetry(absl::AlreadyExistsError("dup"), /*duplicate_key_too=*/true));
  EXPECT_FALSE(policy.ShouldRetry(absl::OkStatus(), /*duplicate_key_too=*/true));
  EXPECT_FALSE(policy.ShouldRetry(absl::UnavailableError("gone"), /*duplicate_key_too=*/true));
  EXPECT_FALSE(policy.ShouldRetry(absl::InternalError("bug"), /*duplicate_key_too=*/true));
}

TEST(RetryPolicy, BackoffIsRandomWithinADoublingBound) {
  RetryPolicy policy{.max_attempts = 6, .first_backoff = absl::Milliseconds(2), .max_backoff = absl::Milliseconds(10)};
  absl::BitGen random;
  for (int retry = 1; retry <= 5; ++retry) {
    absl::Duration bound = std::min(absl::Milliseconds(2) * (1 << (retry - 1)), absl::Milliseconds(10));
    absl::Duration longest;
    for (int i = 0; i < 2000; ++i) {
      absl::Duration pause = policy.Backoff(retry, random);
      ASSERT_GE(pause, absl::ZeroDuration());
      ASSERT_LE(pause, bound);
      longest = std::max(longest, pause);
    }
    EXPECT_GT(longest, bound / 2) << "retry " << retry;  // spread over the range, not fixed
  }
}

TEST(RetryPolicy, NoBackoffWhenTurnedOff) {
  RetryPolicy policy{.first_backoff = absl::ZeroDuration()};
  absl::BitGen random;
  EXPECT_EQ(policy.Backoff(3, random), absl::ZeroDuration());
}

}  // namespace
}  // namespace satisfaction::storage
