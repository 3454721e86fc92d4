#ifndef SATISFACTION_SERVICES_HTTP_FORM_FIELDS_H_
#define SATISFACTION_SERVICES_HTTP_FORM_FIELDS_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace satisfaction::http {

using FormFields = std::vector<std::pair<std::string, std::string>>;

// The fields of a query string or an application/x-www-form-urlencoded
// body, in order, percent-decoded ('+' is a space). INVALID_ARGUMENT for a
// bad escape or text that is not UTF-8 once decoded.
absl::StatusOr<FormFields> ParseFormFields(absl::string_view text);

// A percent-encoded path segment decoded ('+' stays '+'); nothing for a
// bad escape or text that is not UTF-8 once decoded.
std::optional<std::string> PercentDecoded(absl::string_view text);

// The value of the first field called `name`, if any.
std::optional<std::string> FieldValue(const FormFields& fields, absl::string_view name);

// The value of the cookie called `name` in a Cookie header, if any.
std::optional<std::string> CookieValue(absl::string_view cookie_header, absl::string_view name);

// `text` percent-encoded for a query string: all but letters, digits and -._~.
std::string QueryEscape(absl::string_view text);

}  // namespace satisfaction::http

#endif  // SATISFACTION_SERVICES_HTTP_FORM_FIELDS_H_
