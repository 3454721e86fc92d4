#ifndef SATISFACTION_SERVICES_QUESTIONNAIRES_QUESTIONNAIRE_SERVICE_H_
#define SATISFACTION_SERVICES_QUESTIONNAIRES_QUESTIONNAIRE_SERVICE_H_

#include "satisfaction/v1/questionnaire.pb.h"
#include "services/access/access_policy.h"
#include "services/questionnaires/questionnaire_store.h"

namespace satisfaction::questionnaires {

// The handlers of questionnaires: functions of the caller and the request,
// validating it before they touch a store; services/server binds them to gRPC.
class QuestionnaireService final {
 public:
  explicit QuestionnaireService(QuestionnaireStore& store) : store_(store) {}

  absl::StatusOr<v1::Questionnaire> CreateQuestionnaire(const access::Caller& caller,
                                                        const v1::CreateQuestionnaireRequest& request);
  absl::StatusOr<v1::Questionnaire> UpdateQuestionnaireDraft(const access::Caller& caller,
                                                             const v1::UpdateQuestionnaireDraftRequest& request);
  absl::StatusOr<v1::Questionnaire> PublishQuestionnaire(const access::Caller& caller,
                                                         const v1::PublishQuestionnaireRequest& request);
  absl::StatusOr<v1::Questionnaire> CreateQuestionnaireVersion(const access::Caller& caller,
                                                               const v1::CreateQuestionnaireVersionRequest& request);
  absl::StatusOr<v1::Questionnaire> GetQuestionnaire(const access::Caller& caller,
                                                     const v1::GetQuestionnaireRequest& request);
  absl::StatusOr<v1::ListQuestionnairesResponse> ListQuestionnaires(const access::Caller& caller,
                                                                    const v1::ListQuestionnairesRequest& request);
  absl::StatusOr<v1::Questionnaire> ArchiveQuestionnaire(const access::Caller& caller,
                                                         const v1::ArchiveQuestionnaireRequest& request);

 private:
  QuestionnaireStore& store_;
};

}  // namespace satisfaction::questionnaires

#endif  // SATISFACTION_SERVICES_QUESTIONNAIRES_QUESTIONNAIRE_SERVICE_H_
