#include "services/common/text_checks.h"

#include "gtest/gtest.h"

namespace satisfaction {
namespace {

TEST(Utf8Length, CountsCodePoints) {
  EXPECT_EQ(Utf8Length(""), 0u);
  EXPECT_EQ(Utf8Length("abc"), 3u);
  EXPECT_EQ(Utf8Length("非常满意"), 4u);
  EXPECT_EQ(Utf8Length("😀"), 1u);
}

TEST(Utf8Length, RejectsMalformedSequences) {
  EXPECT_FALSE(Utf8Length("\xff"));
  EXPECT_FALSE(Utf8Length("\xc3"));              // truncated
  EXPECT_FALSE(Utf8Length("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(Utf8Length("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(Utf8Length("\xf4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(Utf8Length("ok\x80"));
}

TEST(CheckText, NamesTheFieldInEveryError) {
  absl::Status invalid = CheckText("title.zh_cn", "\xff", 10, LineBreaks::kForbidden);
  EXPECT_EQ(invalid.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(invalid.message(), "title.zh_cn: not valid UTF-8");
  absl::Status too_long = CheckText("title.zh_cn", "一二三四", 3, LineBreaks::kForbidden);
  EXPECT_EQ(too_long.message(), "title.zh_cn: 4 characters, at most 3 allowed");
  EXPECT_TRUE(CheckText("t", "一二三", 3, LineBreaks::kForbidden).ok());
}

TEST(CheckText, LineBreaksOnlyWhereAllowed) {
  EXPECT_FALSE(CheckText("t", "a\nb", 10, LineBreaks::kForbidden).ok());
  EXPECT_TRUE(CheckText("t", "a\nb\tc", 10, LineBreaks::kAllowed).ok());
  EXPECT_FALSE(CheckText("t", std::string("a\0b", 3), 10, LineBreaks::kAllowed).ok());
  EXPECT_FALSE(CheckText("t", "a\x1b[31m", 10, LineBreaks::kAllowed).ok());
}

TEST(CheckRequiredText, BlankIsMissing) {
  EXPECT_EQ(CheckRequiredText("label", "  ", 10, LineBreaks::kForbidden).message(), "label: required");
  EXPECT_TRUE(CheckRequiredText("label", "满意", 10, LineBreaks::kForbidden).ok());
}

}  // namespace
}  // namespace satisfaction
