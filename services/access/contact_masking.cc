#include "services/access/contact_masking.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/text_checks.h"

namespace satisfaction::access {
namespace {

constexpr absl::string_view kStars = "****";

// Where each character of `text` starts, and its end: masks keep and hide
// whole UTF-8 characters (a stray byte counts as one), so that what they
// return stays valid UTF-8 whatever a client sent.
std::vector<size_t> CharacterBounds(absl::string_view text) {
  std::vector<size_t> bounds;
  for (size_t i = 0; i < text.size(); i += std::max<size_t>(1, Utf8CharacterLength(text, i))) bounds.push_back(i);
  bounds.push_back(text.size());
  return bounds;
}

// The first UTF-8 character of `text`.
absl::string_view FirstCharacter(absl::string_view text) { return text.substr(0, CharacterBounds(text)[1]); }

}  // namespace

std::string MaskPhone(absl::string_view phone) {
  if (phone.empty()) return "";
  std::vector<size_t> bounds = CharacterBounds(phone);
  size_t chars = bounds.size() - 1;
  absl::string_view last_four = phone.substr(bounds[chars - std::min<size_t>(4, chars)]);
  if (chars >= 11) return absl::StrCat(phone.substr(0, bounds[chars - 8]), kStars, last_four);
  if (chars > 4) return absl::StrCat(kStars, last_four);
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
