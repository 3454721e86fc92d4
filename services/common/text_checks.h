#ifndef SATISFACTION_SERVICES_COMMON_TEXT_CHECKS_H_
#define SATISFACTION_SERVICES_COMMON_TEXT_CHECKS_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace satisfaction {

// The length in bytes of the valid UTF-8 character that starts at byte `at` of
// `text` (its code point to `code_point` if given); 0 when none does there
// (past the end, a stray byte, a cut, overlong or surrogate sequence, or a
// value past U+10FFFF).
size_t Utf8CharacterLength(absl::string_view text, size_t at, char32_t* code_point = nullptr);

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
