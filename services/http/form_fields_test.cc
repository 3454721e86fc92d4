#include "services/http/form_fields.h"

#include "gtest/gtest.h"

namespace satisfaction::http {
namespace {

TEST(FormFieldsTest, DecodesFieldsInOrder) {
  absl::StatusOr<FormFields> fields = ParseFormFields("key=sat_a%2Bb+c&lang=zh-CN&empty=&key=second");
  ASSERT_TRUE(fields.ok()) << fields.status();
  ASSERT_EQ(fields->size(), 4u);
  EXPECT_EQ((*fields)[0], std::make_pair(std::string("key"), std::string("sat_a+b c")));
  EXPECT_EQ((*fields)[2], std::make_pair(std::string("empty"), std::string("")));
  EXPECT_EQ(FieldValue(*fields, "key"), "sat_a+b c");
  EXPECT_EQ(FieldValue(*fields, "lang"), "zh-CN");
  EXPECT_EQ(FieldValue(*fields, "missing"), std::nullopt);
  EXPECT_EQ(FieldValue(*ParseFormFields("name=%E6%BB%A1%E6%84%8F"), "name"), "满意");
  EXPECT_TRUE(ParseFormFields("")->empty());
}

TEST(FormFieldsTest, RefusesBadEscapesAndBadUtf8) {
  for (const char* bad : {"a=%", "a=%4", "a=%zz", "%G1=b", "a=%FF%FE"}) {
    EXPECT_EQ(ParseFormFields(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(PercentDecoded("post%2Ddelivery+x"), "post-delivery+x");
  EXPECT_EQ(PercentDecoded("%"), std::nullopt);
}

TEST(FormFieldsTest, FindsCookiesByExactName) {
  std::string header = "other=1; satisfaction-dashboard=abc_DEF-1; x-satisfaction-dashboard=no";
  EXPECT_EQ(CookieValue(header, "satisfaction-dashboard"), "abc_DEF-1");
  EXPECT_EQ(CookieValue(header, "dashboard"), std::nullopt);
  EXPECT_EQ(CookieValue("", "satisfaction-dashboard"), std::nullopt);
}

TEST(FormFieldsTest, EscapesForQueryStrings) {
  EXPECT_EQ(QueryEscape("post-delivery_1.x~"), "post-delivery_1.x~");
  EXPECT_EQ(QueryEscape("a b&c/满"), "a%20b%26c%2F%E6%BB%A1");
  EXPECT_EQ(*PercentDecoded(QueryEscape("a b&c/满")), "a b&c/满");
}

}  // namespace
}  // namespace satisfaction::http
