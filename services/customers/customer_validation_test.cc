#include "services/customers/customer_validation.h"

#include "gtest/gtest.h"

namespace satisfaction::customers {
namespace {

v1::Customer Valid() {
  v1::Customer c;
  c.set_external_id("shop-42");
  c.set_name("王小明");
  c.set_phone("+8613800138000");
  c.set_email("xiaoming@example.cn");
  return c;
}

void ExpectInvalid(v1::Customer customer, const std::string& field) {
  absl::Status status = NormalizeAndValidateCustomer("customer", customer);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << field;
  EXPECT_EQ(status.message().substr(0, field.size() + 1), field + ":") << status;
}

TEST(NormalizeAndValidateCustomer, TimeZonesAreIanaNamesNotPaths) {
  // Abseil opens any path it is given as a time zone (absolute, or with
  // ..), and remembers every name it was asked for, found or not.
  for (const char* zone : {"Asia/Shanghai", "UTC", "America/Argentina/Buenos_Aires", "Etc/GMT+8", "EST5EDT"}) {
    v1::Customer c = Valid();
    c.set_time_zone(zone);
    EXPECT_TRUE(NormalizeAndValidateCustomer("customer", c).ok()) << zone;
  }
  for (const char* zone : {"/usr/share/zoneinfo/Asia/Shanghai", "../zoneinfo/UTC", "Asia/../UTC", "Asia//Shanghai",
                           "Asia/", "./UTC", "Asia/Shanghai ", "Asia/Nowhere", "/dev/zero", "file:UTC", "zone.tab"}) {
    v1::Customer c = Valid();
    c.set_time_zone(zone);
    ExpectInvalid(c, "customer.time_zone");
  }
}

TEST(NormalizeAndValidateCustomer, NormalisesPhoneTimeZoneAndTags) {
  v1::Customer c = Valid();
  c.set_phone("+86 138-0013-8000");
  for (const char* tag : {"vip", "wholesale", "vip"}) c.add_tags(tag);
  c.mutable_rfm()->set_recency(5);  // output only: dropped
  ASSERT_TRUE(NormalizeAndValidateCustomer("customer", c).ok());
  EXPECT_EQ(c.phone(), "+8613800138000");
  EXPECT_EQ(c.time_zone(), "Asia/Shanghai");
  EXPECT_EQ(c.tags_size(), 2);
  EXPECT_FALSE(c.has_rfm());
}

TEST(NormalizeAndValidateCustomer, LanguagesAreNormalisedToThoseMessagesComeIn) {
  for (const auto& [given, stored] : std::vector<std::pair<std::string, std::string>>{
           {"", ""}, {"zh", "zh-CN"}, {"zh-Hans-CN", "zh-CN"}, {"ZH_cn", "zh-CN"}, {"en", "en"}, {"en-US", "en"}}) {
    v1::Customer c = Valid();
    c.set_language(given);
    ASSERT_TRUE(NormalizeAndValidateCustomer("customer", c).ok()) << given;
    EXPECT_EQ(c.language(), stored) << given;
  }
  for (const char* unsupported : {"fr", "ja-JP", "x", "english"}) {
    v1::Customer c = Valid();
    c.set_language(unsupported);
    ExpectInvalid(c, "customer.language");
  }
}

TEST(NormalizeAndValidateCustomer, PhoneNumbers) {
  for (const char* good : {"+14155550123", "+4930123456", "+85291234567"}) {
    v1::Customer c = Valid();
    c.set_phone(good);
    EXPECT_TRUE(NormalizeAndValidateCustomer("customer", c).ok()) << good;
  }
  for (const char* bad : {"13800138000", "+86123", "+86 abc", "+0000000000", "++8613800138000"}) {
    v1::Customer c = Valid();
    SCOPED_TRACE(bad);
    c.set_phone(bad);
    ExpectInvalid(c, "customer.phone");
  }
}

TEST(NormalizeAndValidateCustomer, EveryFieldIsChecked) {
  v1::Customer c = Valid();
  c.clear_external_id();
  ExpectInvalid(c, "customer.external_id");
  c = Valid();
  c.set_external_id("has space");
  ExpectInvalid(c, "customer.external_id");
  c = Valid();
  c.set_name(std::string(101, 'a'));
  ExpectInvalid(c, "customer.name");
  c = Valid();
  c.set_email("not-an-email");
  ExpectInvalid(c, "customer.email");
  c = Valid();
  c.set_time_zone("Mars/Olympus_Mons");
  ExpectInvalid(c, "customer.time_zone");
  c = Valid();
  c.set_preferred_channel(static_cast<v1::Channel>(9));
  ExpectInvalid(c, "customer.preferred_channel");
  c = Valid();
  c.set_preferred_channel(v1::CHANNEL_IM);  // no IM handle
  ExpectInvalid(c, "customer.preferred_channel");
  c = Valid();
  c.set_type_override(static_cast<v1::CustomerType>(42));
  ExpectInvalid(c, "customer.type_override");
  c = Valid();
  for (int i = 0; i < 21; ++i) c.add_tags("t" + std::to_string(i));
  ExpectInvalid(c, "customer.tags");
  c = Valid();
  c.add_tags("two words");
  ExpectInvalid(c, "customer.tags");
  c = Valid();
  c.set_im_handle("wx\x01");
  ExpectInvalid(c, "customer.im_handle");
}

}  // namespace
}  // namespace satisfaction::customers
