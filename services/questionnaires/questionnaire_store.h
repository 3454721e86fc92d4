#ifndef SATISFACTION_SERVICES_QUESTIONNAIRES_QUESTIONNAIRE_STORE_H_
#define SATISFACTION_SERVICES_QUESTIONNAIRES_QUESTIONNAIRE_STORE_H_

#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "satisfaction/v1/questionnaire.pb.h"
#include "services/storage/database.h"

namespace satisfaction::questionnaires {

// Stores questionnaires and their versions. Every method is one transaction.
// Content passed in must already be validated (see questionnaire_validation.h).
class QuestionnaireStore {
 public:
  explicit QuestionnaireStore(storage::Database& database) : database_(database) {}

  // Creates questionnaire `id` with `content` as draft version 1.
  // ALREADY_EXISTS if the id is taken.
  absl::StatusOr<v1::Questionnaire> Create(absl::string_view id, const v1::Questionnaire& content, absl::Time now);

  // Edits a draft in place: `edit` gets the stored draft and changes it (and
  // validates the result); its error aborts the update. `version` 0 is the current
  // draft. ABORTED if `etag` is given and is not the draft's.
  using DraftEdit = absl::FunctionRef<absl::Status(v1::Questionnaire&)>;
  absl::StatusOr<v1::Questionnaire> UpdateDraft(absl::string_view id, int version, absl::string_view etag,
                                                DraftEdit edit, absl::Time now);

  // Publishes a draft (0: the current draft), freezing it.
  absl::StatusOr<v1::Questionnaire> Publish(absl::string_view id, int version, absl::string_view etag, absl::Time now);

  // Copies a published version (0: the latest published) into a new draft.
  absl::StatusOr<v1::Questionnaire> CreateVersion(absl::string_view id, int from_version, absl::Time now);

  // Returns one version (0: the latest published) with its items.
  absl::StatusOr<v1::Questionnaire> Get(absl::string_view id, int version);

  struct ListQuery {
    v1::QuestionnaireState state = v1::QUESTIONNAIRE_STATE_UNSPECIFIED;
    // Only questionnaires whose id sorts after this one.
    std::string after_id;
    int limit = 50;
    v1::QuestionnaireView view = v1::QUESTIONNAIRE_VIEW_BASIC;
  };
  struct ListPage {
    std::vector<v1::Questionnaire> questionnaires;
    bool has_more = false;
  };
  absl::StatusOr<ListPage> List(const ListQuery& query);

  // Archives a questionnaire; archiving it again changes nothing.
  absl::StatusOr<v1::Questionnaire> Archive(absl::string_view id, absl::Time now);

  // Creates questionnaire `id` from a template and publishes it as version 1,
  // unless it exists already. Returns whether it was created, and the digest of
  // the template it was created from (empty if it was not created from one).
  struct TemplateLoad {
    bool created = false;
    std::string stored_digest;
  };
  absl::StatusOr<TemplateLoad> CreatePublishedFromTemplate(absl::string_view id, const v1::Questionnaire& content,
                                                           absl::string_view digest, absl::Time now);

 private:
  storage::Database& database_;
};

}  // namespace satisfaction::questionnaires

#endif  // SATISFACTION_SERVICES_QUESTIONNAIRES_QUESTIONNAIRE_STORE_H_
