#include "services/access/contact_masking.h"

#include "gtest/gtest.h"
#include "services/common/text_checks.h"

namespace satisfaction::access {
namespace {

TEST(MaskPhoneTest, HidesTheFourDigitsBeforeTheLastFour) {
  EXPECT_EQ(MaskPhone("13812345678"), "138****5678");
  EXPECT_EQ(MaskPhone("+8613812345678"), "+86138****5678");
  EXPECT_EQ(MaskPhone("+14155550123"), "+141****0123");
}

TEST(MaskPhoneTest, ShortNumbersKeepOnlyTheirLastFour) {
  EXPECT_EQ(MaskPhone("+4930123"), "****0123");
  EXPECT_EQ(MaskPhone("123"), "****");
  EXPECT_EQ(MaskPhone(""), "");
}

TEST(MaskPhoneTest, MasksWholeCharactersOfWhateverAClientSent) {
  // The audit log masks a phone field as the client sent it, before any
  // check: a mask must not cut a character in two.
  EXPECT_EQ(MaskPhone("一二三四五六七八九十一"), "一二三****八九十一");
  EXPECT_EQ(MaskPhone("客客客客客"), "****客客客客");
  EXPECT_EQ(MaskPhone("😀😀😀😀"), "****");
  for (std::string phone = ""; phone.size() < 60; phone += "客") {
    EXPECT_TRUE(Utf8Length(MaskPhone(phone)).has_value()) << phone;
    EXPECT_TRUE(Utf8Length(MaskPhone("1" + phone)).has_value()) << phone;
  }
}

TEST(MaskEmailTest, KeepsTheFirstCharacterAndTheDomain) {
  EXPECT_EQ(MaskEmail("alice@example.com"), "a****@example.com");
  EXPECT_EQ(MaskEmail("张三@example.cn"), "张****@example.cn");
  EXPECT_EQ(MaskEmail("no-at-sign"), "n****");
  EXPECT_EQ(MaskEmail(""), "");
}

TEST(MaskImHandleTest, KeepsTheFirstCharacter) {
  EXPECT_EQ(MaskImHandle("wxid_abc123"), "w****");
  EXPECT_EQ(MaskImHandle("小王"), "小****");
  EXPECT_EQ(MaskImHandle("x"), "****");
}

TEST(MaskContactDetailsTest, MasksEveryContactFieldAndNothingElse) {
  v1::Customer customer;
  customer.set_external_id("c-1");
  customer.set_phone("+8613812345678");
  customer.set_email("li.lei@example.cn");
  customer.set_im_handle("lilei88");
  MaskContactDetails(customer);
  EXPECT_EQ(customer.external_id(), "c-1");
  EXPECT_EQ(customer.phone(), "+86138****5678");
  EXPECT_EQ(customer.email(), "l****@example.cn");
  EXPECT_EQ(customer.im_handle(), "l****");
}

}  // namespace
}  // namespace satisfaction::access
