#include "services/questionnaires/template_loader.h"

#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/support/backend_test.h"
#include "tests/support/test_database.h"

namespace satisfaction::questionnaires {
namespace {

class TemplateLoaderTest : public test_support::MigratedDatabaseTest {
 protected:
  TemplateLoaderTest() : MigratedDatabaseTest(/*pool_size=*/2) {}

  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    store_ = std::make_unique<QuestionnaireStore>(*database_);
    folder_ = test_support::MakeTempDir("satisfaction-templates");
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }

  void Write(const std::string& name, const std::string& text) { std::ofstream(folder_ + "/" + name) << text; }

  std::unique_ptr<QuestionnaireStore> store_;
  std::string folder_;
};

TEST_P(TemplateLoaderTest, TheStandardTemplatesAreValidAndLoadOnce) {
  std::string standard = test_support::RepoRoot() + "/templates/questionnaires";
  absl::StatusOr<TemplateLoadSummary> first = LoadQuestionnaireTemplates(standard, *store_);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->created, 3);
  absl::StatusOr<TemplateLoadSummary> second = LoadQuestionnaireTemplates(standard, *store_);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->created, 0);
  EXPECT_EQ(second->already_present, 3);

  for (const char* id : {"post-delivery", "after-sales-follow-up", "loyalty-care"}) {
    absl::StatusOr<v1::Questionnaire> loaded = store_->Get(id, 0);
    ASSERT_TRUE(loaded.ok()) << id << ": " << loaded.status();
    EXPECT_EQ(loaded->state(), v1::QUESTIONNAIRE_STATE_PUBLISHED) << id;
    EXPECT_FALSE(loaded->title().zh_cn().empty()) << id;
    EXPECT_FALSE(loaded->title().en().empty()) << id;
    EXPECT_LE(loaded->items_size(), 8) << id << " stays short enough for an SMS survey";
    bool has_overall = false;
    for (const v1::Item& item : loaded->items()) {
      EXPECT_FALSE(item.text().zh_cn().empty()) << id << "/" << item.code();
      EXPECT_FALSE(item.text().en().empty()) << id << "/" << item.code();
      if (item.kind() == v1::ITEM_KIND_SCALE) {
        EXPECT_EQ(item.labels().zh_cn_size(), 5) << id << "/" << item.code();
        has_overall = has_overall || item.dimension() == v1::DIMENSION_OVERALL;
      }
    }
    EXPECT_TRUE(has_overall) << id << " asks for an overall score";
  }
}

TEST_P(TemplateLoaderTest, ASyntaxErrorNamesTheFileAndLine) {
  Write("broken.textproto", "title { zh_cn: \"x\" }\nitems { code: \"a\" kind: NOT_A_KIND }\n");
  absl::StatusOr<TemplateLoadSummary> loaded = LoadQuestionnaireTemplates(folder_, *store_);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(loaded.status().message(), "broken.textproto")) << loaded.status();
  EXPECT_TRUE(absl::StrContains(loaded.status().message(), "line 2")) << loaded.status();
}

TEST_P(TemplateLoaderTest, InvalidContentNamesTheFileAndField) {
  Write("zero-weight.textproto",
        "title { zh_cn: \"t\" }\n"
        "items { code: \"overall\" kind: ITEM_KIND_SCALE text { zh_cn: \"满意吗？\" }"
        " dimension: DIMENSION_OVERALL weight: 0 }\n");
  absl::StatusOr<TemplateLoadSummary> loaded = LoadQuestionnaireTemplates(folder_, *store_);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(loaded.status().message(), "zero-weight.textproto")) << loaded.status();
  EXPECT_TRUE(absl::StrContains(loaded.status().message(), "items[0].weight")) << loaded.status();
  EXPECT_EQ(store_->Get("zero-weight", 1).status().code(), absl::StatusCode::kNotFound);
}

TEST_P(TemplateLoaderTest, TheFileNameMustBeAnId) {
  Write("Not_An_Id.textproto", "title { zh_cn: \"t\" }\n");
  absl::StatusOr<TemplateLoadSummary> loaded = LoadQuestionnaireTemplates(folder_, *store_);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(loaded.status().message(), "Not_An_Id.textproto")) << loaded.status();
}

TEST_P(TemplateLoaderTest, AMissingFolderIsAnError) {
  absl::StatusOr<TemplateLoadSummary> loaded = LoadQuestionnaireTemplates(folder_ + "/nowhere", *store_);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(TemplateLoaderTest);

}  // namespace
}  // namespace satisfaction::questionnaires
