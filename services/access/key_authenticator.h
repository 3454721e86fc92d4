#ifndef SATISFACTION_SERVICES_ACCESS_KEY_AUTHENTICATOR_H_
#define SATISFACTION_SERVICES_ACCESS_KEY_AUTHENTICATOR_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/access/access_policy.h"
#include "services/access/api_key_store.h"
#include "services/common/rate_limiter.h"

namespace satisfaction::access {

// Turns the `authorization` metadata of a call into its caller, and keeps each
// key to its rate limit. Keys found are remembered for `cache_ttl`, so a busy
// client costs the database one lookup per key and period; a key revoked
// through this server is forgotten at once (see Forget), one revoked through
// another server works here until the period ends. Thread-safe.
class KeyAuthenticator {
 public:
  KeyAuthenticator(ApiKeyStore& store, absl::Duration cache_ttl, int default_rate_limit_per_minute)
      : store_(store), cache_ttl_(cache_ttl), default_rate_limit_(default_rate_limit_per_minute) {}

  // The caller of `authorization` ("Bearer <key>"; nothing if absent).
  // UNAUTHENTICATED for a missing, malformed, unknown or revoked key;
  // UNAVAILABLE when the database cannot tell.
  absl::StatusOr<Caller> Authenticate(std::optional<absl::string_view> authorization, absl::Time now);

  // Takes one call from the caller's allowance: RESOURCE_EXHAUSTED, saying
  // when to retry, if it has none left.
  absl::Status TakeCall(const Caller& caller, absl::Time now);

  // Forgets a revoked key, so that its next call is refused.
  void Forget(absl::string_view key_id);

  // Writes down when each key seen since the last time was last used; for
  // the maintenance loop. How many keys.
  absl::StatusOr<int> WriteDownLastUse();

 private:
  struct Cached {
    Caller caller;
    absl::Time expires;
  };
  ApiKeyStore& store_;
  const absl::Duration cache_ttl_;
  const int default_rate_limit_;
  RateLimiter limiter_;
  absl::Mutex mutex_;
  // By the key's SHA-256, so that no key stays in memory longer than a call.
  absl::flat_hash_map<std::string, Cached> cache_ ABSL_GUARDED_BY(mutex_);
  // Bumped by Forget: a lookup that began before it caches nothing.
  uint64_t generation_ ABSL_GUARDED_BY(mutex_) = 0;
  // Key id → its latest call, since the last WriteDownLastUse.
  absl::flat_hash_map<std::string, absl::Time> last_use_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace satisfaction::access

#endif  // SATISFACTION_SERVICES_ACCESS_KEY_AUTHENTICATOR_H_
