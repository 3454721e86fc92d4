#ifndef SATISFACTION_SERVICES_ACCESS_CONTACT_MASKING_H_
#define SATISFACTION_SERVICES_ACCESS_CONTACT_MASKING_H_

#include <string>

#include "absl/strings/string_view.h"
#include "satisfaction/v1/customer.pb.h"

namespace satisfaction::access {

// Contact details as roles that must not see them get them: enough to tell two
// customers apart on the phone with them, not enough to reach them.

// The 4 characters before the last 4 become ****, as Chinese shops print
// numbers: +8613812345678 -> +86138****5678, 13812345678 -> 138****5678.
// Shorter numbers keep only their last 4.
std::string MaskPhone(absl::string_view phone);

// The first character of the mailbox and the domain: a****@example.com.
std::string MaskEmail(absl::string_view email);

// The first character and ****.
std::string MaskImHandle(absl::string_view handle);

// Masks the customer's phone, email and IM handle in place.
void MaskContactDetails(v1::Customer& customer);

}  // namespace satisfaction::access

#endif  // SATISFACTION_SERVICES_ACCESS_CONTACT_MASKING_H_
