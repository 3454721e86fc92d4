#ifndef SATISFACTION_SERVICES_LEASES_LEASE_TOKEN_H_
#define SATISFACTION_SERVICES_LEASES_LEASE_TOKEN_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace satisfaction::leases {

// The secret of one claim: 128 random bits, shared by the revisits claimed
// together so that one statement leases them all. Only its SHA-256 is stored.
struct LeaseSecret {
  std::string secret;
  std::string hash;

  static LeaseSecret Generate();
};

// The token a dialer or gateway gets for one revisit: the claim's secret and the
// revisit's id, so that a token names the one revisit it leases.
std::string LeaseTokenFor(const LeaseSecret& secret, long long revisit_id);

// The stored hash a token must match, if the token is well formed and names
// `revisit_id`.
std::optional<std::string> LeaseHashOf(absl::string_view token, long long revisit_id);

}  // namespace satisfaction::leases

#endif  // SATISFACTION_SERVICES_LEASES_LEASE_TOKEN_H_
