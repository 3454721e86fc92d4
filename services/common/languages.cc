#include "services/common/languages.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace satisfaction {
namespace {

// One language range of an Accept-Language header and its weight.
struct LanguageRange {
  absl::string_view tag;
  double q = 1;
};

std::vector<LanguageRange> ParseAcceptLanguage(absl::string_view accept_language) {
  std::vector<LanguageRange> ranges;
  for (absl::string_view range : absl::StrSplit(accept_language, ',')) {
    std::vector<absl::string_view> parts = absl::StrSplit(range, ';');
    LanguageRange parsed{.tag = absl::StripAsciiWhitespace(parts[0])};
    for (size_t i = 1; i < parts.size(); ++i) {
      absl::string_view parameter = absl::StripAsciiWhitespace(parts[i]);
      if (absl::ConsumePrefix(&parameter, "q=") && !absl::SimpleAtod(parameter, &parsed.q)) parsed.q = 0;
    }
    if (!parsed.tag.empty()) ranges.push_back(parsed);
  }
  return ranges;
}

}  // namespace

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
  for (const LanguageRange& range : ParseAcceptLanguage(accept_language)) {
    std::optional<std::string> language = SupportedLanguage(range.tag);
    if (language && range.q > best_q) {
      best = language;
      best_q = range.q;
    }
  }
  return best.value_or(fallback);
}

std::string SurveyPageLanguage(absl::string_view message_language, absl::string_view accept_language,
                               const std::string& fallback) {
  std::optional<std::string> message = SupportedLanguage(message_language);
  if (!message) return PreferredLanguage(accept_language, fallback);
  bool accepts_any_supported = false;
  for (const LanguageRange& range : ParseAcceptLanguage(accept_language)) {
    if (range.q <= 0) continue;
    if (range.tag == "*" || SupportedLanguage(range.tag) == message) return *message;
    accepts_any_supported = accepts_any_supported || SupportedLanguage(range.tag).has_value();
  }
  return accepts_any_supported ? PreferredLanguage(accept_language, *message) : *message;
}

}  // namespace satisfaction
