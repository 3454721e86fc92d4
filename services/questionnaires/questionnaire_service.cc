#include "services/questionnaires/questionnaire_service.h"

#include <string>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/page_token.h"
#include "services/common/text_limits.h"
#include "services/questionnaires/questionnaire_validation.h"

namespace satisfaction::questionnaires {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 200;

// Generated ids: "q-" and ten base-32 characters (50 random bits).
std::string NewQuestionnaireId() {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  thread_local absl::BitGen random;
  std::string id = "q-";
  for (int i = 0; i < 10; ++i) id.push_back(kAlphabet[absl::Uniform(random, 0, 32)]);
  return id;
}

// Copies the fields named by `mask` (all editable ones when empty or "*") from
// `update` into `draft`.
absl::Status ApplyUpdateMask(const google::protobuf::FieldMask& mask, const v1::Questionnaire& update,
                             v1::Questionnaire& draft) {
  bool all = mask.paths_size() == 0 || (mask.paths_size() == 1 && mask.paths(0) == "*");
  bool title = all, description = all, items = all;
  if (!all) {
    for (const std::string& path : mask.paths()) {
      if (path == "title") {
        title = true;
      } else if (path == "description") {
        description = true;
      } else if (path == "items") {
        items = true;
      } else {
        return absl::InvalidArgumentError(
            absl::StrCat("update_mask: ", Quote(path), " cannot be updated; use title, description, items or *"));
      }
    }
  }
  if (title) *draft.mutable_title() = update.title();
  if (description) *draft.mutable_description() = update.description();
  if (items) *draft.mutable_items() = update.items();
  return absl::OkStatus();
}

std::string ListFilterKey(const v1::ListQuestionnairesRequest& request) {
  return absl::StrCat("state=", request.state());
}

}  // namespace

absl::StatusOr<v1::Questionnaire> QuestionnaireService::CreateQuestionnaire(
    const access::Caller& /*caller*/, const v1::CreateQuestionnaireRequest& request) {
  std::string id = request.questionnaire_id().empty() ? NewQuestionnaireId() : request.questionnaire_id();
  if (absl::Status s = ValidateNewQuestionnaireId("questionnaire_id", id); !s.ok()) return s;
  if (!request.has_questionnaire()) return absl::InvalidArgumentError("questionnaire: required");
  v1::Questionnaire content;
  *content.mutable_title() = request.questionnaire().title();
  *content.mutable_description() = request.questionnaire().description();
  *content.mutable_items() = request.questionnaire().items();
  if (absl::Status s = NormalizeAndValidateContent("questionnaire", content); !s.ok()) return s;

  return store_.Create(id, content, absl::Now());
}

absl::StatusOr<v1::Questionnaire> QuestionnaireService::UpdateQuestionnaireDraft(
    const access::Caller& /*caller*/, const v1::UpdateQuestionnaireDraftRequest& request) {
  if (!request.has_questionnaire()) return absl::InvalidArgumentError("questionnaire: required");
  const v1::Questionnaire& update = request.questionnaire();
  if (absl::Status s = ValidateQuestionnaireRef("questionnaire.id", update.id()); !s.ok()) return s;
  if (absl::Status s = ValidateVersionRef("questionnaire.version", update.version()); !s.ok()) {
    return s;
  }
  // Check the mask and the new content before taking any lock.
  v1::Questionnaire preview;
  if (absl::Status s = ApplyUpdateMask(request.update_mask(), update, preview); !s.ok()) return s;

  absl::StatusOr<v1::Questionnaire> updated = store_.UpdateDraft(
      update.id(), update.version(), update.etag(),
      [&](v1::Questionnaire& draft) -> absl::Status {
        if (absl::Status s = ApplyUpdateMask(request.update_mask(), update, draft); !s.ok()) return s;
        return NormalizeAndValidateContent("questionnaire", draft);
      },
      absl::Now());
  return updated;
}

absl::StatusOr<v1::Questionnaire> QuestionnaireService::PublishQuestionnaire(
    const access::Caller& /*caller*/, const v1::PublishQuestionnaireRequest& request) {
  if (absl::Status s = ValidateQuestionnaireRef("id", request.id()); !s.ok()) return s;
  if (absl::Status s = ValidateVersionRef("version", request.version()); !s.ok()) return s;
  return store_.Publish(request.id(), request.version(), request.etag(), absl::Now());
}

absl::StatusOr<v1::Questionnaire> QuestionnaireService::CreateQuestionnaireVersion(
    const access::Caller& /*caller*/, const v1::CreateQuestionnaireVersionRequest& request) {
  if (absl::Status s = ValidateQuestionnaireRef("id", request.id()); !s.ok()) return s;
  if (absl::Status s = ValidateVersionRef("from_version", request.from_version()); !s.ok()) return s;
  return store_.CreateVersion(request.id(), request.from_version(), absl::Now());
}

absl::StatusOr<v1::Questionnaire> QuestionnaireService::GetQuestionnaire(const access::Caller& /*caller*/,
                                                                         const v1::GetQuestionnaireRequest& request) {
  if (absl::Status s = ValidateQuestionnaireRef("id", request.id()); !s.ok()) return s;
  if (absl::Status s = ValidateVersionRef("version", request.version()); !s.ok()) return s;
  return store_.Get(request.id(), request.version());
}

absl::StatusOr<v1::ListQuestionnairesResponse> QuestionnaireService::ListQuestionnaires(
    const access::Caller& /*caller*/, const v1::ListQuestionnairesRequest& request) {
  v1::ListQuestionnairesResponse response;
  if (!v1::QuestionnaireState_IsValid(request.state())) {
    return absl::InvalidArgumentError(absl::StrCat("state: unknown value ", request.state()));
  }
  if (!v1::QuestionnaireView_IsValid(request.view())) {
    return absl::InvalidArgumentError(absl::StrCat("view: unknown value ", request.view()));
  }
  absl::StatusOr<int> page_size = EffectivePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize);
  if (!page_size.ok()) return page_size.status();
  QuestionnaireStore::ListQuery query;
  query.state = request.state();
  query.limit = *page_size;
  query.view =
      request.view() == v1::QUESTIONNAIRE_VIEW_FULL ? v1::QUESTIONNAIRE_VIEW_FULL : v1::QUESTIONNAIRE_VIEW_BASIC;
  std::string filter = ListFilterKey(request);
  if (!request.page_token().empty()) {
    absl::StatusOr<PageCursor> cursor = DecodePageToken(request.page_token(), filter);
    if (!cursor.ok()) return cursor.status();
    query.after_id = cursor->after_key;
  }

  absl::StatusOr<QuestionnaireStore::ListPage> page = store_.List(query);
  if (!page.ok()) return page.status();
  for (v1::Questionnaire& questionnaire : page->questionnaires) {
    *response.add_questionnaires() = std::move(questionnaire);
  }
  if (page->has_more && response.questionnaires_size() > 0) {
    response.set_next_page_token(EncodePageToken(
        {.filter = filter, .after_key = response.questionnaires(response.questionnaires_size() - 1).id()}));
  }
  return response;
}

absl::StatusOr<v1::Questionnaire> QuestionnaireService::ArchiveQuestionnaire(
    const access::Caller& /*caller*/, const v1::ArchiveQuestionnaireRequest& request) {
  if (absl::Status s = ValidateQuestionnaireRef("id", request.id()); !s.ok()) return s;
  return store_.Archive(request.id(), absl::Now());
}

}  // namespace satisfaction::questionnaires
