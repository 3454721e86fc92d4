#include "services/common/text_limits.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/common/text_checks.h"

namespace satisfaction {
namespace {

// Every limit the code cuts text to is at most this many bytes (the largest,
// the audit log's resource column, is 2,000; status messages 1,024).
constexpr size_t kLargestLimit = 2100;

// Texts of 1-, 2-, 3- and 4-byte characters, each shifted by 0 to 3 ASCII
// letters so that every limit falls at every offset inside a character.
std::vector<std::string> MultiByteTexts() {
  std::vector<std::string> texts;
  for (absl::string_view character : {"a", "é", "客", "😀"}) {
    for (int shift = 0; shift < 4; ++shift) {
      std::string text(shift, 'x');
      while (text.size() < kLargestLimit + 8) absl::StrAppend(&text, character);
      texts.push_back(text);
    }
  }
  texts.push_back("ab客😀é\n" + std::string(kLargestLimit, 'z'));  // mixed
  return texts;
}

TEST(Utf8Prefix, EveryLimitAtEveryOffsetGivesTheLongestValidPrefix) {
  for (const std::string& text : MultiByteTexts()) {
    for (size_t limit = 0; limit <= kLargestLimit; ++limit) {
      absl::string_view prefix = Utf8Prefix(text, limit);
      ASSERT_LE(prefix.size(), limit);
      ASSERT_TRUE(absl::StartsWith(text, prefix));
      ASSERT_TRUE(Utf8Length(prefix).has_value()) << "limit " << limit << " cut a character";
      // The longest: the next character would not have fitted.
      size_t next = Utf8CharacterLength(text, prefix.size());
      ASSERT_GT(prefix.size() + next, limit) << "limit " << limit << " cut more than it had to";
    }
  }
}

TEST(Utf8Prefix, KeepsValidTextThatFitsAndStopsAtTheFirstInvalidByte) {
  EXPECT_EQ(Utf8Prefix("满意", 6), "满意");
  EXPECT_EQ(Utf8Prefix("满意", 100), "满意");
  EXPECT_EQ(Utf8Prefix("满意", 5), "满");
  EXPECT_EQ(Utf8Prefix("", 0), "");
  EXPECT_EQ(Utf8Prefix("ok\xff tail", 100), "ok");
  EXPECT_EQ(Utf8Prefix("ok\xe5\xae", 100), "ok");  // a character cut at the end
}

TEST(Abbreviate, CutTextEndsWithAnEllipsisWithinTheLimit) {
  for (const std::string& text : MultiByteTexts()) {
    for (size_t limit : {3, 4, 5, 16, 32, 128, 500, 1024, 2000}) {
      std::string cut = Abbreviate(text, limit);
      EXPECT_LE(cut.size(), limit);
      EXPECT_TRUE(absl::EndsWith(cut, "…"));
      EXPECT_TRUE(Utf8Length(cut).has_value());
      EXPECT_TRUE(absl::StartsWith(text, absl::string_view(cut).substr(0, cut.size() - 3)));
    }
  }
  EXPECT_EQ(Abbreviate("short", 5), "short");
}

TEST(Printable, EscapesControlsAndStrayBytesOnOneLine) {
  EXPECT_EQ(Printable("a\nb\rc\td", 100), "a\\nb\\rc\\td");
  EXPECT_EQ(Printable(std::string("nul\0esc\x1b", 8), 100), "nul\\x00esc\\x1b");
  EXPECT_EQ(Printable("del\x7f c1\xc2\x85", 100), "del\\x7f c1\\u0085");
  EXPECT_EQ(Printable("bad\xff\xfe", 100), "bad\\xff\\xfe");
  EXPECT_EQ(Printable("back\\slash", 100), "back\\\\slash");
  EXPECT_EQ(Printable("满意度😀", 100), "满意度😀");
}

TEST(Printable, KeepsAtMostTheGivenCharacters) {
  EXPECT_EQ(Printable("客客客客", 2), "客客…");
  EXPECT_EQ(Printable("客客", 2), "客客");
  std::string huge(3 << 20, '\n');
  std::string printed = Printable(huge, 100);
  EXPECT_EQ(printed.size(), 2 * 100 + 3);
}

TEST(Quote, QuotesAShortSafePrefix) {
  EXPECT_EQ(Quote("c1"), "'c1'");
  EXPECT_EQ(Quote("it's"), "'it\\'s'");
  EXPECT_EQ(Quote(std::string(kQuotedChars, 'x')), absl::StrCat("'", std::string(kQuotedChars, 'x'), "'"));
  EXPECT_EQ(Quote(std::string(10000, 'x')), absl::StrCat("'", std::string(kQuotedChars, 'x'), "'…"));
  std::string cjk;
  for (int i = 0; i < 50; ++i) cjk += "客";
  std::string quoted = Quote(cjk);
  EXPECT_TRUE(Utf8Length(quoted).has_value());
  EXPECT_EQ(Utf8Length(quoted), kQuotedChars + 3);
  EXPECT_EQ(Quote("line\nbreak\xff"), "'line\\nbreak\\xff'");
}

}  // namespace
}  // namespace satisfaction
