#include "services/common/languages.h"

#include "gtest/gtest.h"

namespace satisfaction {
namespace {

TEST(SupportedLanguage, ByPrimarySubtagInAnyCase) {
  EXPECT_EQ(SupportedLanguage("zh"), "zh-CN");
  EXPECT_EQ(SupportedLanguage("ZH-hans-CN"), "zh-CN");
  EXPECT_EQ(SupportedLanguage("zh_TW"), "zh-CN");
  EXPECT_EQ(SupportedLanguage("en-GB"), "en");
  EXPECT_EQ(SupportedLanguage("fr"), std::nullopt);
  EXPECT_EQ(SupportedLanguage(""), std::nullopt);
}

TEST(PreferredLanguage, ByWeightThenOrder) {
  EXPECT_EQ(PreferredLanguage("en-GB,en;q=0.9,zh;q=0.5", "zh-CN"), "en");
  EXPECT_EQ(PreferredLanguage("fr, zh;q=0.4, en;q=0.8", "zh-CN"), "en");
  EXPECT_EQ(PreferredLanguage("zh-CN, en", "en"), "zh-CN") << "equal weights: the first";
  EXPECT_EQ(PreferredLanguage("en;q=0", "zh-CN"), "zh-CN") << "q=0 is not acceptable";
  EXPECT_EQ(PreferredLanguage("fr, de", "en"), "en");
  EXPECT_EQ(PreferredLanguage("", "zh-CN"), "zh-CN");
  EXPECT_EQ(PreferredLanguage("en;q=bad", "zh-CN"), "zh-CN");
}

TEST(SurveyPageLanguage, TheMessagesLanguageUnlessTheBrowserTakesOnlyTheOther) {
  // The browser takes the message's language, among others: the message's.
  EXPECT_EQ(SurveyPageLanguage("en", "zh-CN,zh;q=0.9,en;q=0.5", "zh-CN"), "en");
  EXPECT_EQ(SurveyPageLanguage("zh-CN", "en-US,en;q=0.9,zh;q=0.1", "zh-CN"), "zh-CN");
  EXPECT_EQ(SurveyPageLanguage("en", "fr, *;q=0.1", "zh-CN"), "en") << "* takes anything";
  // Nothing said, or only unsupported languages: the message's.
  EXPECT_EQ(SurveyPageLanguage("en", "", "zh-CN"), "en");
  EXPECT_EQ(SurveyPageLanguage("en", "fr-FR, de", "zh-CN"), "en");
  // Only the other: the browser's.
  EXPECT_EQ(SurveyPageLanguage("en", "zh-CN,zh;q=0.9", "zh-CN"), "zh-CN");
  EXPECT_EQ(SurveyPageLanguage("zh-CN", "en-GB, fr;q=0.5", "zh-CN"), "en");
  EXPECT_EQ(SurveyPageLanguage("zh-CN", "en, zh;q=0", "zh-CN"), "en") << "zh refused outright";
  // No message language: the browser's preference, else the fallback.
  EXPECT_EQ(SurveyPageLanguage("", "en-GB", "zh-CN"), "en");
  EXPECT_EQ(SurveyPageLanguage("", "fr", "zh-CN"), "zh-CN");
  EXPECT_EQ(SurveyPageLanguage("", "", "zh-CN"), "zh-CN");
}

}  // namespace
}  // namespace satisfaction
