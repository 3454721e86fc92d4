#include "services/common/request_id.h"

#include <string>

#include "gtest/gtest.h"

namespace satisfaction {
namespace {

bool IsNewId(const std::string& id) {
  return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(ChooseRequestId, KeepsTheClientsSaneId) {
  for (const char* sane : {"req-1", "3f2504e0-4f89-11d3-9a0c-0305e82c3301", "dialer/7:call=42", "a"}) {
    EXPECT_EQ(ChooseRequestId(sane), sane);
  }
  std::string longest(kMaxRequestIdChars, 'x');
  EXPECT_EQ(ChooseRequestId(longest), longest);
}

TEST(ChooseRequestId, MakesANewOneForNoneOrAnUnfitOne) {
  EXPECT_TRUE(IsNewId(ChooseRequestId(std::nullopt)));
  for (const std::string& unfit :
       {std::string(), std::string(kMaxRequestIdChars + 1, 'x'), std::string("two words"), std::string("say\"hi"),
        std::string("back\\slash"), std::string("line\nbreak"), std::string("tab\t"), std::string("nul\0x", 5),
        std::string("满意"), std::string("\x7f")}) {
    std::string chosen = ChooseRequestId(unfit);
    EXPECT_TRUE(IsNewId(chosen)) << chosen;
  }
  EXPECT_NE(ChooseRequestId(std::nullopt), ChooseRequestId(std::nullopt));
}

}  // namespace
}  // namespace satisfaction
