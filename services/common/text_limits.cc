#include "services/common/text_limits.h"

#include "absl/strings/str_cat.h"
#include "services/common/text_checks.h"

namespace satisfaction {
namespace {

constexpr absl::string_view kEllipsis = "…";

// Appends `text` with its control characters and stray bytes escaped, stopping
// after `max_chars` characters; escapes `quote` too if it is not 0. Returns
// whether all of `text` went in.
bool AppendEscaped(absl::string_view text, size_t max_chars, char quote, std::string& out) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++chars) {
    if (chars == max_chars) return false;
    char32_t code_point = 0;
    size_t length = Utf8CharacterLength(text, i, &code_point);
    if (length == 0) {
      absl::StrAppend(&out, "\\x", absl::Hex(static_cast<unsigned char>(text[i]), absl::kZeroPad2));
      ++i;
      continue;
    }
    if (code_point == '\n') {
      out += "\\n";
    } else if (code_point == '\r') {
      out += "\\r";
    } else if (code_point == '\t') {
      out += "\\t";
    } else if (code_point == '\\' || (quote != 0 && code_point == static_cast<char32_t>(quote))) {
      out += '\\';
      out += static_cast<char>(code_point);
    } else if (code_point < 0x20 || code_point == 0x7F) {
      absl::StrAppend(&out, "\\x", absl::Hex(static_cast<unsigned>(code_point), absl::kZeroPad2));
    } else if (code_point >= 0x80 && code_point <= 0x9F) {
      absl::StrAppend(&out, "\\u", absl::Hex(static_cast<unsigned>(code_point), absl::kZeroPad4));
    } else {
      absl::StrAppend(&out, text.substr(i, length));
    }
    i += length;
  }
  return true;
}

}  // namespace

absl::string_view Utf8Prefix(absl::string_view text, size_t max_bytes) {
  size_t end = 0;
  while (end < text.size()) {
    size_t length = Utf8CharacterLength(text, end);
    if (length == 0 || length > max_bytes - end) break;
    end += length;
  }
  return text.substr(0, end);
}

std::string Abbreviate(absl::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t room = max_bytes > kEllipsis.size() ? max_bytes - kEllipsis.size() : 0;
  return absl::StrCat(Utf8Prefix(text, room), kEllipsis);
}

std::string Printable(absl::string_view text, size_t max_chars) {
  std::string out;
  if (!AppendEscaped(text, max_chars, 0, out)) absl::StrAppend(&out, kEllipsis);
  return out;
}

std::string Quote(absl::string_view value) {
  std::string out = "'";
  bool whole = AppendEscaped(value, kQuotedChars, '\'', out);
  out += '\'';
  if (!whole) absl::StrAppend(&out, kEllipsis);
  return out;
}

}  // namespace satisfaction
