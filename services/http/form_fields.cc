#include "services/http/form_fields.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/common/text_checks.h"

namespace satisfaction::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = absl::ascii_tolower(static_cast<unsigned char>(c));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::optional<std::string> Decode(absl::string_view text, bool plus_is_space) {
  std::string decoded;
  decoded.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+' && plus_is_space) {
      decoded.push_back(' ');
    } else if (c != '%') {
      decoded.push_back(c);
    } else {
      if (i + 2 >= text.size()) return std::nullopt;
      int high = HexValue(text[i + 1]), low = HexValue(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      decoded.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    }
  }
  if (!Utf8Length(decoded)) return std::nullopt;
  return decoded;
}

}  // namespace

absl::StatusOr<FormFields> ParseFormFields(absl::string_view text) {
  FormFields fields;
  for (absl::string_view pair : absl::StrSplit(text, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> parts = absl::StrSplit(pair, absl::MaxSplits('=', 1));
    std::optional<std::string> name = Decode(parts.first, true), value = Decode(parts.second, true);
    if (!name || !value) return absl::InvalidArgumentError("the form or query string is not well encoded");
    fields.emplace_back(*std::move(name), *std::move(value));
  }
  return fields;
}

std::optional<std::string> PercentDecoded(absl::string_view text) { return Decode(text, false); }

std::optional<std::string> FieldValue(const FormFields& fields, absl::string_view name) {
  for (const auto& [field, value] : fields) {
    if (field == name) return value;
  }
  return std::nullopt;
}

std::optional<std::string> CookieValue(absl::string_view cookie_header, absl::string_view name) {
  for (absl::string_view cookie : absl::StrSplit(cookie_header, ';')) {
    std::pair<absl::string_view, absl::string_view> parts =
        absl::StrSplit(absl::StripAsciiWhitespace(cookie), absl::MaxSplits('=', 1));
    if (parts.first == name) return std::string(parts.second);
  }
  return std::nullopt;
}

std::string QueryEscape(absl::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string escaped;
  for (char c : text) {
    unsigned char byte = static_cast<unsigned char>(c);
    if (absl::ascii_isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
      escaped.push_back(c);
    } else {
      escaped.push_back('%');
      escaped.push_back(kHex[byte >> 4]);
      escaped.push_back(kHex[byte & 15]);
    }
  }
  return escaped;
}

}  // namespace satisfaction::http
