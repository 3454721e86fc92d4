#include "services/callbacks/call_scripts.h"

#include <kainjow/mustache.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "services/common/languages.h"
#include "services/common/text_checks.h"
#include "services/common/textproto_files.h"
#include "services/revisits/business_context.h"

namespace satisfaction::callbacks {
namespace {

kainjow::mustache::data DataOf(const CallScriptFields& fields) {
  kainjow::mustache::data data;
  auto set_if = [&](const char* name, const std::string& value) {
    if (!value.empty()) data.set(name, value);
  };
  set_if("agent_name", fields.agent_name);
  set_if("shop_name", fields.shop_name);
  set_if("customer_name", fields.customer_name);
  for (const auto& [name, value] : revisits::TemplateValuesOf(fields.context)) set_if(name.c_str(), value);
  return data;
}

std::string RenderSource(const std::string& source, const CallScriptFields& fields) {
  kainjow::mustache::mustache parsed(source);
  parsed.set_custom_escape([](const std::string& text) { return text; });
  return std::string(absl::StripAsciiWhitespace(parsed.render(DataOf(fields))));
}

}  // namespace

std::string CallScripts::FileStem(v1::Trigger trigger) {
  std::string name = absl::AsciiStrToLower(v1::Trigger_Name(trigger));
  return absl::StrReplaceAll(absl::StripPrefix(name, "trigger_"), {{"_", "-"}});
}

absl::StatusOr<CallScripts> CallScripts::Load(const std::filesystem::path& directory) {
  CallScripts scripts;
  const google::protobuf::EnumDescriptor& triggers = *v1::Trigger_descriptor();
  for (const char* language : kLanguages) {
    for (int i = 0; i < triggers.value_count(); ++i) {
      auto trigger = static_cast<v1::Trigger>(triggers.value(i)->number());
      if (trigger == v1::TRIGGER_UNSPECIFIED) continue;
      std::filesystem::path path = directory / language / absl::StrCat(FileStem(trigger), ".mustache");
      absl::StatusOr<std::string> source = ReadTextFile(path);
      if (!source.ok()) return source.status();
      if (!Utf8Length(*source)) return absl::InvalidArgumentError(absl::StrCat(path.string(), ": not UTF-8"));
      kainjow::mustache::mustache parsed(*source);
      if (!parsed.is_valid()) {
        return absl::InvalidArgumentError(absl::StrCat(path.string(), ": ", parsed.error_message()));
      }
      if (RenderSource(*source, {.language = language, .trigger = trigger}).empty()) {
        return absl::InvalidArgumentError(absl::StrCat(path.string(), ": renders no text"));
      }
      scripts.templates_[{language, trigger}] = *std::move(source);
    }
  }
  return scripts;
}

std::string CallScripts::Render(const CallScriptFields& fields) const {
  std::string language = SupportedLanguage(fields.language).value_or(kLanguages[0]);
  auto found = templates_.find({language, fields.trigger});
  return found == templates_.end() ? "" : RenderSource(found->second, fields);
}

}  // namespace satisfaction::callbacks
