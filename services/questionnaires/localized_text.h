#ifndef SATISFACTION_SERVICES_QUESTIONNAIRES_LOCALIZED_TEXT_H_
#define SATISFACTION_SERVICES_QUESTIONNAIRES_LOCALIZED_TEXT_H_

#include <string>

#include "satisfaction/v1/common.pb.h"

namespace satisfaction::questionnaires {

// `text` in `language` ("zh-CN" or "en"), or in the other one when it has
// none in that language: what a page shows of a questionnaire's words.
inline std::string LocalizedIn(const v1::LocalizedText& text, const std::string& language) {
  const std::string& wanted = language == "en" ? text.en() : text.zh_cn();
  return wanted.empty() ? (language == "en" ? text.zh_cn() : text.en()) : wanted;
}

}  // namespace satisfaction::questionnaires

#endif  // SATISFACTION_SERVICES_QUESTIONNAIRES_LOCALIZED_TEXT_H_
