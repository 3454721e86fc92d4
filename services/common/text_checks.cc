#include "services/common/text_checks.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace satisfaction {

std::optional<std::u32string> DecodeUtf8(absl::string_view text) {
  std::u32string out;
  size_t i = 0;
  while (i < text.size()) {
    auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
    uint8_t lead = byte(i);
    size_t length;
    uint32_t code_point;
    if (lead < 0x80) {
      length = 1;
      code_point = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2;
      code_point = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      code_point = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      code_point = lead & 0x07;
    } else {
      return std::nullopt;
    }
    if (i + length > text.size()) return std::nullopt;
    for (size_t k = 1; k < length; ++k) {
      if ((byte(i + k) & 0xC0) != 0x80) return std::nullopt;
      code_point = (code_point << 6) | (byte(i + k) & 0x3F);
    }
    static constexpr uint32_t kSmallestOfLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < kSmallestOfLength[length] || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return std::nullopt;
    }
    i += length;
    out.push_back(code_point);
  }
  return out;
}

std::optional<size_t> Utf8Length(absl::string_view text) {
  std::optional<std::u32string> decoded = DecodeUtf8(text);
  if (!decoded) return std::nullopt;
  return decoded->size();
}

absl::Status CheckText(absl::string_view field, absl::string_view text, size_t max_chars, LineBreaks line_breaks) {
  std::optional<size_t> length = Utf8Length(text);
  if (!length) return absl::InvalidArgumentError(absl::StrCat(field, ": not valid UTF-8"));
  if (*length > max_chars) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": ", *length, " characters, at most ", max_chars, " allowed"));
  }
  for (char c : text) {
    bool control = static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
    bool allowed_break = line_breaks == LineBreaks::kAllowed && (c == '\n' || c == '\r' || c == '\t');
    if (control && !allowed_break) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": control characters are not allowed"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckRequiredText(absl::string_view field, absl::string_view text, size_t max_chars,
                               LineBreaks line_breaks) {
  if (absl::StripAsciiWhitespace(text).empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": required"));
  return CheckText(field, text, max_chars, line_breaks);
}

}  // namespace satisfaction
