#ifndef SATISFACTION_SERVICES_COMMON_PAGE_TOKEN_H_
#define SATISFACTION_SERVICES_COMMON_PAGE_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace satisfaction {

// Where the next page of a list starts. Tokens are opaque to clients and tied to
// the filter they were made for: a token used with another filter is refused.
struct PageCursor {
  // The list's filter, in a form of the list's own choosing.
  std::string filter;
  // The sort key of the last entry already returned.
  std::string after_key;
};

std::string EncodePageToken(const PageCursor& cursor);

// INVALID_ARGUMENT naming page_token when the token is malformed or was made for
// a different filter.
absl::StatusOr<PageCursor> DecodePageToken(absl::string_view token, absl::string_view expected_filter);

// The page size to use: `default_size` for 0, at most `max_size`; INVALID_ARGUMENT
// naming page_size when negative.
absl::StatusOr<int> EffectivePageSize(int requested, int default_size, int max_size);

}  // namespace satisfaction

#endif  // SATISFACTION_SERVICES_COMMON_PAGE_TOKEN_H_
