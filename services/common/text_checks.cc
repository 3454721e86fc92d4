#include "services/common/text_checks.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace satisfaction {

size_t Utf8CharacterLength(absl::string_view text, size_t at, char32_t* code_point) {
  if (at >= text.size()) return 0;
  auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  uint8_t lead = byte(at);
  size_t length;
  uint32_t value;
  if (lead < 0x80) {
    length = 1;
    value = lead;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2;
    value = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    value = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    value = lead & 0x07;
  } else {
    return 0;
  }
  if (length > text.size() - at) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(at + k) & 0xC0) != 0x80) return 0;
    value = (value << 6) | (byte(at + k) & 0x3F);
  }
  static constexpr uint32_t kSmallestOfLength[] = {0, 0, 0x80, 0x800, 0x10000};
  if (value < kSmallestOfLength[length] || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 0;
  if (code_point != nullptr) *code_point = value;
  return length;
}

std::optional<std::u32string> DecodeUtf8(absl::string_view text) {
  std::u32string out;
  for (size_t i = 0; i < text.size();) {
    char32_t code_point;
    size_t length = Utf8CharacterLength(text, i, &code_point);
    if (length == 0) return std::nullopt;
    out.push_back(code_point);
    i += length;
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
