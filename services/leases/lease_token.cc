#include "services/leases/lease_token.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/secrets.h"

namespace satisfaction::leases {

constexpr int kSecretBytes = 16;

LeaseSecret LeaseSecret::Generate() {
  LeaseSecret lease;
  lease.secret = RandomHex(kSecretBytes);
  lease.hash = Sha256Hex(lease.secret);
  return lease;
}

std::string LeaseTokenFor(const LeaseSecret& secret, long long revisit_id) {
  return absl::StrCat(secret.secret, ".", revisit_id);
}

std::optional<std::string> LeaseHashOf(absl::string_view token, long long revisit_id) {
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  long long named = 0;
  if (parts.size() != 2 || parts[0].size() != 2 * kSecretBytes || !absl::SimpleAtoi(parts[1], &named) ||
      named != revisit_id) {
    return std::nullopt;
  }
  for (char c : parts[0]) {
    if (!absl::ascii_isxdigit(c)) return std::nullopt;
  }
  return Sha256Hex(parts[0]);
}

}  // namespace satisfaction::leases
