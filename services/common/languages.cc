#include "services/common/languages.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace satisfaction {

std::optional<std::string> SupportedLanguage(absl::string_view tag) {
  std::string lower = absl::AsciiStrToLower(tag);
  absl::string_view primary = absl::string_view(lower).substr(0, lower.find_first_of("-_"));
  if (primary == "zh") return "zh-CN";
  if (primary == "en") return "en";
  return std::nullopt;
}

}  // namespace satisfaction
