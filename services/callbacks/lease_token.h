#ifndef SATISFACTION_SERVICES_CALLBACKS_LEASE_TOKEN_H_
#define SATISFACTION_SERVICES_CALLBACKS_LEASE_TOKEN_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace satisfaction::callbacks {

// The secret of one claim: 128 random bits, shared by the callbacks claimed
// together so that one statement leases them all. Only its SHA-256 is stored.
struct LeaseSecret {
  std::string secret;
  std::string hash;

  static LeaseSecret Generate();
};

// The token a dialer gets for one callback: the claim's secret and the
// callback's id, so that a token names the one callback it leases.
std::string LeaseTokenFor(const LeaseSecret& secret, long long callback_id);

// The stored hash a token must match, if the token is well formed and names
// `callback_id`.
std::optional<std::string> LeaseHashOf(absl::string_view token, long long callback_id);

}  // namespace satisfaction::callbacks

#endif  // SATISFACTION_SERVICES_CALLBACKS_LEASE_TOKEN_H_
