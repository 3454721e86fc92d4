#include "services/customers/customer_validation.h"

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "services/common/field_checks.h"
#include "services/common/languages.h"
#include "services/common/text_checks.h"
#include "services/common/text_limits.h"

namespace satisfaction::customers {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

bool IsIdChar(char c) { return absl::ascii_isalnum(c) || c == '.' || c == '_' || c == ':' || c == '-'; }

// Whether `name` reads as an IANA zone name (parts of letters, digits, '_',
// '-' and '+' between slashes) that tzdata has. Abseil opens whatever path
// it is given as a zone (absolute, with .., or "file:..."), and remembers
// every name it was asked for, found or not, for the life of the process:
// only real zones may reach it.
bool IsKnownIanaZone(const std::string& name) {
  if (name == "UTC") return true;
  if (name.empty() || name.size() > 64) return false;
  for (absl::string_view part : absl::StrSplit(name, '/')) {
    if (part.empty()) return false;
    for (char c : part) {
      if (!absl::ascii_isalnum(c) && c != '_' && c != '-' && c != '+') return false;
    }
  }
  const char* tzdir = std::getenv("TZDIR");  // where Abseil looks too
  std::error_code error;
  return std::filesystem::is_regular_file(
      absl::StrCat(tzdir != nullptr && *tzdir != '\0' ? tzdir : "/usr/share/zoneinfo", "/", name), error);
}

absl::Status CheckEmail(absl::string_view field, const std::string& email) {
  if (email.empty()) return absl::OkStatus();
  size_t at = email.find('@');
  bool shaped = email.size() <= 254 && at != std::string::npos && at > 0 &&
                email.find('@', at + 1) == std::string::npos && email.find('.', at) != std::string::npos &&
                email.back() != '.' &&
                std::none_of(email.begin(), email.end(), [](char c) { return absl::ascii_isspace(c) || c < 0x20; });
  if (!shaped) return FieldError(field, "is not an email address");
  return CheckText(field, email, 254, LineBreaks::kForbidden);
}

absl::Status NormalizeTags(absl::string_view field, google::protobuf::RepeatedPtrField<std::string>& tags) {
  std::vector<std::string> unique(tags.begin(), tags.end());
  std::sort(unique.begin(), unique.end());
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  if (unique.size() > kMaxTags) return FieldError(field, absl::StrCat("at most ", kMaxTags, " tags"));
  for (const std::string& tag : unique) {
    if (absl::Status s = CheckRequiredText(field, tag, 32, LineBreaks::kForbidden); !s.ok()) return s;
    if (std::any_of(tag.begin(), tag.end(), [](char c) { return c == ' ' || c == ','; })) {
      return FieldError(field, absl::StrCat("tag ", Quote(tag), " must not contain spaces or commas"));
    }
  }
  tags.Assign(unique.begin(), unique.end());
  return absl::OkStatus();
}

bool HasAddressFor(const v1::Customer& customer, v1::Channel channel) {
  switch (channel) {
    case v1::CHANNEL_PHONE:
    case v1::CHANNEL_SMS:
      return !customer.phone().empty();
    case v1::CHANNEL_IM:
      return !customer.im_handle().empty();
    case v1::CHANNEL_EMAIL:
      return !customer.email().empty();
    default:
      return true;
  }
}

}  // namespace

absl::Status NormalizePhone(absl::string_view field, std::string& phone) {
  if (phone.empty()) return absl::OkStatus();
  bool shaped = phone.size() <= 32 && phone[0] == '+' && std::all_of(phone.begin() + 1, phone.end(), [](char c) {
                  return absl::ascii_isdigit(c) || c == ' ' || c == '-' || c == '(' || c == ')';
                });
  if (!shaped) {
    return FieldError(field, "must be an international number in E.164 form, e.g. +8613800138000");
  }
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util.Parse(phone, "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR || !util.IsValidNumber(number)) {
    return FieldError(field, "is not a valid phone number");
  }
  util.Format(number, PhoneNumberUtil::E164, &phone);
  return absl::OkStatus();
}

absl::Status ValidateId(absl::string_view field, absl::string_view id, size_t max_length) {
  if (id.empty()) return FieldError(field, "required");
  if (id.size() > max_length || !std::all_of(id.begin(), id.end(), IsIdChar)) {
    return FieldError(field, absl::StrCat("1 to ", max_length, " letters, digits and . _ : -"));
  }
  return absl::OkStatus();
}

