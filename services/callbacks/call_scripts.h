#ifndef SATISFACTION_SERVICES_CALLBACKS_CALL_SCRIPTS_H_
#define SATISFACTION_SERVICES_CALLBACKS_CALL_SCRIPTS_H_

#include <filesystem>
#include <map>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "satisfaction/v1/common.pb.h"
#include "satisfaction/v1/revisit_policy.pb.h"

namespace satisfaction::callbacks {

// What the opening of one call names.
struct CallScriptFields {
  // One of kLanguages; another falls back to the first.
  std::string language;
  v1::Trigger trigger = v1::TRIGGER_UNSPECIFIED;
  // Empty fields are left out: a template's {{#agent_name}}...{{/agent_name}}
  // section shows only when the agent is known.
  std::string agent_name, shop_name, customer_name;
  // What the call is about: {{order_id}}, {{store}}, {{cause}} and the rest
  // of revisits::TemplateValuesOf.
  v1::BusinessContext context;
};

// The opening lines of return calls that operators edit
// (templates/call_scripts/): for each language, a Mustache template per
// trigger, named e.g. zh-CN/complaint-closed.mustache. Seed 000's order:
// introduce yourself and the shop (自我介绍), say why you call (说明意图),
// offer another time if now is bad (约访), then the questions (切入正题).
// Values are put in as they are: the texts are plain.
class CallScripts {
 public:
  // Loads and checks the template of every trigger in every language: a
  // missing file, one that does not parse or renders no text is an error
  // naming the file.
  static absl::StatusOr<CallScripts> Load(const std::filesystem::path& directory);

  // The opening lines; empty for a trigger with no template.
  std::string Render(const CallScriptFields& fields) const;

  // "complaint-closed" for TRIGGER_COMPLAINT_CLOSED: the file name of its template.
  static std::string FileStem(v1::Trigger trigger);

 private:
  // Mustache source by (language, trigger).
  std::map<std::pair<std::string, v1::Trigger>, std::string> templates_;
};

}  // namespace satisfaction::callbacks

#endif  // SATISFACTION_SERVICES_CALLBACKS_CALL_SCRIPTS_H_
