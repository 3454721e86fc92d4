#include "services/settings/message_settings.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "services/common/field_checks.h"
#include "services/common/languages.h"
#include "services/common/text_checks.h"
#include "services/common/text_limits.h"

namespace satisfaction::settings {

v1::MessageSettings DefaultMessageSettings() {
  v1::MessageSettings settings;
  settings.set_shop_name("Satisfaction");
  settings.set_default_language("zh-CN");
  settings.mutable_invitation_validity()->set_seconds(14 * 24 * 3600);
  return settings;
}

absl::StatusOr<MessageStyle> ParseMessageSettings(const v1::MessageSettings& settings) {
  MessageStyle style;
  if (absl::Status s = CheckRequiredText("settings.shop_name", settings.shop_name(), 40, LineBreaks::kForbidden);
      !s.ok()) {
    return s;
  }
  style.shop_name = settings.shop_name();
  std::optional<std::string> language = SupportedLanguage(settings.default_language());
  if (!language || *language != settings.default_language()) {
    return FieldError("settings.default_language",
                      absl::StrCat("must be zh-CN or en; got ", Quote(settings.default_language())));
  }
  style.default_language = *language;
  if (!settings.has_invitation_validity()) return FieldError("settings.invitation_validity", "required");
  if (absl::Status s = CheckDuration("settings.invitation_validity", settings.invitation_validity(), absl::Hours(1),
                                     absl::Hours(24 * 90));
      !s.ok()) {
    return s;
  }
  style.invitation_validity = FromProtoDuration(settings.invitation_validity());
  return style;
}

}  // namespace satisfaction::settings
