#include "services/dashboard/dashboard_site.h"

#include <spdlog/spdlog.h>

#include <future>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "services/common/fault_ids.h"
#include "services/common/languages.h"
#include "services/common/secrets.h"
#include "services/dashboard/dashboard_page.h"
#include "services/http/form_fields.h"
#include "services/http/page_templates.h"
#include "services/questionnaires/localized_text.h"

namespace satisfaction::dashboard {
namespace {

using http::HttpRequest;
using http::HttpResponse;
using kainjow::mustache::data;
using kainjow::mustache::mustache;

// The pages are static HTML and inline SVG: no script at all, nothing from
// elsewhere, forms posted only here, never framed.
constexpr char kContentSecurityPolicy[] =
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

constexpr char kQuestionnairesPath[] = "/dashboard/questionnaires/";
constexpr char kCsvSuffix[] = "/responses.csv";
// What the dashboard shows: the figures, the funnel, and exports.
constexpr char kFiguresMethod[] = "/satisfaction.v1.AnalyticsService/GetSatisfaction";
constexpr char kFunnelMethod[] = "/satisfaction.v1.AnalyticsService/GetResponseFunnel";
constexpr char kExportMethod[] = "/satisfaction.v1.AnalyticsService/ExportResponses";
// The methods the audit log names the dashboard's actions by.
constexpr char kAuditSignIn[] = "/dashboard/sign-in";
constexpr char kAuditSignOut[] = "/dashboard/sign-out";
constexpr char kAuditView[] = "/dashboard/questionnaires";
constexpr char kAuditExport[] = "/dashboard/responses.csv";
constexpr int kMaxKeyBytes = 256;
constexpr int kListedQuestionnaires = 200;

void SetPageHeaders(HttpResponse& response) {
  response.SetHeader("Cache-Control", "no-store");
  response.SetHeader("Content-Security-Policy", kContentSecurityPolicy);
  // Its own origin only: the dashboard's addresses hold no secret, and
  // browsers then send the Origin its forms are checked by.
  response.SetHeader("Referrer-Policy", "same-origin");
  response.SetHeader("X-Content-Type-Options", "nosniff");
}

HttpResponse Redirect(const std::string& location) {
  HttpResponse response;
  response.status = 303;
  response.SetHeader("Location", location);
  response.SetHeader("Cache-Control", "no-store");
  return response;
}

// The page's language: `lang` when it names one, else the browser's.
std::string RequestLanguage(const HttpRequest& request, const http::FormFields& fields) {
  std::optional<std::string> asked = http::FieldValue(fields, "lang");
  if (asked && (*asked == "en" || *asked == "zh-CN")) return *asked;
  return PreferredLanguage(request.Header("Accept-Language"), kLanguages[0]);
}

std::string SignOutToken(const std::string& cookie) {
  return Sha256Hex(absl::StrCat("sign-out ", cookie)).substr(0, 32);
}

// A form posted from a page of another site. Browsers say where a request
// comes from in Sec-Fetch-Site, and older ones in Origin (which is "null"
// for pages whose referrer policy hides them, so the pages keep theirs
// same-origin). SameSite=Strict already keeps the cookie from such posts;
// this also stops signing a browser in to a session of another's key.
bool FromAnotherSite(const HttpRequest& request) {
  std::string fetch_site = request.Header("Sec-Fetch-Site");
  if (!fetch_site.empty()) return fetch_site != "same-origin" && fetch_site != "none";
  std::string origin = request.Header("Origin");
  if (origin.empty()) return false;
  std::string host = request.Header("Host");
  return origin != absl::StrCat("http://", host) && origin != absl::StrCat("https://", host);
}

int HttpStatusOf(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
      return 400;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kFailedPrecondition:
      return 409;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kDeadlineExceeded:
      return 503;
    default:
      return 500;
  }
}

}  // namespace

struct DashboardSite::Visit {
  DashboardSession session;
  std::string sign_out_token;
  std::string language;
  http::FormFields fields;
  const HttpRequest* request = nullptr;
};

absl::StatusOr<std::unique_ptr<DashboardSite>> DashboardSite::Create(const std::filesystem::path& directory,
                                                                     Parts parts, Options options) {
  std::unique_ptr<DashboardSite> site(new DashboardSite(parts, options));
  std::pair<const char*, std::string*> files[] = {{"dashboard_style.mustache", &site->style_},
                                                  {"dashboard_sign_in.mustache", &site->sign_in_template_},
                                                  {"dashboard_home.mustache", &site->home_template_},
                                                  {"dashboard_questionnaire.mustache", &site->questionnaire_template_},
                                                  {"dashboard_notice.mustache", &site->notice_template_}};
  for (auto& [name, text] : files) {
    absl::StatusOr<std::string> read = http::ReadPageTemplate(directory / name);
    if (!read.ok()) return read.status();
    *text = *std::move(read);
  }
  return site;
}

