#include "services/common/languages.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace satisfaction {

std::optional<std::string> SupportedLanguage(absl::string_view tag) {
  std::string lower = absl::AsciiStrToLower(tag);
  absl::string_view primary = absl::string_view(lower).substr(0, lower.find_first_of("-_"));
  if (primary == "zh") return "zh-CN";
  if (primary == "en") return "en";
  return std::nullopt;
}

std::string PreferredLanguage(absl::string_view accept_language, const std::string& fallback) {
  std::optional<std::string> best;
  double best_q = 0;
  for (absl::string_view range : absl::StrSplit(accept_language, ',')) {
    std::vector<absl::string_view> parts = absl::StrSplit(range, ';');
    double q = 1;
    for (size_t i = 1; i < parts.size(); ++i) {
      absl::string_view parameter = absl::StripAsciiWhitespace(parts[i]);
      if (absl::ConsumePrefix(&parameter, "q=") && !absl::SimpleAtod(parameter, &q)) q = 0;
    }
    std::optional<std::string> language = SupportedLanguage(absl::StripAsciiWhitespace(parts[0]));
    if (language && q > best_q) {
      best = language;
      best_q = q;
    }
  }
  return best.value_or(fallback);
}

}  // namespace satisfaction
