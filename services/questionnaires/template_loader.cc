#include "services/questionnaires/template_loader.h"

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/secrets.h"
#include "services/common/textproto_files.h"
#include "services/questionnaires/questionnaire_validation.h"

namespace satisfaction::questionnaires {

absl::StatusOr<TemplateLoadSummary> LoadQuestionnaireTemplates(const std::filesystem::path& directory,
                                                               QuestionnaireStore& store) {
  absl::StatusOr<std::vector<TextprotoFile>> files = ReadTextprotoFiles(directory);
  if (!files.ok())
    return absl::InvalidArgumentError(absl::StrCat("questionnaire templates: ", files.status().message()));
  TemplateLoadSummary summary;
  for (const TextprotoFile& file : *files) {
    if (absl::Status s = ValidateNewQuestionnaireId(file.path.filename().string(), file.id); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("questionnaire template ", file.path.string(),
                                                     ": the file name is the questionnaire id: ", s.message()));
    }
    v1::Questionnaire content;
    if (absl::Status s = ParseTextproto(file, content); !s.ok()) return s;
    if (!content.id().empty() || content.version() != 0 || content.state() != v1::QUESTIONNAIRE_STATE_UNSPECIFIED) {
      return absl::InvalidArgumentError(
          absl::StrCat(file.path.string(), ": set only title, description and items; the file name is the id"));
    }
    if (absl::Status s = NormalizeAndValidateContent("questionnaire", content); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(file.path.string(), ": ", s.message()));
    }
    std::string digest = Sha256Hex(file.text);
    absl::StatusOr<QuestionnaireStore::TemplateLoad> load =
        store.CreatePublishedFromTemplate(file.id, content, digest, absl::Now());
    if (!load.ok()) return load.status();
    if (load->created) {
      ++summary.created;
      spdlog::info("questionnaire '{}' created and published from {}", file.id, file.path.string());
    } else {
      ++summary.already_present;
      if (!load->stored_digest.empty() && load->stored_digest != digest) {
        spdlog::warn(
            "{} changed since questionnaire '{}' was loaded from it; the stored questionnaire is kept "
            "(publish a new version through the API to change it)",
            file.path.string(), file.id);
      }
    }
  }
  return summary;
}

}  // namespace satisfaction::questionnaires
