#include "services/common/secrets.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstdlib>

#include "absl/strings/escaping.h"

namespace satisfaction {

std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

namespace {

std::string RandomBytes(int bytes) {
  std::string buffer(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(buffer.data()), bytes) != 1) std::abort();
  return buffer;
}

}  // namespace

std::string RandomHex(int bytes) { return absl::BytesToHexString(RandomBytes(bytes)); }

std::string RandomUrlToken(int bytes) { return absl::WebSafeBase64Escape(RandomBytes(bytes)); }

}  // namespace satisfaction
