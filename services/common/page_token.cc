#include "services/common/page_token.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace satisfaction {
namespace {

constexpr absl::string_view kTokenVersion = "p1";
constexpr char kSeparator = '\x1f';  // cannot appear in filters or keys

}  // namespace

std::string EncodePageToken(const PageCursor& cursor) {
  return absl::WebSafeBase64Escape(absl::StrCat(kTokenVersion, std::string(1, kSeparator), cursor.filter,
                                                std::string(1, kSeparator), cursor.after_key));
}

absl::StatusOr<PageCursor> DecodePageToken(absl::string_view token, absl::string_view expected_filter) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) {
    return absl::InvalidArgumentError("page_token: not a token this service issued");
  }
  size_t first = raw.find(kSeparator);
  size_t second = first == std::string::npos ? std::string::npos : raw.find(kSeparator, first + 1);
  if (second == std::string::npos || absl::string_view(raw).substr(0, first) != kTokenVersion) {
    return absl::InvalidArgumentError("page_token: not a token this service issued");
  }
  PageCursor cursor{raw.substr(first + 1, second - first - 1), raw.substr(second + 1)};
  if (cursor.filter != expected_filter) {
    return absl::InvalidArgumentError("page_token: was issued for a different filter; start again without a token");
  }
  return cursor;
}

absl::StatusOr<int> EffectivePageSize(int requested, int default_size, int max_size) {
  if (requested < 0) return absl::InvalidArgumentError("page_size: must not be negative");
  if (requested == 0) return default_size;
  return std::min(requested, max_size);
}

}  // namespace satisfaction
