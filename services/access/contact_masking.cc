#include "services/access/contact_masking.h"

#include "absl/strings/str_cat.h"

namespace satisfaction::access {
namespace {

constexpr absl::string_view kStars = "****";

// The first UTF-8 character of `text`.
absl::string_view FirstCharacter(absl::string_view text) {
  if (text.empty()) return text;
  size_t end = 1;
  while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
  return text.substr(0, end);
}

}  // namespace

std::string MaskPhone(absl::string_view phone) {
  if (phone.empty()) return "";
  if (phone.size() >= 11)
    return absl::StrCat(phone.substr(0, phone.size() - 8), kStars, phone.substr(phone.size() - 4));
  if (phone.size() > 4) return absl::StrCat(kStars, phone.substr(phone.size() - 4));
  return std::string(kStars);
}

std::string MaskEmail(absl::string_view email) {
  if (email.empty()) return "";
  size_t at = email.rfind('@');
  if (at == absl::string_view::npos || at == 0) return MaskImHandle(email);
  return absl::StrCat(FirstCharacter(email), kStars, email.substr(at));
}

std::string MaskImHandle(absl::string_view handle) {
  if (handle.empty()) return "";
  absl::string_view first = FirstCharacter(handle);
  if (first.size() == handle.size()) return std::string(kStars);
  return absl::StrCat(first, kStars);
}

void MaskContactDetails(v1::Customer& customer) {
  customer.set_phone(MaskPhone(customer.phone()));
  customer.set_email(MaskEmail(customer.email()));
  customer.set_im_handle(MaskImHandle(customer.im_handle()));
}

}  // namespace satisfaction::access
