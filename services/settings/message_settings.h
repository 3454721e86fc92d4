#ifndef SATISFACTION_SERVICES_SETTINGS_MESSAGE_SETTINGS_H_
#define SATISFACTION_SERVICES_SETTINGS_MESSAGE_SETTINGS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "satisfaction/v1/message.pb.h"
#include "services/settings/settings_document.h"

namespace satisfaction::settings {

// The settings row's name.
inline constexpr char kMessageSettingsName[] = "messages";

// What rendering a message takes of the settings.
struct MessageStyle {
  std::string shop_name;
  std::string default_language;
  absl::Duration invitation_validity;
};

// Signed "Satisfaction", in zh-CN by default, links valid for 14 days.
v1::MessageSettings DefaultMessageSettings();

// Checks complete settings (errors name the field under "settings.").
absl::StatusOr<MessageStyle> ParseMessageSettings(const v1::MessageSettings& settings);

using MessageSettingsDocument = SettingsDocument<v1::MessageSettings, MessageStyle>;

inline MessageSettingsDocument MakeMessageSettingsDocument(storage::Database& database) {
  return MessageSettingsDocument(database, kMessageSettingsName, DefaultMessageSettings(), &ParseMessageSettings);
}

}  // namespace satisfaction::settings

#endif  // SATISFACTION_SERVICES_SETTINGS_MESSAGE_SETTINGS_H_
