#ifndef SATISFACTION_SERVICES_COMMON_TEXT_LIMITS_H_
#define SATISFACTION_SERVICES_COMMON_TEXT_LIMITS_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace satisfaction {

// How many characters of a request value an error message quotes.
inline constexpr size_t kQuotedChars = 32;

// Returns the longest prefix of `text` that has at most `max_bytes` bytes and
// holds whole UTF-8 characters only: it ends at a character boundary, and
// before the first byte that does not start a valid character. So it is
// always valid UTF-8, and all of `text` when that is valid and short enough.
// Every place that shortens text shortens it with this.
absl::string_view Utf8Prefix(absl::string_view text, size_t max_bytes);

// Returns `text` whole if it has at most `max_bytes` bytes, else its
// Utf8Prefix followed by "…", the whole at most `max_bytes` bytes (but never
// less than the 3 bytes of "…").
std::string Abbreviate(absl::string_view text, size_t max_bytes);

// Returns `text` as a log line or an error message may carry it: at most
// `max_chars` of its characters then "…" if it has more; line breaks, tabs,
// other control characters (C0, DEL, C1), backslashes and bytes that are not
// UTF-8 escaped as \n, \r, \t, \xNN, \u0085, \\. The result is one line of
// valid UTF-8, at most 6 bytes per character kept, plus 3 for the "…".
std::string Printable(absl::string_view text, size_t max_chars);

// Returns `value` as an error message quotes a request value: in single quotes,
// Printable to kQuotedChars characters (the "…" after the closing quote),
// quotes inside escaped (\'). Errors never echo a value whole: it may be
// megabytes, or a line of its own.
std::string Quote(absl::string_view value);

}  // namespace satisfaction

#endif  // SATISFACTION_SERVICES_COMMON_TEXT_LIMITS_H_
