#ifndef SATISFACTION_SERVICES_COMMON_TEXT_CHECKS_H_
#define SATISFACTION_SERVICES_COMMON_TEXT_CHECKS_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace satisfaction {

// The code points of `text`, or nothing when it is not valid UTF-8 (overlong
// forms, surrogates and values past U+10FFFF included).
std::optional<std::u32string> DecodeUtf8(absl::string_view text);

// Returns the number of Unicode code points in `text`, or nothing when it is
// not valid UTF-8 (overlong forms, surrogates and values past U+10FFFF included).
std::optional<size_t> Utf8Length(absl::string_view text);

enum class LineBreaks { kForbidden, kAllowed };

// Checks a text field a person wrote: valid UTF-8, no control characters (but
// line breaks and tabs where allowed), at most `max_chars` characters. Errors are
// INVALID_ARGUMENT and name `field`.
absl::Status CheckText(absl::string_view field, absl::string_view text, size_t max_chars, LineBreaks line_breaks);

// As CheckText, and the text must not be empty or only white space.
absl::Status CheckRequiredText(absl::string_view field, absl::string_view text, size_t max_chars,
                               LineBreaks line_breaks);

}  // namespace satisfaction

#endif  // SATISFACTION_SERVICES_COMMON_TEXT_CHECKS_H_