void DashboardSite::Register(http::Routes& routes) {
  routes.Add("GET", "/dashboard", [this](const HttpRequest& request) { return Home(request); });
  routes.Add("POST", "/dashboard/sign-in", [this](const HttpRequest& request) { return SignIn(request); });
  routes.Add("POST", "/dashboard/sign-out", [this](const HttpRequest& request) { return SignOut(request); });
  routes.AddPrefix("GET", kQuestionnairesPath, [this](const HttpRequest& request) { return Questionnaire(request); });
}

std::string DashboardSite::CookieName() const {
  // __Host-: the browser takes it only over TLS, for this host, for every path.
  return options_.secure ? "__Host-satisfaction-dashboard" : "satisfaction-dashboard";
}

std::string DashboardSite::SessionCookie(const std::string& value, absl::Duration max_age) const {
  return absl::StrCat(CookieName(), "=", value, "; Path=/; Max-Age=", absl::ToInt64Seconds(max_age),
                      "; HttpOnly; SameSite=Strict", options_.secure ? "; Secure" : "");
}

HttpResponse DashboardSite::Page(int status, const std::string& page_template, data page) const {
  std::string style = style_;
  page.set("style", kainjow::mustache::partial([style] { return style; }));
  HttpResponse response;
  response.status = status;
  SetPageHeaders(response);
  response.SetContent(mustache(page_template).render(page), "text/html; charset=utf-8");
  return response;
}

// notice: signed_out (none), session_ended, wrong_key, not_allowed, limited.
HttpResponse DashboardSite::SignInPage(int status, const std::string& language, const char* notice,
                                       bool clear_cookie) const {
  data page = PageData(language, "");
  if (notice != nullptr) page.set(notice, data::type::bool_true);
  HttpResponse response = Page(status, sign_in_template_, page);
  if (clear_cookie) response.SetHeader("Set-Cookie", SessionCookie("", absl::ZeroDuration()));
  return response;
}

HttpResponse DashboardSite::Busy(const std::string& language) const {
  HttpResponse response = Notice(
      503, language, language == "en" ? "The service is busy; try again shortly." : "服务繁忙，请稍后再试。", "");
  response.SetHeader("Retry-After", "5");
  return response;
}

HttpResponse DashboardSite::Notice(int status, const std::string& language, const std::string& message,
                                   const std::string& sign_out_token) const {
  data page = PageData(language, sign_out_token);
  page.set("status", std::to_string(status));
  page.set("message", message);
  return Page(status, notice_template_, page);
}

void DashboardSite::Audit(const access::Caller& caller, const HttpRequest& request, const std::string& method,
                          const std::string& resource, const absl::Status& outcome) {
  v1::AuditEvent event;
  event.set_key_id(caller.key_id);
  event.set_role(caller.role);
  event.set_method(method);
  event.set_resource(resource);
  event.set_outcome(outcome.ok() ? "OK" : absl::StatusCodeToString(outcome.code()));
  event.set_message(std::string(outcome.message()));
  event.set_peer(request.remote_address);
  // Waited for, as the gRPC gate waits: an action the user saw done is in the log.
  std::promise<absl::Status> recorded;
  parts_.audit_log.Record(std::move(event), [&recorded](const absl::Status& status) { recorded.set_value(status); });
  absl::Status status = recorded.get_future().get();
  if (!status.ok())
    spdlog::warn("dashboard: audit event for {} not recorded: {}", method, std::string(status.message()));
}

absl::StatusOr<DashboardSite::Visit> DashboardSite::Admit(const HttpRequest& request, const std::string& language,
                                                          HttpResponse* refusal) {
  std::optional<std::string> cookie = http::CookieValue(request.Header("Cookie"), CookieName());
  if (!cookie || cookie->empty()) {
    *refusal = SignInPage(401, language, "signed_out", /*clear_cookie=*/false);
    return absl::UnauthenticatedError("not signed in");
  }
  absl::Time now = absl::Now();
  absl::StatusOr<DashboardSession> session = parts_.sessions.Find(*cookie, now);
  if (!session.ok()) {
    if (session.status().code() == absl::StatusCode::kNotFound) {
      *refusal = SignInPage(401, language, "session_ended", /*clear_cookie=*/true);
    } else {
      *refusal = Busy(language);
    }
    return session.status();
  }
  Visit visit{.session = *session, .sign_out_token = SignOutToken(*cookie), .language = language};
  if (absl::Status allowance = parts_.authenticator.TakeCall(session->caller, now); !allowance.ok()) {
    *refusal = Notice(429, language, std::string(allowance.message()), visit.sign_out_token);
    return allowance;
  }
  for (const char* method : {kFiguresMethod, kFunnelMethod}) {
    if (absl::Status allowed = access::Authorize(session->caller, method); !allowed.ok()) {
      *refusal = Notice(403, language, std::string(allowed.message()), visit.sign_out_token);
      return allowed;
    }
  }
  return visit;
}

