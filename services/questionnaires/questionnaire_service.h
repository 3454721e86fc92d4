#ifndef SATISFACTION_SERVICES_QUESTIONNAIRES_QUESTIONNAIRE_SERVICE_H_
#define SATISFACTION_SERVICES_QUESTIONNAIRES_QUESTIONNAIRE_SERVICE_H_

#include "satisfaction/v1/questionnaire.grpc.pb.h"
#include "services/questionnaires/questionnaire_store.h"

namespace satisfaction::questionnaires {

// The gRPC face of questionnaires: validates each request, checks its deadline,
// then asks the store. Handlers run on the server's bounded thread pool.
class QuestionnaireService final : public v1::QuestionnaireService::Service {
 public:
  explicit QuestionnaireService(QuestionnaireStore& store) : store_(store) {}

  grpc::Status CreateQuestionnaire(grpc::ServerContext* context, const v1::CreateQuestionnaireRequest* request,
                                   v1::Questionnaire* response) override;
  grpc::Status UpdateQuestionnaireDraft(grpc::ServerContext* context,
                                        const v1::UpdateQuestionnaireDraftRequest* request,
                                        v1::Questionnaire* response) override;
  grpc::Status PublishQuestionnaire(grpc::ServerContext* context, const v1::PublishQuestionnaireRequest* request,
                                    v1::Questionnaire* response) override;
  grpc::Status CreateQuestionnaireVersion(grpc::ServerContext* context,
                                          const v1::CreateQuestionnaireVersionRequest* request,
                                          v1::Questionnaire* response) override;
  grpc::Status GetQuestionnaire(grpc::ServerContext* context, const v1::GetQuestionnaireRequest* request,
                                v1::Questionnaire* response) override;
  grpc::Status ListQuestionnaires(grpc::ServerContext* context, const v1::ListQuestionnairesRequest* request,
                                  v1::ListQuestionnairesResponse* response) override;
  grpc::Status ArchiveQuestionnaire(grpc::ServerContext* context, const v1::ArchiveQuestionnaireRequest* request,
                                    v1::Questionnaire* response) override;

 private:
  QuestionnaireStore& store_;
};

}  // namespace satisfaction::questionnaires

#endif  // SATISFACTION_SERVICES_QUESTIONNAIRES_QUESTIONNAIRE_SERVICE_H_
