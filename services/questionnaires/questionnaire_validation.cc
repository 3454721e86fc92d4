#include "services/questionnaires/questionnaire_validation.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/field_checks.h"
#include "services/common/text_checks.h"
#include "services/common/text_limits.h"

namespace satisfaction::questionnaires {
namespace {

bool IsIdChar(char c) { return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-'; }
bool IsCodeChar(char c) { return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_'; }

absl::Status CheckLocalized(absl::string_view field, const v1::LocalizedText& text, size_t max_chars,
                            LineBreaks line_breaks, bool required) {
  if (required && absl::StripAsciiWhitespace(text.zh_cn()).empty() && absl::StripAsciiWhitespace(text.en()).empty()) {
    return FieldError(field, "required in zh_cn or en (or both)");
  }
  if (absl::Status s = CheckText(absl::StrCat(field, ".zh_cn"), text.zh_cn(), max_chars, line_breaks); !s.ok())
    return s;
  return CheckText(absl::StrCat(field, ".en"), text.en(), max_chars, line_breaks);
}

absl::Status CheckLabels(absl::string_view field, const google::protobuf::RepeatedPtrField<std::string>& labels) {
  if (labels.size() != kScalePoints) {
    return FieldError(field, absl::StrCat("needs exactly 5 labels, lowest score first (or none for the defaults); got ",
                                          labels.size()));
  }
  for (int i = 0; i < labels.size(); ++i) {
    if (absl::Status s =
            CheckRequiredText(absl::StrCat(field, "[", i, "]"), labels[i], kMaxLabelChars, LineBreaks::kForbidden);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status NormalizeScaleItem(absl::string_view field, v1::Item& item) {
  if (item.dimension() == v1::DIMENSION_UNSPECIFIED) {
    return FieldError(absl::StrCat(field, ".dimension"), "required for 5-point items");
  }
  if (!item.has_weight()) item.set_weight(1.0);
  if (!std::isfinite(item.weight()) || item.weight() <= 0 || item.weight() > kMaxWeight) {
    return FieldError(absl::StrCat(field, ".weight"), absl::StrCat("must be greater than 0 and at most ", kMaxWeight));
  }
  if (item.max_length() != 0) return FieldError(absl::StrCat(field, ".max_length"), "only for comment items");
  v1::ScaleLabels& labels = *item.mutable_labels();
  if (labels.zh_cn().empty()) *labels.mutable_zh_cn() = DefaultScaleLabels().zh_cn();
  if (labels.en().empty()) *labels.mutable_en() = DefaultScaleLabels().en();
  if (absl::Status s = CheckLabels(absl::StrCat(field, ".labels.zh_cn"), labels.zh_cn()); !s.ok()) return s;
  return CheckLabels(absl::StrCat(field, ".labels.en"), labels.en());
}

absl::Status NormalizeCommentItem(absl::string_view field, v1::Item& item) {
  if (item.has_weight()) return FieldError(absl::StrCat(field, ".weight"), "only for 5-point items");
  if (item.labels().zh_cn_size() > 0 || item.labels().en_size() > 0) {
    return FieldError(absl::StrCat(field, ".labels"), "only for 5-point items");
  }
  item.clear_labels();
  if (item.max_length() == 0) item.set_max_length(kDefaultCommentChars);
  if (item.max_length() < 1 || item.max_length() > kMaxCommentChars) {
    return FieldError(absl::StrCat(field, ".max_length"), absl::StrCat("must be from 1 to ", kMaxCommentChars));
  }
  return absl::OkStatus();
}

absl::Status NormalizeItem(absl::string_view field, v1::Item& item) {
  const std::string& code = item.code();
  if (code.empty()) return FieldError(absl::StrCat(field, ".code"), "required");
  if (code.size() > kMaxCodeLength || !absl::ascii_islower(code[0]) ||
      !std::all_of(code.begin(), code.end(), IsCodeChar)) {
    return FieldError(absl::StrCat(field, ".code"),
                      "lower-case letters, digits and '_', starting with a letter, at most 64 characters");
  }
  if (!v1::ItemKind_IsValid(item.kind()) || item.kind() == v1::ITEM_KIND_UNSPECIFIED) {
    return FieldError(absl::StrCat(field, ".kind"),
                      absl::StrCat("must be ITEM_KIND_SCALE or ITEM_KIND_COMMENT; got ", item.kind()));
  }
  if (!v1::Dimension_IsValid(item.dimension())) {
    return FieldError(absl::StrCat(field, ".dimension"), absl::StrCat("unknown value ", item.dimension()));
  }
  if (absl::Status s = CheckLocalized(absl::StrCat(field, ".text"), item.text(), kMaxItemTextChars,
                                      LineBreaks::kAllowed, /*required=*/true);
      !s.ok()) {
    return s;
  }
  return item.kind() == v1::ITEM_KIND_SCALE ? NormalizeScaleItem(field, item) : NormalizeCommentItem(field, item);
}

}  // namespace

absl::Status ValidateNewQuestionnaireId(absl::string_view field, absl::string_view id) {
  if (id.empty()) return FieldError(field, "required");
  if (id.size() > kMaxIdLength || !absl::ascii_islower(id[0]) || !std::all_of(id.begin(), id.end(), IsIdChar)) {
    return FieldError(field, "1 to 63 lower-case letters, digits and '-', starting with a letter");
  }
  return absl::OkStatus();
}

absl::Status ValidateQuestionnaireRef(absl::string_view field, absl::string_view id) {
  return ValidateNewQuestionnaireId(field, id);
}

absl::Status ValidateVersionRef(absl::string_view field, int version) {
  if (version < 0) return FieldError(field, "must not be negative");
  return absl::OkStatus();
}

absl::Status NormalizeAndValidateContent(absl::string_view field_prefix, v1::Questionnaire& content) {
  if (absl::Status s = CheckLocalized(absl::StrCat(field_prefix, ".title"), content.title(), kMaxTitleChars,
                                      LineBreaks::kForbidden, /*required=*/true);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckLocalized(absl::StrCat(field_prefix, ".description"), content.description(),
                                      kMaxDescriptionChars, LineBreaks::kAllowed, /*required=*/false);
      !s.ok()) {
    return s;
  }
  std::string items_field = absl::StrCat(field_prefix, ".items");
  if (content.items_size() < 1 || content.items_size() > kMaxItems) {
    return FieldError(items_field, absl::StrCat("needs 1 to ", kMaxItems, " items; got ", content.items_size()));
  }
  absl::flat_hash_map<std::string, int> first_use_of_code;
  bool has_scale_item = false;
  for (int i = 0; i < content.items_size(); ++i) {
    std::string field = absl::StrCat(items_field, "[", i, "]");
    v1::Item& item = *content.mutable_items(i);
    if (absl::Status s = NormalizeItem(field, item); !s.ok()) return s;
    auto [it, inserted] = first_use_of_code.emplace(item.code(), i);
    if (!inserted) {
      return FieldError(absl::StrCat(field, ".code"),
                        absl::StrCat(Quote(item.code()), " is already used by ", items_field, "[", it->second, "]"));
    }
    has_scale_item = has_scale_item || item.kind() == v1::ITEM_KIND_SCALE;
  }
  if (!has_scale_item) return FieldError(items_field, "needs at least one 5-point item");
  return absl::OkStatus();
}

const v1::ScaleLabels& DefaultScaleLabels() {
  static const v1::ScaleLabels* labels = [] {
    auto* defaults = new v1::ScaleLabels;
    for (const char* label : {"非常不满意", "不满意", "一般", "满意", "非常满意"}) defaults->add_zh_cn(label);
    for (const char* label : {"Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"}) {
      defaults->add_en(label);
    }
    return defaults;
  }();
  return *labels;
}

}  // namespace satisfaction::questionnaires
