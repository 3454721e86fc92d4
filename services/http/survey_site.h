#ifndef SATISFACTION_SERVICES_HTTP_SURVEY_SITE_H_
#define SATISFACTION_SERVICES_HTTP_SURVEY_SITE_H_

#include <filesystem>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/common/rate_limiter.h"
#include "services/http/http_message.h"
#include "services/http/routes.h"
#include "services/questionnaires/questionnaire_store.h"
#include "services/responses/response_store.h"

namespace satisfaction::http {

// The public face customers use: the survey page behind each invitation link
// (GET /s/{token}, from templates/web/) and the JSON endpoint it submits to
// (POST /v1/responses, SubmitResponseRequest in protobuf's JSON mapping, by
// invitation only). Bodies are capped, each client is rate limited, and
// errors say what was wrong with the request and nothing about the server.
class SurveySite {
 public:
  struct Options {
    // Requests per client (by address).
    RateLimit rate_limit;
  };

  // Loads and checks templates/web/ (survey.mustache, notice.mustache).
  static absl::StatusOr<std::unique_ptr<SurveySite>> Create(const std::filesystem::path& directory,
                                                            responses::ResponseStore& responses,
                                                            questionnaires::QuestionnaireStore& questionnaires,
                                                            Options options);

  // Adds GET /s/{token} and POST /v1/responses, both run on the workers.
  void Register(Routes& routes);

 private:
  SurveySite(responses::ResponseStore& responses, questionnaires::QuestionnaireStore& questionnaires, Options options)
      : responses_(responses), questionnaires_(questionnaires), rate_limit_(options.rate_limit) {}

  HttpResponse ShowSurvey(const HttpRequest& request);
  HttpResponse Submit(const HttpRequest& request);
  HttpResponse Notice(int http_status, const std::string& language, const char* kind) const;

  responses::ResponseStore& responses_;
  questionnaires::QuestionnaireStore& questionnaires_;
  const RateLimit rate_limit_;
  RateLimiter limiter_;
  std::string survey_template_, notice_template_;
};

}  // namespace satisfaction::http

#endif  // SATISFACTION_SERVICES_HTTP_SURVEY_SITE_H_
