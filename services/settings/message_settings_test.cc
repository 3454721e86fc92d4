#include "services/settings/message_settings.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace satisfaction::settings {
namespace {

void ExpectRefused(const v1::MessageSettings& settings, const std::string& field) {
  absl::StatusOr<MessageStyle> style = ParseMessageSettings(settings);
  ASSERT_FALSE(style.ok()) << field;
  EXPECT_EQ(style.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(style.status().message(), field)) << style.status();
}

TEST(MessageSettingsTest, TheDefaultsParse) {
  absl::StatusOr<MessageStyle> style = ParseMessageSettings(DefaultMessageSettings());
  ASSERT_TRUE(style.ok()) << style.status();
  EXPECT_EQ(style->shop_name, "Satisfaction");
  EXPECT_EQ(style->default_language, "zh-CN");
  EXPECT_EQ(style->invitation_validity, absl::Hours(24 * 14));
}

TEST(MessageSettingsTest, BadValuesAreRefusedNamingTheField) {
  v1::MessageSettings settings = DefaultMessageSettings();
  settings.set_shop_name("");
  ExpectRefused(settings, "settings.shop_name");
  settings.set_shop_name(std::string(41, 'x'));
  ExpectRefused(settings, "settings.shop_name");

  settings = DefaultMessageSettings();
  for (const char* language : {"", "fr", "zh", "EN"}) {
    settings.set_default_language(language);
    ExpectRefused(settings, "settings.default_language");
  }

  settings = DefaultMessageSettings();
  settings.clear_invitation_validity();
  ExpectRefused(settings, "settings.invitation_validity");
  settings.mutable_invitation_validity()->set_seconds(59 * 60);
  ExpectRefused(settings, "settings.invitation_validity");
  settings.mutable_invitation_validity()->set_seconds(91 * 24 * 3600);
  ExpectRefused(settings, "settings.invitation_validity");
}

}  // namespace
}  // namespace satisfaction::settings