HttpResponse DashboardSite::Home(const HttpRequest& request) {
  std::string language = PreferredLanguage(request.Header("Accept-Language"), kLanguages[0]);
  if (request.query.size() > kMaxQueryBytes) return Notice(414, language, "the query string is too long", "");
  absl::StatusOr<http::FormFields> fields = http::ParseFormFields(request.query);
  if (!fields.ok()) return Notice(400, language, std::string(fields.status().message()), "");
  language = RequestLanguage(request, *fields);
  for (const auto& [name, value] : *fields) {
    if (name != "lang") return Notice(400, language, absl::StrCat(name.substr(0, 32), ": unknown parameter"), "");
  }
  if (!http::CookieValue(request.Header("Cookie"), CookieName())) {
    return SignInPage(200, language, nullptr, /*clear_cookie=*/false);
  }
  HttpResponse refusal;
  absl::StatusOr<Visit> visit = Admit(request, language, &refusal);
  if (!visit.ok()) return refusal;

  questionnaires::QuestionnaireStore::ListQuery list_query{.limit = kListedQuestionnaires};
  absl::StatusOr<questionnaires::QuestionnaireStore::ListPage> listed = parts_.questionnaires.List(list_query);
  if (!listed.ok())
    return Notice(HttpStatusOf(listed.status()), language, "the questionnaires could not be read",
                  visit->sign_out_token);
  data page = PageData(language, visit->sign_out_token);
  kainjow::mustache::list entries;
  for (const v1::Questionnaire& questionnaire : listed->questionnaires) {
    data entry;
    entry.set("href", absl::StrCat(kQuestionnairesPath, http::QueryEscape(questionnaire.id()), "?lang=", language));
    entry.set("id", questionnaire.id());
    entry.set("title", questionnaires::LocalizedIn(questionnaire.title(), language));
    entries.push_back(entry);
  }
  page.set("questionnaires", entries);
  if (listed->questionnaires.empty()) page.set("none", data::type::bool_true);
  return Page(200, home_template_, page);
}

HttpResponse DashboardSite::SignIn(const HttpRequest& request) {
  std::string language = PreferredLanguage(request.Header("Accept-Language"), kLanguages[0]);
  if (FromAnotherSite(request)) return Notice(403, language, "sign in from this site's own form", "");
  if (!absl::StartsWith(absl::AsciiStrToLower(request.Header("Content-Type")), "application/x-www-form-urlencoded")) {
    return Notice(415, language, "send the sign-in form", "");
  }
  absl::StatusOr<http::FormFields> fields = http::ParseFormFields(request.body);
  if (!fields.ok()) return Notice(400, language, std::string(fields.status().message()), "");
  language = RequestLanguage(request, *fields);
  absl::Duration retry_after;
  if (!sign_in_limiter_.Allow(request.remote_address, options_.sign_in_limit, absl::Now(), &retry_after)) {
    HttpResponse response = SignInPage(429, language, "limited", /*clear_cookie=*/false);
    response.SetHeader("Retry-After", std::to_string(absl::ToInt64Seconds(retry_after) + 1));
    return response;
  }
  std::string key = http::FieldValue(*fields, "key").value_or("");
  key = std::string(absl::StripAsciiWhitespace(key));
  if (key.empty() || key.size() > kMaxKeyBytes) {
    Audit({}, request, kAuditSignIn, "", absl::UnauthenticatedError("no key, or not a key"));
    return SignInPage(401, language, "wrong_key", /*clear_cookie=*/false);
  }
  absl::StatusOr<std::optional<access::Caller>> caller = parts_.keys.FindActive(key);
  if (!caller.ok()) return Busy(language);
  if (!*caller) {
    Audit({}, request, kAuditSignIn, "", absl::UnauthenticatedError("unknown or revoked key"));
    return SignInPage(401, language, "wrong_key", /*clear_cookie=*/false);
  }
  for (const char* method : {kFiguresMethod, kFunnelMethod}) {
    if (absl::Status allowed = access::Authorize(**caller, method); !allowed.ok()) {
      Audit(**caller, request, kAuditSignIn, "",
            absl::PermissionDeniedError("this key's role may not see the dashboard"));
      return SignInPage(403, language, "not_allowed", /*clear_cookie=*/false);
    }
  }
  absl::StatusOr<std::string> cookie =
      parts_.sessions.Open(**caller, request.remote_address, absl::Now(), options_.session_lifetime);
  if (!cookie.ok()) return Busy(language);
  Audit(**caller, request, kAuditSignIn, "", absl::OkStatus());
  HttpResponse response = Redirect(absl::StrCat("/dashboard?lang=", language));
  response.SetHeader("Set-Cookie", SessionCookie(*cookie, options_.session_lifetime));
  return response;
}

