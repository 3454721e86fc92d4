#include "services/responses/response_validation.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "satisfaction/v1/questionnaire.pb.h"
#include "services/common/field_checks.h"
#include "services/common/text_checks.h"
#include "services/common/text_limits.h"

namespace satisfaction::responses {

const ItemShape* QuestionnaireShape::Find(const std::string& code) const {
  for (const ItemShape& item : items) {
    if (item.code == code) return &item;
  }
  return nullptr;
}

absl::Status CheckAnswerShapes(const google::protobuf::RepeatedPtrField<v1::Answer>& answers) {
  if (answers.empty()) return FieldError("answers", "at least one answer is required");
  if (answers.size() > kMaxAnswers) {
    return FieldError("answers", absl::StrCat("at most ", kMaxAnswers, " answers; got ", answers.size()));
  }
  for (int i = 0; i < answers.size(); ++i) {
    // Item codes are at most 64 characters; a longer one is no code, and is not echoed back.
    if (answers[i].item_code().empty() || answers[i].item_code().size() > 64) {
      return FieldError(absl::StrCat("answers[", i, "].item_code"), "1 to 64 characters");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateAnswers(const QuestionnaireShape& shape,
                             const google::protobuf::RepeatedPtrField<v1::Answer>& answers) {
  if (absl::Status s = CheckAnswerShapes(answers); !s.ok()) return s;
  absl::flat_hash_set<std::string> answered;
  for (int i = 0; i < answers.size(); ++i) {
    const v1::Answer& answer = answers[i];
    std::string field = absl::StrCat("answers[", i, "]");
    const ItemShape* item = shape.Find(answer.item_code());
    if (item == nullptr) {
      return FieldError(field + ".item_code", absl::StrCat("questionnaire ", Quote(shape.id), " version ",
                                                           shape.version, " has no item ", Quote(answer.item_code())));
    }
    if (!answered.insert(item->code).second) {
      return FieldError(field + ".item_code", absl::StrCat("item ", Quote(item->code), " is answered twice"));
    }
    if (item->kind == v1::ITEM_KIND_SCALE) {
      if (answer.score() < 1 || answer.score() > 5) {
        return FieldError(field + ".score", absl::StrCat("must be 1 to 5; got ", answer.score()));
      }
      if (!answer.text().empty()) return FieldError(field + ".text", "5-point items take a score, not text");
    } else {
      if (answer.score() != 0) return FieldError(field + ".score", "comment items take text, not a score");
      if (absl::Status s = CheckText(field + ".text", answer.text(), item->max_length, LineBreaks::kAllowed); !s.ok()) {
        return s;
      }
    }
  }
  for (const ItemShape& item : shape.items) {
    if (item.required && !answered.contains(item.code)) {
      return FieldError("answers", absl::StrCat("item ", Quote(item.code), " is required"));
    }
  }
  return absl::OkStatus();
}

}  // namespace satisfaction::responses