absl::Status ValidateExternalId(absl::string_view field, absl::string_view external_id) {
  return ValidateId(field, external_id, 128);
}

absl::Status NormalizeAndValidateCustomer(absl::string_view field_prefix, v1::Customer& customer) {
  auto field = [&](absl::string_view name) { return absl::StrCat(field_prefix, ".", name); };
  if (absl::Status s = ValidateExternalId(field("external_id"), customer.external_id()); !s.ok()) return s;
  if (absl::Status s = CheckText(field("name"), customer.name(), 100, LineBreaks::kForbidden); !s.ok()) return s;
  if (absl::Status s = NormalizePhone(field("phone"), *customer.mutable_phone()); !s.ok()) return s;
  if (absl::Status s = CheckEmail(field("email"), customer.email()); !s.ok()) return s;
  if (absl::Status s = CheckText(field("im_handle"), customer.im_handle(), 128, LineBreaks::kForbidden); !s.ok()) {
    return s;
  }
  if (customer.time_zone().empty()) customer.set_time_zone(kDefaultTimeZone);
  absl::TimeZone zone;
  if (!IsKnownIanaZone(customer.time_zone()) || !absl::LoadTimeZone(customer.time_zone(), &zone)) {
    return FieldError(field("time_zone"), absl::StrCat("unknown IANA time zone ", Quote(customer.time_zone())));
  }
  customer.set_region(std::string(absl::StripAsciiWhitespace(customer.region())));
  if (absl::Status s = CheckText(field("region"), customer.region(), 64, LineBreaks::kForbidden); !s.ok()) return s;
  customer.set_source(std::string(absl::StripAsciiWhitespace(customer.source())));
  if (absl::Status s = CheckText(field("source"), customer.source(), 64, LineBreaks::kForbidden); !s.ok()) return s;
  if (!customer.language().empty()) {
    std::optional<std::string> language = SupportedLanguage(customer.language());
    if (!language) {
      return FieldError(field("language"), absl::StrCat("must be zh-CN or en; got ", Quote(customer.language())));
    }
    customer.set_language(*language);
  }
  if (!v1::Channel_IsValid(customer.preferred_channel())) {
    return FieldError(field("preferred_channel"), absl::StrCat("unknown value ", customer.preferred_channel()));
  }
  if (!HasAddressFor(customer, customer.preferred_channel())) {
    return FieldError(field("preferred_channel"), "the customer has no address for this channel");
  }
  if (!v1::CustomerType_IsValid(customer.type_override())) {
    return FieldError(field("type_override"), absl::StrCat("unknown value ", customer.type_override()));
  }
  if (absl::Status s = NormalizeTags(field("tags"), *customer.mutable_tags()); !s.ok()) return s;
  if (absl::Status s = CheckText(field("serving_agent_id"), customer.serving_agent_id(), 64, LineBreaks::kForbidden);
      !s.ok()) {
    return s;
  }
  // Output-only fields come from the server.
  customer.clear_type();
  customer.clear_computed_type();
  customer.clear_rfm();
  customer.clear_order_count();
  customer.clear_total_spent_minor();
  customer.clear_last_order_time();
  customer.clear_create_time();
  customer.clear_update_time();
  return absl::OkStatus();
}

absl::Status ValidateOrder(absl::string_view field_prefix, const v1::Order& order, absl::Time now) {
  auto field = [&](absl::string_view name) { return absl::StrCat(field_prefix, ".", name); };
  if (absl::Status s = ValidateExternalId(field("order_id"), order.order_id()); !s.ok()) return s;
  if (absl::Status s = ValidateExternalId(field("customer_external_id"), order.customer_external_id()); !s.ok()) {
    return s;
  }
  if (order.amount_minor() < 0 || order.amount_minor() > 1'000'000'000'000) {
    return FieldError(field("amount_minor"), "must be from 0 to 10^12");
  }
  if (absl::Status s = CheckReportedTime(field("order_time"), order.has_order_time(), order.order_time(), now);
      !s.ok()) {
    return s;
  }
  if (!v1::OrderStatus_IsValid(order.status()) || order.status() == v1::ORDER_STATUS_UNSPECIFIED) {
    return FieldError(field("status"), absl::StrCat("must be a known status; got ", order.status()));
  }
  return absl::OkStatus();
}

}  // namespace satisfaction::customers
