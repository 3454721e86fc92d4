#include "services/questionnaires/template_loader.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>
#include <openssl/sha.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/questionnaires/questionnaire_validation.h"

namespace satisfaction::questionnaires {
namespace {

// Keeps the first parse error with its position, for a message an operator can act on.
class FirstErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (first_.empty()) first_ = absl::StrCat("line ", line + 1, ", column ", column + 1, ": ", message);
  }
  const std::string& first() const { return first_; }

 private:
  std::string first_;
};

std::string Sha256Hex(const std::string& data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

absl::StatusOr<v1::Questionnaire> ParseTemplate(const std::filesystem::path& file, const std::string& text) {
  v1::Questionnaire content;
  FirstErrorCollector errors;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text, &content)) {
    return absl::InvalidArgumentError(absl::StrCat(file.string(), ": ", errors.first()));
  }
  if (!content.id().empty() || content.version() != 0 || content.state() != v1::QUESTIONNAIRE_STATE_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat(file.string(), ": set only title, description and items; the file name is the id"));
  }
  if (absl::Status s = NormalizeAndValidateContent("questionnaire", content); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(file.string(), ": ", s.message()));
  }
  return content;
}

}  // namespace

absl::StatusOr<TemplateLoadSummary> LoadQuestionnaireTemplates(const std::filesystem::path& directory,
                                                               QuestionnaireStore& store) {
  std::error_code error;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
    if (entry.is_regular_file() && entry.path().extension() == ".textproto") files.push_back(entry.path());
  }
  if (error) {
    return absl::InvalidArgumentError(
        absl::StrCat("questionnaire templates: cannot read ", directory.string(), ": ", error.message()));
  }
  std::sort(files.begin(), files.end());

  TemplateLoadSummary summary;
  for (const std::filesystem::path& file : files) {
    std::string id = file.stem().string();
    if (absl::Status s = ValidateNewQuestionnaireId(file.filename().string(), id); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("questionnaire template ", file.string(),
                                                     ": the file name is the questionnaire id: ", s.message()));
    }
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read ", file.string()));
    absl::StatusOr<v1::Questionnaire> content = ParseTemplate(file, text.str());
    if (!content.ok()) return content.status();

    std::string digest = Sha256Hex(text.str());
    absl::StatusOr<QuestionnaireStore::TemplateLoad> load =
        store.CreatePublishedFromTemplate(id, *content, digest, absl::Now());
    if (!load.ok()) return load.status();
    if (load->created) {
      ++summary.created;
      spdlog::info("questionnaire '{}' created and published from {}", id, file.string());
    } else {
      ++summary.already_present;
      if (!load->stored_digest.empty() && load->stored_digest != digest) {
        spdlog::warn(
            "{} changed since questionnaire '{}' was loaded from it; the stored questionnaire is kept "
            "(publish a new version through the API to change it)",
            file.string(), id);
      }
    }
  }
  return summary;
}

}  // namespace satisfaction::questionnaires
