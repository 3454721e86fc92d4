#ifndef SATISFACTION_SERVICES_DASHBOARD_DASHBOARD_SITE_H_
#define SATISFACTION_SERVICES_DASHBOARD_DASHBOARD_SITE_H_

#include <filesystem>
#include <kainjow/mustache.hpp>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/access/api_key_store.h"
#include "services/access/audit_log.h"
#include "services/access/key_authenticator.h"
#include "services/analytics/response_export.h"
#include "services/common/rate_limiter.h"
#include "services/dashboard/dashboard_report.h"
#include "services/dashboard/dashboard_sessions.h"
#include "services/http/http_message.h"
#include "services/http/routes.h"
#include "services/questionnaires/questionnaire_store.h"

namespace satisfaction::dashboard {

// Management's dashboard on the HTTP face, for keys that may read the
// figures (analyst and admin):
//   GET  /dashboard                          sign-in form, or the questionnaires
//   POST /dashboard/sign-in                  an API key typed into a form
//   POST /dashboard/sign-out                 ends the session
//   GET  /dashboard/questionnaires/{id}      one questionnaire's figures
//   GET  /dashboard/questionnaires/{id}/responses.csv   its export, streamed
// Sessions are cookies (HttpOnly, SameSite=Strict, Secure behind https) the
// database keeps; each request takes a call from its key's rate limit, and
// sign-ins, sign-outs, page views and exports go to the audit log as the
// gRPC calls do. Pages need no script and nothing from elsewhere.
class DashboardSite {
 public:
  struct Options {
    // The server's public URL starts with https: the cookie is Secure.
    bool secure = false;
    absl::Duration session_lifetime = absl::Hours(8);
    // Sign-in attempts per address: keys are long, but guessing is still
    // not free.
    RateLimit sign_in_limit = {.per_minute = 10, .burst = 5};
    // The operator's zone: today's date and the low scores' times.
    absl::TimeZone zone;
  };

  struct Parts {
    DashboardSessionStore& sessions;
    access::ApiKeyStore& keys;
    access::KeyAuthenticator& authenticator;
    access::AuditLog& audit_log;
    questionnaires::QuestionnaireStore& questionnaires;
    DashboardReports& reports;
    analytics::ResponseExport& export_responses;
  };

  // Loads and checks the dashboard's templates in `directory` (templates/web/).
  static absl::StatusOr<std::unique_ptr<DashboardSite>> Create(const std::filesystem::path& directory, Parts parts,
                                                               Options options);

  void Register(http::Routes& routes);

 private:
  DashboardSite(Parts parts, Options options) : parts_(parts), options_(options) {}

  struct Visit;
  http::HttpResponse Home(const http::HttpRequest& request);
  http::HttpResponse SignIn(const http::HttpRequest& request);
  http::HttpResponse SignOut(const http::HttpRequest& request);
  http::HttpResponse Questionnaire(const http::HttpRequest& request);
  http::HttpResponse QuestionnairePage(const Visit& visit, const std::string& questionnaire_id);
  http::HttpResponse ExportCsv(const Visit& visit, const std::string& questionnaire_id);

  // The session a request carries and what it may do, or the page that
  // answers it instead (sign in, slow down, busy).
  absl::StatusOr<Visit> Admit(const http::HttpRequest& request, const std::string& language,
                              http::HttpResponse* refusal);

  http::HttpResponse SignInPage(int status, const std::string& language, const char* notice, bool clear_cookie) const;
  http::HttpResponse Notice(int status, const std::string& language, const std::string& message,
                            const std::string& sign_out_token) const;
  http::HttpResponse Busy(const std::string& language) const;
  http::HttpResponse Page(int status, const std::string& page_template, kainjow::mustache::data data) const;
  void Audit(const access::Caller& caller, const http::HttpRequest& request, const std::string& method,
             const std::string& resource, const absl::Status& outcome);

  std::string CookieName() const;
  std::string SessionCookie(const std::string& value, absl::Duration max_age) const;

  Parts parts_;
  const Options options_;
  RateLimiter sign_in_limiter_;
  std::string style_, sign_in_template_, home_template_, questionnaire_template_, notice_template_;
};

}  // namespace satisfaction::dashboard

#endif  // SATISFACTION_SERVICES_DASHBOARD_DASHBOARD_SITE_H_
