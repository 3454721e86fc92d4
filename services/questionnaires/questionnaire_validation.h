#ifndef SATISFACTION_SERVICES_QUESTIONNAIRES_QUESTIONNAIRE_VALIDATION_H_
#define SATISFACTION_SERVICES_QUESTIONNAIRES_QUESTIONNAIRE_VALIDATION_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "satisfaction/v1/questionnaire.pb.h"

namespace satisfaction::questionnaires {

inline constexpr int kMaxItems = 50;
inline constexpr size_t kMaxIdLength = 63;
inline constexpr size_t kMaxCodeLength = 64;
inline constexpr size_t kMaxTitleChars = 200;
inline constexpr size_t kMaxDescriptionChars = 2000;
inline constexpr size_t kMaxItemTextChars = 500;
inline constexpr size_t kMaxLabelChars = 50;
inline constexpr int kDefaultCommentChars = 500;
inline constexpr int kMaxCommentChars = 2000;
inline constexpr double kMaxWeight = 1000;
inline constexpr int kScalePoints = 5;

// Checks a questionnaire id chosen by a client: 1 to 63 lower-case letters,
// digits and '-', starting with a letter.
absl::Status ValidateNewQuestionnaireId(absl::string_view field, absl::string_view id);

// Checks an id that names an existing questionnaire (the same shape, and present).
absl::Status ValidateQuestionnaireRef(absl::string_view field, absl::string_view id);

// Checks a version number where 0 means "the default version".
absl::Status ValidateVersionRef(absl::string_view field, int version);

// Checks the editable content of a version (title, description, items) and fills
// in the defaults: weight 1, the standard point labels, 500-character comments.
// Errors are INVALID_ARGUMENT naming the field under `field_prefix`, for example
// "questionnaire.items[2].weight".
absl::Status NormalizeAndValidateContent(absl::string_view field_prefix, v1::Questionnaire& content);

// The standard labels of the five points, lowest first.
const v1::ScaleLabels& DefaultScaleLabels();

}  // namespace satisfaction::questionnaires

#endif  // SATISFACTION_SERVICES_QUESTIONNAIRES_QUESTIONNAIRE_VALIDATION_H_
