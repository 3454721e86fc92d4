#include "services/questionnaires/questionnaire_validation.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/support/sample_questionnaires.h"

namespace satisfaction::questionnaires {
namespace {

using test_support::SampleQuestionnaire;

// Expects INVALID_ARGUMENT whose message starts with the field's path.
void ExpectInvalid(v1::Questionnaire content, const std::string& field) {
  absl::Status status = NormalizeAndValidateContent("questionnaire", content);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << field;
  EXPECT_EQ(status.message().substr(0, field.size() + 1), field + ":") << status;
}

TEST(NormalizeAndValidateContent, FillsDefaults) {
  v1::Questionnaire content = SampleQuestionnaire();
  content.mutable_items(1)->clear_weight();
  content.mutable_items(2)->set_max_length(0);
  ASSERT_TRUE(NormalizeAndValidateContent("questionnaire", content).ok());
  EXPECT_EQ(content.items(1).weight(), 1.0);
  ASSERT_EQ(content.items(0).labels().zh_cn_size(), 5);
  EXPECT_EQ(content.items(0).labels().zh_cn(0), "非常不满意");
  EXPECT_EQ(content.items(0).labels().zh_cn(4), "非常满意");
  EXPECT_EQ(content.items(0).labels().en(2), "Neutral");
  EXPECT_EQ(content.items(2).max_length(), 500);
  EXPECT_FALSE(content.items(2).has_labels());
}

TEST(NormalizeAndValidateContent, KeepsCustomLabels) {
  v1::Questionnaire content = SampleQuestionnaire();
  for (const char* label : {"非常不愿意", "不愿意", "不确定", "愿意", "非常愿意"}) {
    content.mutable_items(0)->mutable_labels()->add_zh_cn(label);
  }
  ASSERT_TRUE(NormalizeAndValidateContent("questionnaire", content).ok());
  EXPECT_EQ(content.items(0).labels().zh_cn(4), "非常愿意");
  EXPECT_EQ(content.items(0).labels().en(4), "Very satisfied") << "the missing language gets the defaults";
}

TEST(NormalizeAndValidateContent, TitleIsRequiredInOneLanguage) {
  v1::Questionnaire content = SampleQuestionnaire();
  content.clear_title();
  ExpectInvalid(content, "questionnaire.title");
  content.mutable_title()->set_en("Only English");
  EXPECT_TRUE(NormalizeAndValidateContent("questionnaire", content).ok());
}

TEST(NormalizeAndValidateContent, TextLimits) {
  v1::Questionnaire long_title = SampleQuestionnaire();
  std::string title;
  for (int i = 0; i < 201; ++i) title += "满";
  long_title.mutable_title()->set_zh_cn(title);
  ExpectInvalid(long_title, "questionnaire.title.zh_cn");

  v1::Questionnaire long_text = SampleQuestionnaire();
  long_text.mutable_items(1)->mutable_text()->set_en(std::string(501, 'a'));
  ExpectInvalid(long_text, "questionnaire.items[1].text.en");

  v1::Questionnaire bad_utf8 = SampleQuestionnaire();
  bad_utf8.mutable_description()->set_en("caf\xc3");
  ExpectInvalid(bad_utf8, "questionnaire.description.en");

  v1::Questionnaire newline_title = SampleQuestionnaire();
  newline_title.mutable_title()->set_en("two\nlines");
  ExpectInvalid(newline_title, "questionnaire.title.en");
}

TEST(NormalizeAndValidateContent, ItemCountLimits) {
  v1::Questionnaire none = SampleQuestionnaire();
  none.clear_items();
  ExpectInvalid(none, "questionnaire.items");
  v1::Questionnaire fifty = SampleQuestionnaire("t", 49);
  EXPECT_TRUE(NormalizeAndValidateContent("questionnaire", fifty).ok());
  v1::Questionnaire fifty_one = SampleQuestionnaire("t", 50);
  ExpectInvalid(fifty_one, "questionnaire.items");
  v1::Questionnaire comments_only = SampleQuestionnaire("t", 0);
  ExpectInvalid(comments_only, "questionnaire.items");
}

TEST(NormalizeAndValidateContent, ItemCodes) {
  v1::Questionnaire duplicate = SampleQuestionnaire();
  duplicate.mutable_items(1)->set_code("item_0");
  absl::Status status = NormalizeAndValidateContent("questionnaire", duplicate);
  EXPECT_EQ(status.message(), "questionnaire.items[1].code: 'item_0' is already used by questionnaire.items[0]");
  for (const char* bad : {"", "Overall", "1st", "with-dash", "空"}) {
    v1::Questionnaire content = SampleQuestionnaire();
    content.mutable_items(0)->set_code(bad);
    ExpectInvalid(content, "questionnaire.items[0].code");
  }
  v1::Questionnaire long_code = SampleQuestionnaire();
  long_code.mutable_items(0)->set_code("a" + std::string(64, 'b'));
  ExpectInvalid(long_code, "questionnaire.items[0].code");
}

TEST(NormalizeAndValidateContent, Weights) {
  for (double weight :
       {0.0, -1.0, 1e9, std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()}) {
    v1::Questionnaire content = SampleQuestionnaire();
    content.mutable_items(0)->set_weight(weight);
    ExpectInvalid(content, "questionnaire.items[0].weight");
  }
  v1::Questionnaire comment_weight = SampleQuestionnaire();
  comment_weight.mutable_items(2)->set_weight(1);
  ExpectInvalid(comment_weight, "questionnaire.items[2].weight");
}

TEST(NormalizeAndValidateContent, EnumsMustBeKnownAndSet) {
  v1::Questionnaire unknown_kind = SampleQuestionnaire();
  unknown_kind.mutable_items(0)->set_kind(static_cast<v1::ItemKind>(42));
  ExpectInvalid(unknown_kind, "questionnaire.items[0].kind");
  v1::Questionnaire no_kind = SampleQuestionnaire();
  no_kind.mutable_items(0)->set_kind(v1::ITEM_KIND_UNSPECIFIED);
  ExpectInvalid(no_kind, "questionnaire.items[0].kind");
  v1::Questionnaire unknown_dimension = SampleQuestionnaire();
  unknown_dimension.mutable_items(1)->set_dimension(static_cast<v1::Dimension>(99));
  ExpectInvalid(unknown_dimension, "questionnaire.items[1].dimension");
  v1::Questionnaire no_dimension = SampleQuestionnaire();
  no_dimension.mutable_items(1)->set_dimension(v1::DIMENSION_UNSPECIFIED);
  ExpectInvalid(no_dimension, "questionnaire.items[1].dimension");
}

TEST(NormalizeAndValidateContent, LabelsAreFiveShortTexts) {
  v1::Questionnaire four = SampleQuestionnaire();
  for (int i = 0; i < 4; ++i) four.mutable_items(0)->mutable_labels()->add_en("x");
  ExpectInvalid(four, "questionnaire.items[0].labels.en");
  v1::Questionnaire blank = SampleQuestionnaire();
  for (const char* label : {"a", "b", " ", "d", "e"}) blank.mutable_items(0)->mutable_labels()->add_en(label);
  ExpectInvalid(blank, "questionnaire.items[0].labels.en[2]");
  v1::Questionnaire comment_labels = SampleQuestionnaire();
  comment_labels.mutable_items(2)->mutable_labels()->add_en("x");
  ExpectInvalid(comment_labels, "questionnaire.items[2].labels");
}

TEST(NormalizeAndValidateContent, CommentLengthCap) {
  for (int length : {-1, 2001}) {
    v1::Questionnaire content = SampleQuestionnaire();
    content.mutable_items(2)->set_max_length(length);
    ExpectInvalid(content, "questionnaire.items[2].max_length");
  }
  v1::Questionnaire scale_cap = SampleQuestionnaire();
  scale_cap.mutable_items(0)->set_max_length(10);
  ExpectInvalid(scale_cap, "questionnaire.items[0].max_length");
}

TEST(ValidateNewQuestionnaireId, Shape) {
  EXPECT_TRUE(ValidateNewQuestionnaireId("questionnaire_id", "post-delivery").ok());
  EXPECT_TRUE(ValidateNewQuestionnaireId("questionnaire_id", "q2").ok());
  for (const char* bad : {"", "Post", "-x", "9lives", "a_b", "a b", "问卷"}) {
    absl::Status status = ValidateNewQuestionnaireId("questionnaire_id", bad);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(status.message().substr(0, 17), "questionnaire_id:");
  }
  EXPECT_FALSE(ValidateNewQuestionnaireId("questionnaire_id", std::string(64, 'a')).ok());
  EXPECT_TRUE(ValidateNewQuestionnaireId("questionnaire_id", std::string(63, 'a')).ok());
}

}  // namespace
}  // namespace satisfaction::questionnaires
