#ifndef SATISFACTION_SERVICES_RESPONSES_RESPONSE_VALIDATION_H_
#define SATISFACTION_SERVICES_RESPONSES_RESPONSE_VALIDATION_H_

#include <google/protobuf/repeated_field.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "satisfaction/v1/response.pb.h"

namespace satisfaction::responses {

inline constexpr int kMaxAnswers = 100;

// What answering an item takes (a published questionnaire version is frozen,
// so its shape can be kept).
struct ItemShape {
  std::string code;
  int kind = 0;       // v1::ItemKind
  int dimension = 0;  // v1::Dimension
  bool required = false;
  int max_length = 0;  // comment items
};

struct QuestionnaireShape {
  std::string id;
  int version = 0;
  std::vector<ItemShape> items;

  const ItemShape* Find(const std::string& code) const;
};

// Checks what needs no questionnaire: 1 to kMaxAnswers answers, item codes of
// at most 64 characters. INVALID_ARGUMENT naming the field.
absl::Status CheckAnswerShapes(const google::protobuf::RepeatedPtrField<v1::Answer>& answers);

// Checks a response's answers against the version they answer: known item
// codes only, each once; scores 1 to 5 on 5-point items and none on comments;
// comments valid UTF-8 within the item's length; every required item
// answered. INVALID_ARGUMENT naming answers[i] and its field.
absl::Status ValidateAnswers(const QuestionnaireShape& shape,
                             const google::protobuf::RepeatedPtrField<v1::Answer>& answers);

}  // namespace satisfaction::responses

#endif  // SATISFACTION_SERVICES_RESPONSES_RESPONSE_VALIDATION_H_