HttpResponse DashboardSite::SignOut(const HttpRequest& request) {
  std::string language = PreferredLanguage(request.Header("Accept-Language"), kLanguages[0]);
  if (FromAnotherSite(request)) return Notice(403, language, "sign out from this site's own form", "");
  absl::StatusOr<http::FormFields> fields = http::ParseFormFields(request.body);
  if (!fields.ok()) return Notice(400, language, std::string(fields.status().message()), "");
  language = RequestLanguage(request, *fields);
  std::optional<std::string> cookie = http::CookieValue(request.Header("Cookie"), CookieName());
  if (!cookie || cookie->empty()) return SignInPage(200, language, "signed_out", /*clear_cookie=*/true);
  // The token of the page's form: a post forged elsewhere cannot know it.
  if (http::FieldValue(*fields, "token").value_or("") != SignOutToken(*cookie)) {
    return Notice(403, language, "sign out from the dashboard's own button", "");
  }
  absl::StatusOr<DashboardSession> session = parts_.sessions.Find(*cookie, absl::Now());
  absl::StatusOr<bool> ended = parts_.sessions.End(*cookie);
  if (!ended.ok()) return Busy(language);
  if (session.ok()) Audit(session->caller, request, kAuditSignOut, "", absl::OkStatus());
  HttpResponse response = SignInPage(200, language, "signed_out", /*clear_cookie=*/true);
  return response;
}

HttpResponse DashboardSite::Questionnaire(const HttpRequest& request) {
  std::string language = PreferredLanguage(request.Header("Accept-Language"), kLanguages[0]);
  if (request.query.size() > kMaxQueryBytes) {
    return Notice(414, language, absl::StrCat("the query string is over ", kMaxQueryBytes, " bytes"), "");
  }
  absl::StatusOr<http::FormFields> fields = http::ParseFormFields(request.query);
  if (!fields.ok()) return Notice(400, language, std::string(fields.status().message()), "");
  language = RequestLanguage(request, *fields);
  HttpResponse refusal;
  absl::StatusOr<Visit> visit = Admit(request, language, &refusal);
  if (!visit.ok()) return refusal;
  visit->fields = *std::move(fields);
  visit->request = &request;

  std::string rest = request.path.substr(sizeof(kQuestionnairesPath) - 1);
  bool csv = absl::EndsWith(rest, kCsvSuffix);
  if (csv) rest.resize(rest.size() - (sizeof(kCsvSuffix) - 1));
  std::optional<std::string> questionnaire_id = http::PercentDecoded(rest);
  if (!questionnaire_id || rest.find('/') != std::string::npos) {
    return Notice(404, language, "no such page", visit->sign_out_token);
  }
  if (absl::Status valid = analytics::ValidateReportQuestionnaire(*questionnaire_id, 0); !valid.ok()) {
    return Notice(404, language, "no such questionnaire", visit->sign_out_token);
  }
  return csv ? ExportCsv(*visit, *questionnaire_id) : QuestionnairePage(*visit, *questionnaire_id);
}

