#ifndef SATISFACTION_SERVICES_COMMON_LANGUAGES_H_
#define SATISFACTION_SERVICES_COMMON_LANGUAGES_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace satisfaction {

// The languages messages and the survey page come in (templates/messages/<language>/).
inline constexpr const char* kLanguages[] = {"zh-CN", "en"};

// The supported language a BCP 47 tag asks for, by its primary subtag and
// ignoring case: zh, zh-CN, zh-Hans-CN → "zh-CN"; en, en-US → "en". None for
// any other tag.
std::optional<std::string> SupportedLanguage(absl::string_view tag);

// The supported language an Accept-Language header prefers (by q-value, then
// order), or `fallback`.
std::string PreferredLanguage(absl::string_view accept_language, const std::string& fallback);

// The language a survey page opens in: that of the message that carried its
// link (`message_language`), unless the browser's Accept-Language accepts
// only another supported language (then the browser's). Without a message
// language (a link given on a call, or issued before languages were kept),
// the browser's preference, or `fallback`.
std::string SurveyPageLanguage(absl::string_view message_language, absl::string_view accept_language,
                               const std::string& fallback);

}  // namespace satisfaction

#endif  // SATISFACTION_SERVICES_COMMON_LANGUAGES_H_
