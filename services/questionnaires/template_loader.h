#ifndef SATISFACTION_SERVICES_QUESTIONNAIRES_TEMPLATE_LOADER_H_
#define SATISFACTION_SERVICES_QUESTIONNAIRES_TEMPLATE_LOADER_H_

#include <filesystem>

#include "absl/status/statusor.h"
#include "services/questionnaires/questionnaire_store.h"

namespace satisfaction::questionnaires {

struct TemplateLoadSummary {
  int created = 0;
  int already_present = 0;
};

// Loads every `*.textproto` file in `directory` (protobuf text format of
// satisfaction.v1.Questionnaire: title, description, items) as questionnaire
// `<file name without .textproto>`, published as version 1, unless a
// questionnaire with that id exists already: templates are loaded once, and
// later changes go through the API as new versions. A file that does not parse
// or validate stops the load with INVALID_ARGUMENT naming the file.
absl::StatusOr<TemplateLoadSummary> LoadQuestionnaireTemplates(const std::filesystem::path& directory,
                                                               QuestionnaireStore& store);

}  // namespace satisfaction::questionnaires

#endif  // SATISFACTION_SERVICES_QUESTIONNAIRES_TEMPLATE_LOADER_H_