HttpResponse DashboardSite::QuestionnairePage(const Visit& visit, const std::string& questionnaire_id) {
  absl::Time started = absl::Now();
  const HttpRequest& request = *visit.request;
  const access::Caller& caller = visit.session.caller;
  absl::CivilDay today = absl::ToCivilDay(started, options_.zone);
  absl::StatusOr<DashboardQuery> query = ParseDashboardQuery(visit.fields, today, visit.language);
  if (!query.ok()) return Notice(400, visit.language, std::string(query.status().message()), visit.sign_out_token);
  absl::StatusOr<v1::Questionnaire> questionnaire = parts_.questionnaires.Get(questionnaire_id, 0);
  if (!questionnaire.ok()) {
    int status = HttpStatusOf(questionnaire.status());
    return Notice(status, visit.language,
                  status == 404 ? "no such questionnaire" : "the service is busy; try again shortly",
                  visit.sign_out_token);
  }
  absl::StatusOr<DashboardReport> report = parts_.reports.Read(caller, questionnaire_id, *query);
  absl::Status outcome = report.status();
  Audit(caller, request, kAuditView, questionnaire_id, outcome.ok() ? absl::OkStatus() : outcome);
  if (!report.ok()) {
    int status = HttpStatusOf(outcome);
    if (status >= 500) {
      std::string fault = NewFaultId();
      spdlog::warn("dashboard: {} failed, {}: {}", questionnaire_id, fault, FaultDetail(outcome));
      return Notice(status, visit.language, absl::StrCat("the figures could not be read (", fault, ")"),
                    visit.sign_out_token);
    }
    return Notice(status, visit.language, std::string(outcome.message()), visit.sign_out_token);
  }
  data page = QuestionnairePageData(*questionnaire, *query, *report, options_.zone,
                                    PageData(visit.language, visit.sign_out_token));
  HttpResponse response = Page(200, questionnaire_template_, page);
  // How long the server took in all and for each part, for the benchmark and
  // the browser's tools.
  std::string timing =
      absl::StrCat("render;dur=", absl::StrFormat("%.1f", absl::ToDoubleMilliseconds(absl::Now() - started)));
  for (const auto& [part, took] : report->timings) {
    absl::StrAppend(&timing, ", ", part, ";dur=", absl::StrFormat("%.1f", absl::ToDoubleMilliseconds(took)));
  }
  response.SetHeader("Server-Timing", timing);
  return response;
}

HttpResponse DashboardSite::ExportCsv(const Visit& visit, const std::string& questionnaire_id) {
  const access::Caller& caller = visit.session.caller;
  if (absl::Status allowed = access::Authorize(caller, kExportMethod); !allowed.ok()) {
    return Notice(403, visit.language, std::string(allowed.message()), visit.sign_out_token);
  }
  v1::ExportResponsesRequest request;
  request.set_questionnaire_id(questionnaire_id);
  request.set_format(v1::EXPORT_FORMAT_CSV);
  for (const auto& [name, value] : visit.fields) {
    if (name == "from") {
      request.set_first_day(value);
    } else if (name == "to") {
      request.set_last_day(value);
    } else if (name != "lang") {
      return Notice(400, visit.language, absl::StrCat(name.substr(0, 32), ": unknown parameter; expected from or to"),
                    visit.sign_out_token);
    }
  }
  if (absl::Status valid = analytics::ValidateExportRequest(request); !valid.ok()) {
    std::string message(valid.message());
    // The export's fields are the page's parameters.
    if (absl::StartsWith(message, "first_day")) message = absl::StrCat("from", message.substr(9));
    if (absl::StartsWith(message, "last_day")) message = absl::StrCat("to", message.substr(8));
    return Notice(400, visit.language, message, visit.sign_out_token);
  }
  absl::StatusOr<v1::Questionnaire> questionnaire = parts_.questionnaires.Get(questionnaire_id, 0);
  if (!questionnaire.ok()) {
    return Notice(HttpStatusOf(questionnaire.status()), visit.language, "no such questionnaire", visit.sign_out_token);
  }
  Audit(caller, *visit.request, kAuditExport, questionnaire_id, absl::OkStatus());
  HttpResponse response;
  response.SetHeader("Cache-Control", "no-store");
  response.SetHeader("X-Content-Type-Options", "nosniff");
  response.SetHeader("Content-Type", "text/csv; charset=utf-8");
  response.SetHeader("Content-Disposition", absl::StrCat("attachment; filename=\"", questionnaire_id, "-",
                                                         request.first_day(), "-", request.last_day(), ".csv\""));
  analytics::ResponseExport& exporter = parts_.export_responses;
  response.stream = [&exporter, request, questionnaire_id](http::BodyWriter& body) {
    // A byte-order mark: spreadsheets in China read UTF-8 by it.
    if (!body.Write("\xEF\xBB\xBF")) return false;
    absl::Status exported =
        exporter.Export(request, [&body](const v1::ExportResponsesPage& page) { return body.Write(page.csv()); });
    if (!exported.ok())
      spdlog::warn("dashboard: export of {} stopped: {}", questionnaire_id, std::string(exported.message()));
    return exported.ok();
  };
  return response;
}

}  // namespace satisfaction::dashboard
