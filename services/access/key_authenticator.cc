#include "services/access/key_authenticator.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/secrets.h"

namespace satisfaction::access {
namespace {

constexpr size_t kMaxCachedKeys = 10'000;
constexpr size_t kMaxKeyLength = 256;
constexpr absl::string_view kBearer = "Bearer ";

}  // namespace

absl::StatusOr<Caller> KeyAuthenticator::Authenticate(std::optional<absl::string_view> authorization, absl::Time now) {
  if (!authorization.has_value()) {
    return absl::UnauthenticatedError("this call needs an API key: send the metadata 'authorization: Bearer <key>'");
  }
  // The scheme's name is case-insensitive (RFC 6750, RFC 9110).
  absl::string_view value = *authorization;
  bool bearer = value.size() > kBearer.size() && absl::EqualsIgnoreCase(value.substr(0, kBearer.size()), kBearer);
  absl::string_view key = bearer ? value.substr(kBearer.size()) : absl::string_view();
  if (key.empty() || key.size() > kMaxKeyLength) {
    return absl::UnauthenticatedError("authorization: must read 'Bearer <key>'");
  }
  std::string hash = Sha256Hex(key);
  uint64_t generation = 0;
  {
    absl::MutexLock lock(&mutex_);
    auto it = cache_.find(hash);
    if (it != cache_.end() && it->second.expires > now) {
      last_use_[it->second.caller.key_id] = now;
      return it->second.caller;
    }
    generation = generation_;
  }
  absl::StatusOr<std::optional<Caller>> found = store_.FindActiveByHash(hash);
  if (!found.ok()) {
    return absl::UnavailableError(absl::StrCat("cannot check the API key now: ", found.status().message()));
  }
  if (!found->has_value()) return absl::UnauthenticatedError("authorization: unknown or revoked API key");
  Caller caller = **found;
  absl::MutexLock lock(&mutex_);
  last_use_[caller.key_id] = now;
  // A key revoked while it was looked up must not be cached as it was.
  if (generation != generation_ || cache_ttl_ <= absl::ZeroDuration()) return caller;
  if (cache_.size() >= kMaxCachedKeys) {
    absl::erase_if(cache_, [now](const auto& entry) { return entry.second.expires <= now; });
    if (cache_.size() >= kMaxCachedKeys) cache_.clear();
  }
  cache_[hash] = {caller, now + cache_ttl_};
  return caller;
}

absl::Status KeyAuthenticator::TakeCall(const Caller& caller, absl::Time now) {
  int per_minute = caller.rate_limit_per_minute > 0 ? caller.rate_limit_per_minute : default_rate_limit_;
  RateLimit limit{.per_minute = per_minute, .burst = std::max(1, per_minute / 10)};
  absl::Duration retry_after;
  if (limiter_.Allow(caller.key_id, limit, now, &retry_after)) return absl::OkStatus();
  return absl::ResourceExhaustedError(
      absl::StrCat("the key ", caller.key_id, " is over its rate limit of ", per_minute, " calls a minute; retry in ",
                   absl::FormatDuration(absl::Ceil(retry_after, absl::Milliseconds(1)))));
}

void KeyAuthenticator::Forget(absl::string_view key_id) {
  absl::MutexLock lock(&mutex_);
  absl::erase_if(cache_, [key_id](const auto& entry) { return entry.second.caller.key_id == key_id; });
  ++generation_;
}

absl::StatusOr<int> KeyAuthenticator::WriteDownLastUse() {
  absl::flat_hash_map<std::string, absl::Time> seen;
  {
    absl::MutexLock lock(&mutex_);
    seen.swap(last_use_);
  }
  if (absl::Status s = store_.NoteLastUse(seen); !s.ok()) {
    absl::MutexLock lock(&mutex_);
    for (const auto& [key_id, time] : seen) last_use_.try_emplace(key_id, time);  // try again next round
    return s;
  }
  return static_cast<int>(seen.size());
}

}  // namespace satisfaction::access
