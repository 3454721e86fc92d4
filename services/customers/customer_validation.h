#ifndef SATISFACTION_SERVICES_CUSTOMERS_CUSTOMER_VALIDATION_H_
#define SATISFACTION_SERVICES_CUSTOMERS_CUSTOMER_VALIDATION_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "satisfaction/v1/customer.pb.h"

namespace satisfaction::customers {

inline constexpr char kDefaultTimeZone[] = "Asia/Shanghai";
inline constexpr int kMaxTags = 20;

// Checks and normalises a phone number to E.164 (libphonenumber); an empty
// number is left alone. INVALID_ARGUMENT names `field`.
absl::Status NormalizePhone(absl::string_view field, std::string& phone);

// An id of letters, digits and . _ : - (no spaces), 1 to `max_length` long:
// agent ids, queue names. INVALID_ARGUMENT names `field`.
absl::Status ValidateId(absl::string_view field, absl::string_view id, size_t max_length);

// Checks a shop's customer id: 1 to 128 letters, digits and . _ : -
absl::Status ValidateExternalId(absl::string_view field, absl::string_view external_id);

// Checks the fields a shop sets on a customer and normalises them: the phone
// number to E.164 (libphonenumber), the time zone's default, tags deduplicated
// and sorted. Output-only fields are cleared. INVALID_ARGUMENT names the field
// under `field_prefix`.
absl::Status NormalizeAndValidateCustomer(absl::string_view field_prefix, v1::Customer& customer);

// Checks an order as a shop reports it: ids, an amount from 0 to 10^12 minor
// units, a placement time no later than a day after `now`, a known status.
absl::Status ValidateOrder(absl::string_view field_prefix, const v1::Order& order, absl::Time now);

}  // namespace satisfaction::customers

#endif  // SATISFACTION_SERVICES_CUSTOMERS_CUSTOMER_VALIDATION_H_
