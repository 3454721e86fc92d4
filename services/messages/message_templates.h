#ifndef SATISFACTION_SERVICES_MESSAGES_MESSAGE_TEMPLATES_H_
#define SATISFACTION_SERVICES_MESSAGES_MESSAGE_TEMPLATES_H_

#include <filesystem>
#include <map>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "satisfaction/v1/common.pb.h"
#include "satisfaction/v1/revisit_policy.pb.h"

namespace satisfaction::messages {

// What a message says, before its template shapes it. Empty fields are left
// out, so that a template's {{#order_id}}...{{/order_id}} section shows only
// for an order.
struct MessageFields {
  v1::Channel channel = v1::CHANNEL_SMS;
  // One of kLanguages.
  std::string language;
  v1::Trigger trigger = v1::TRIGGER_UNSPECIFIED;
  std::string customer_name, shop_name;
  // The order or case, platform, store, category, courier, amount and cause.
  v1::BusinessContext context;
  // Both empty for a message without a survey.
  std::string survey_url, survey_expire_date;
};

struct RenderedMessage {
  std::string subject;  // email only
  std::string text;
  int sms_parts = 0;  // SMS only
};

// How many parts an SMS text takes: 160 GSM 7-bit characters in one part,
// 153 in each of several (the extension characters ^{}\[~]|€ count twice);
// a text with any other character goes as UCS-2: 70 UTF-16 units, 67 per part.
int SmsParts(const std::string& utf8_text);

// The message texts operators edit (templates/messages/): for each language,
// a Mustache template per kind (survey, care) and channel (sms, im, email),
// named e.g. zh-CN/survey.sms.mustache, and the opt-out hint that every SMS
// ends with (zh-CN/sms-opt-out.txt, e.g. 回T退订). An email template's first
// line reads "Subject: ...". Values are put in as they are, without HTML
// escaping: the texts are plain.
class MessageTemplates {
 public:
  // Loads and checks every template of every language: a missing file, a
  // template that does not parse or an SMS template that renders empty is an
  // error naming the file.
  static absl::StatusOr<MessageTemplates> Load(const std::filesystem::path& directory);

  RenderedMessage Render(const MessageFields& fields) const;

 private:
  struct Template {
    std::string subject, body;  // Mustache source
  };
  // By (language, "survey.sms" and the like).
  std::map<std::pair<std::string, std::string>, Template> templates_;
  // By language.
  std::map<std::string, std::string> sms_opt_out_hints_;
};

}  // namespace satisfaction::messages

#endif  // SATISFACTION_SERVICES_MESSAGES_MESSAGE_TEMPLATES_H_
