#ifndef SATISFACTION_SERVICES_COMMON_REQUEST_ID_H_
#define SATISFACTION_SERVICES_COMMON_REQUEST_ID_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace satisfaction {

// The gRPC metadata (and HTTP header) a request id travels in, from a client
// that chose it and back to every client, so that support finds the call's
// log line.
inline constexpr char kRequestIdMetadata[] = "x-request-id";

// The longest request id a client may choose.
inline constexpr size_t kMaxRequestIdChars = 64;

// Returns the id a call is known by: `sent` (the client's x-request-id) when
// it is 1 to kMaxRequestIdChars printable ASCII characters other than space,
// '"' and '\' (so it stays one word of a text log line), else a new random
// one of 32 hex digits.
std::string ChooseRequestId(std::optional<absl::string_view> sent);

}  // namespace satisfaction

#endif  // SATISFACTION_SERVICES_COMMON_REQUEST_ID_H_
