#include "services/http/page_templates.h"

#include <kainjow/mustache.hpp>

#include "absl/strings/str_cat.h"
#include "services/common/textproto_files.h"

namespace satisfaction::http {

absl::StatusOr<std::string> ReadPageTemplate(const std::filesystem::path& path) {
  absl::StatusOr<std::string> text = ReadTextFile(path);
  if (!text.ok()) return text.status();
  kainjow::mustache::mustache parsed(*text);
  if (!parsed.is_valid()) return absl::InvalidArgumentError(absl::StrCat(path.string(), ": ", parsed.error_message()));
  return text;
}

}  // namespace satisfaction::http
