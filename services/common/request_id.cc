#include "services/common/request_id.h"

#include <algorithm>
#include <cstdint>

#include "absl/random/random.h"
#include "absl/strings/str_format.h"

namespace satisfaction {
namespace {

bool IsSaneRequestId(absl::string_view id) {
  return !id.empty() && id.size() <= kMaxRequestIdChars &&
         std::all_of(id.begin(), id.end(), [](char c) { return c > ' ' && c < 0x7f && c != '"' && c != '\\'; });
}

}  // namespace

std::string ChooseRequestId(std::optional<absl::string_view> sent) {
  if (sent.has_value() && IsSaneRequestId(*sent)) return std::string(*sent);
  thread_local absl::BitGen bits;
  return absl::StrFormat("%016x%016x", absl::Uniform<uint64_t>(bits), absl::Uniform<uint64_t>(bits));
}

}  // namespace satisfaction
