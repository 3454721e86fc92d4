#ifndef SATISFACTION_SERVICES_ACCESS_API_KEY_STORE_H_
#define SATISFACTION_SERVICES_ACCESS_API_KEY_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "satisfaction/v1/access.pb.h"
#include "services/access/access_policy.h"
#include "services/storage/database.h"

namespace satisfaction::access {

// A new key: "sat_" and 43 characters of URL-safe base64 (256 random bits).
std::string NewApiKey();

// API keys, stored as the SHA-256 of the key: the database alone gives no key
// away. Keys are random and long, so a fast hash is enough.
class ApiKeyStore {
 public:
  explicit ApiKeyStore(storage::Database& database) : database_(database) {}

  struct Created {
    v1::ApiKey api_key;
    std::string key;
  };
  // Stores `spec` (display name, role, binding, rate limit; already checked)
  // under a new key, or under `key` when given.
  absl::StatusOr<Created> Create(const v1::ApiKey& spec, absl::string_view created_by, absl::Time now,
                                 std::optional<std::string> key = std::nullopt);

  // Whether any key, revoked ones included, was ever created.
  absl::StatusOr<bool> AnyKeyExists();

  // Creates an admin key from `key` unless any key exists: the first start of
  // a deployment. Whether it created one.
  absl::StatusOr<bool> CreateFirstAdmin(const std::string& key, absl::Time now);

  // The caller a key names, or nothing if it is unknown or revoked.
  absl::StatusOr<std::optional<Caller>> FindActive(absl::string_view key);
  // The same, for a key's SHA-256 in hex (the caller has it already).
  absl::StatusOr<std::optional<Caller>> FindActiveByHash(const std::string& key_hash);

  struct ListPage {
    std::vector<v1::ApiKey> api_keys;
    bool has_more = false;
  };
  // Newest first, after the key created at `after_created_us` with id
  // `after_id` (none: from the start).
  absl::StatusOr<ListPage> List(bool show_revoked, long long after_created_us, const std::string& after_id, int limit);

  // Revokes a key (NOT_FOUND if unknown); a revoked key is returned unchanged.
  absl::StatusOr<v1::ApiKey> Revoke(absl::string_view id, absl::Time now);

  // Notes when keys were last used (key id → time), keeping later times
  // already noted by other servers.
  absl::Status NoteLastUse(const absl::flat_hash_map<std::string, absl::Time>& last_use);

 private:
  storage::Database& database_;
};

}  // namespace satisfaction::access

#endif  // SATISFACTION_SERVICES_ACCESS_API_KEY_STORE_H_
