#ifndef SATISFACTION_SERVICES_HTTP_PAGE_TEMPLATES_H_
#define SATISFACTION_SERVICES_HTTP_PAGE_TEMPLATES_H_

#include <filesystem>
#include <string>

#include "absl/status/statusor.h"

namespace satisfaction::http {

// The text of a Mustache page template, checked at start: INVALID_ARGUMENT
// naming the file and the error when it does not parse.
absl::StatusOr<std::string> ReadPageTemplate(const std::filesystem::path& path);

}  // namespace satisfaction::http

#endif  // SATISFACTION_SERVICES_HTTP_PAGE_TEMPLATES_H_
