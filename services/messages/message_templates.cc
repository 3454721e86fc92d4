#include "services/messages/message_templates.h"

#include <kainjow/mustache.hpp>
#include <optional>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/common/languages.h"
#include "services/common/text_checks.h"
#include "services/common/textproto_files.h"
#include "services/revisits/business_context.h"

namespace satisfaction::messages {
namespace {

constexpr const char* kKinds[] = {"survey", "care"};
constexpr const char* kChannels[] = {"sms", "im", "email"};
constexpr char kSubjectPrefix[] = "Subject:";
constexpr char kOptOutHintFile[] = "sms-opt-out.txt";

// GSM 03.38: the basic set (one septet each) and the extension set (two).
constexpr char32_t kGsmBasic[] =
    U"@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    U"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
constexpr char32_t kGsmExtension[] = U"^{}\\[~]|€";

const char* ChannelName(v1::Channel channel) {
  switch (channel) {
    case v1::CHANNEL_IM:
      return "im";
    case v1::CHANNEL_EMAIL:
      return "email";
    default:
      return "sms";
  }
}

absl::StatusOr<std::string> ReadFile(const std::filesystem::path& path) {
  absl::StatusOr<std::string> text = ReadTextFile(path);
  if (text.ok() && !Utf8Length(*text)) return absl::InvalidArgumentError(absl::StrCat(path.string(), ": not UTF-8"));
  return text;
}

std::string RenderSource(const std::string& source, const kainjow::mustache::data& data) {
  kainjow::mustache::mustache parsed(source);
  parsed.set_custom_escape([](const std::string& text) { return text; });
  return parsed.render(data);
}

kainjow::mustache::data DataOf(const MessageFields& fields) {
  kainjow::mustache::data data;
  auto set_if = [&](const char* name, const std::string& value) {
    if (!value.empty()) data.set(name, value);
  };
  set_if("customer_name", fields.customer_name);
  set_if("shop_name", fields.shop_name);
  for (const auto& [name, value] : revisits::TemplateValuesOf(fields.context)) set_if(name.c_str(), value);
  set_if("survey_url", fields.survey_url);
  set_if("survey_expire_date", fields.survey_expire_date);
  // order_delivered, complaint_closed, ...: true for the message's trigger.
  if (fields.trigger != v1::TRIGGER_UNSPECIFIED) {
    std::string trigger = absl::AsciiStrToLower(v1::Trigger_Name(fields.trigger));
    data.set(std::string(absl::StripPrefix(trigger, "trigger_")), kainjow::mustache::data::type::bool_true);
  }
  return data;
}

}  // namespace

int SmsParts(const std::string& utf8_text) {
  std::optional<std::u32string> text = DecodeUtf8(utf8_text);
  if (!text) return 0;
  std::u32string_view basic(kGsmBasic), extension(kGsmExtension);
  size_t septets = 0;
  bool gsm = true;
  for (char32_t c : *text) {
    if (basic.find(c) != std::u32string_view::npos) {
      septets += 1;
    } else if (extension.find(c) != std::u32string_view::npos) {
      septets += 2;
    } else {
      gsm = false;
      break;
    }
  }
  if (gsm) return septets <= 160 ? 1 : static_cast<int>((septets + 152) / 153);
  size_t units = 0;
  for (char32_t c : *text) units += c > 0xFFFF ? 2 : 1;
  return units <= 70 ? 1 : static_cast<int>((units + 66) / 67);
}

absl::StatusOr<MessageTemplates> MessageTemplates::Load(const std::filesystem::path& directory) {
  MessageTemplates loaded;
  MessageFields sample{.customer_name = "x", .shop_name = "x", .survey_url = "x", .survey_expire_date = "x"};
  for (const char* language : kLanguages) {
    std::filesystem::path folder = directory / language;
    absl::StatusOr<std::string> hint = ReadFile(folder / kOptOutHintFile);
    if (!hint.ok()) return hint.status();
    std::string stripped(absl::StripAsciiWhitespace(*hint));
    if (stripped.empty()) {
      return absl::InvalidArgumentError(absl::StrCat((folder / kOptOutHintFile).string(), ": empty"));
    }
    loaded.sms_opt_out_hints_[language] = stripped;
    for (const char* kind : kKinds) {
      for (const char* channel : kChannels) {
        std::string name = absl::StrCat(kind, ".", channel);
        std::filesystem::path path = folder / absl::StrCat(name, ".mustache");
        absl::StatusOr<std::string> source = ReadFile(path);
        if (!source.ok()) return source.status();
        Template parts;
        absl::string_view body = *source;
        if (std::string_view(channel) == "email") {
          size_t line_end = body.find('\n');
          absl::string_view first = body.substr(0, line_end);
          if (line_end == absl::string_view::npos || !absl::ConsumePrefix(&first, kSubjectPrefix)) {
            return absl::InvalidArgumentError(
                absl::StrCat(path.string(), ": an email template starts with a line \"Subject: ...\""));
          }
          parts.subject = std::string(absl::StripAsciiWhitespace(first));
          body = body.substr(line_end + 1);
        }
        parts.body = std::string(absl::StripAsciiWhitespace(body));
        for (const std::string* text : {&parts.subject, &parts.body}) {
          kainjow::mustache::mustache parsed(*text);
          if (!parsed.is_valid()) {
            return absl::InvalidArgumentError(absl::StrCat(path.string(), ": ", parsed.error_message()));
          }
        }
        if (RenderSource(parts.body, DataOf(sample)).empty()) {
          return absl::InvalidArgumentError(absl::StrCat(path.string(), ": renders no text"));
        }
        loaded.templates_[{language, name}] = std::move(parts);
      }
    }
  }
  return loaded;
}

RenderedMessage MessageTemplates::Render(const MessageFields& fields) const {
  std::string language = sms_opt_out_hints_.contains(fields.language) ? fields.language : kLanguages[0];
  std::string name = absl::StrCat(fields.survey_url.empty() ? "care" : "survey", ".", ChannelName(fields.channel));
  const Template& source = templates_.at({language, name});
  kainjow::mustache::data data = DataOf(fields);
  RenderedMessage message;
  message.subject = RenderSource(source.subject, data);
  message.text = RenderSource(source.body, data);
  if (fields.channel == v1::CHANNEL_SMS) {
    absl::StrAppend(&message.text, " ", sms_opt_out_hints_.at(language));
    message.sms_parts = SmsParts(message.text);
  }
  return message;
}

}  // namespace satisfaction::messages
