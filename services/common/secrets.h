#ifndef SATISFACTION_SERVICES_COMMON_SECRETS_H_
#define SATISFACTION_SERVICES_COMMON_SECRETS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace satisfaction {

// The SHA-256 of `data`, in hex: how secrets handed out (lease tokens,
// invitations) are stored, so that the database alone does not reveal them.
std::string Sha256Hex(absl::string_view data);

// `bytes` random bytes from OpenSSL's CSPRNG, in hex. Aborts if the generator
// fails, which only a broken system does.
std::string RandomHex(int bytes);

// The same in URL-safe base64 without padding (22 characters for 16 bytes):
// short enough for an SMS link.
std::string RandomUrlToken(int bytes);

}  // namespace satisfaction

#endif  // SATISFACTION_SERVICES_COMMON_SECRETS_H_
