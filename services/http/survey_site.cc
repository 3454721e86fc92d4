#include "services/http/survey_site.h"

#include <google/protobuf/util/json_util.h>
#include <httplib.h>

#include <kainjow/mustache.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/languages.h"
#include "services/common/textproto_files.h"
#include "services/responses/response_service.h"

namespace satisfaction::http {
namespace {

using kainjow::mustache::data;
using kainjow::mustache::list;
using kainjow::mustache::mustache;

// The page carries its own style and script; it may talk to this server only.
constexpr char kContentSecurityPolicy[] =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self';"
    " form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

absl::StatusOr<std::string> ReadTemplate(const std::filesystem::path& path) {
  absl::StatusOr<std::string> text = ReadTextFile(path);
  if (!text.ok()) return text.status();
  mustache parsed(*text);
  if (!parsed.is_valid()) return absl::InvalidArgumentError(absl::StrCat(path.string(), ": ", parsed.error_message()));
  return text;
}

// The page's headers: nothing cached (the token is a secret), nothing leaked
// to other sites (not even the address, which holds the token).
void SetPageHeaders(httplib::Response& response) {
  response.set_header("Cache-Control", "no-store");
  response.set_header("Content-Security-Policy", kContentSecurityPolicy);
  response.set_header("Referrer-Policy", "no-referrer");
  response.set_header("X-Content-Type-Options", "nosniff");
}

data LanguageData(const std::string& language) {
  data page;
  page.set("lang", language);
  page.set(language == "en" ? "en" : "zh", data::type::bool_true);
  return page;
}

std::string Localized(const v1::LocalizedText& text, const std::string& language) {
  const std::string& wanted = language == "en" ? text.en() : text.zh_cn();
  return wanted.empty() ? (language == "en" ? text.zh_cn() : text.en()) : wanted;
}

const char* const kDefaultLabelsZh[] = {"非常不满意", "不满意", "一般", "满意", "非常满意"};
const char* const kDefaultLabelsEn[] = {"Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"};

data SurveyData(const v1::Questionnaire& questionnaire, const std::string& token, const std::string& language) {
  data page = LanguageData(language);
  page.set("token", token);
  page.set("title", Localized(questionnaire.title(), language));
  std::string description = Localized(questionnaire.description(), language);
  if (!description.empty()) page.set("description", description);
  list items;
  for (const v1::Item& item : questionnaire.items()) {
    data entry;
    entry.set("code", item.code());
    entry.set("text", Localized(item.text(), language));
    if (item.required()) entry.set("required", data::type::bool_true);
    if (item.kind() == v1::ITEM_KIND_SCALE) {
      entry.set("scale", data::type::bool_true);
      const auto& custom = language == "en" ? item.labels().en() : item.labels().zh_cn();
      list options;
      for (int score = 1; score <= 5; ++score) {
        data option;
        option.set("score", std::to_string(score));
        option.set("label", custom.size() == 5 ? custom[score - 1]
                                               : std::string(language == "en" ? kDefaultLabelsEn[score - 1]
                                                                              : kDefaultLabelsZh[score - 1]));
        options.push_back(option);
      }
      entry.set("options", options);
    } else {
      entry.set("comment", data::type::bool_true);
      entry.set("max_length", std::to_string(item.max_length() > 0 ? item.max_length() : 500));
    }
    items.push_back(entry);
  }
  page.set("items", items);
  return page;
}

// The HTTP status for a store's answer, and the message the client may see.
std::pair<int, std::string> HttpError(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
      return {400, std::string(status.message())};
    case absl::StatusCode::kNotFound:
      return {404, std::string(status.message())};
    case absl::StatusCode::kAlreadyExists:
      return {409, std::string(status.message())};
    case absl::StatusCode::kFailedPrecondition:
      return {410, std::string(status.message())};
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kDeadlineExceeded:
      return {503, "the service is busy; try again shortly"};
    default:
      return {500, "internal error"};
  }
}

void SendJsonError(httplib::Response& response, int http_status, const std::string& message) {
  response.status = http_status;
  response.set_header("Cache-Control", "no-store");
  response.set_header("X-Content-Type-Options", "nosniff");
  std::string escaped;
  for (char c : message) {
    if (c == '"' || c == '\\') escaped.push_back('\\');
    if (static_cast<unsigned char>(c) < 0x20) continue;
    escaped.push_back(c);
  }
  response.set_content(absl::StrCat(R"({"error":{"code":)", http_status, R"(,"message":")", escaped, R"("}})"),
                       "application/json; charset=utf-8");
}

}  // namespace

absl::StatusOr<std::unique_ptr<SurveySite>> SurveySite::Create(const std::filesystem::path& directory,
                                                               responses::ResponseStore& responses,
                                                               questionnaires::QuestionnaireStore& questionnaires,
                                                               Options options) {
  std::unique_ptr<SurveySite> site(new SurveySite(responses, questionnaires, options));
  absl::StatusOr<std::string> survey = ReadTemplate(directory / "survey.mustache");
  if (!survey.ok()) return survey.status();
  absl::StatusOr<std::string> notice = ReadTemplate(directory / "notice.mustache");
  if (!notice.ok()) return notice.status();
  site->survey_template_ = *std::move(survey);
  site->notice_template_ = *std::move(notice);
  return site;
}

void SurveySite::Register(httplib::Server& server) {
  // A page that says why there is no survey to answer: kind is unknown,
  // expired, answered, busy or limited.
  auto notice = [this](httplib::Response& response, int http_status, const std::string& language, const char* kind) {
    data page = LanguageData(language);
    page.set(kind, data::type::bool_true);
    response.status = http_status;
    SetPageHeaders(response);
    response.set_content(mustache(notice_template_).render(page), "text/html; charset=utf-8");
  };

  server.Get(R"(/s/([A-Za-z0-9_-]{1,64}))",
             [this, notice](const httplib::Request& request, httplib::Response& response) {
               std::string language = PreferredLanguage(request.get_header_value("Accept-Language"), kLanguages[0]);
               absl::Time now = absl::Now();
               absl::Duration retry_after;
               if (!limiter_.Allow(request.remote_addr, rate_limit_, now, &retry_after)) {
                 response.set_header("Retry-After", std::to_string(absl::ToInt64Seconds(retry_after) + 1));
                 return notice(response, 429, language, "limited");
               }
               std::string token = request.matches[1];
               absl::StatusOr<responses::ResponseStore::InvitationView> view = responses_.ViewInvitation(token, now);
               if (!view.ok()) {
                 bool unknown = view.status().code() == absl::StatusCode::kNotFound;
                 return notice(response, unknown ? 404 : 503, language, unknown ? "unknown" : "busy");
               }
               if (view->answered) return notice(response, 410, language, "answered");
               if (view->expired) return notice(response, 410, language, "expired");
               absl::StatusOr<v1::Questionnaire> questionnaire =
                   questionnaires_.Get(view->questionnaire_id, view->questionnaire_version);
               if (!questionnaire.ok()) return notice(response, 503, language, "busy");
               SetPageHeaders(response);
               response.set_content(mustache(survey_template_).render(SurveyData(*questionnaire, token, language)),
                                    "text/html; charset=utf-8");
             });

  server.Post("/v1/responses", [this](const httplib::Request& request, httplib::Response& response) {
    absl::Duration retry_after;
    if (!limiter_.Allow(request.remote_addr, rate_limit_, absl::Now(), &retry_after)) {
      response.set_header("Retry-After", std::to_string(absl::ToInt64Seconds(retry_after) + 1));
      return SendJsonError(response, 429, "too many requests; try again later");
    }
    if (!absl::StartsWith(absl::AsciiStrToLower(request.get_header_value("Content-Type")), "application/json")) {
      return SendJsonError(response, 415, "send application/json");
    }
    v1::SubmitResponseRequest submit;
    google::protobuf::util::JsonParseOptions options;
    if (!google::protobuf::util::JsonStringToMessage(request.body, &submit, options).ok()) {
      return SendJsonError(response, 400, "the body is not a SubmitResponseRequest in JSON");
    }
    if (submit.has_callback()) return SendJsonError(response, 403, "answers here come by invitation_token only");
    if (absl::Status s = responses::ValidateSubmitRequest(submit); !s.ok()) {
      return SendJsonError(response, 400, std::string(s.message()));
    }
    absl::StatusOr<v1::Response> stored = responses_.Submit(submit, absl::Now());
    if (!stored.ok()) {
      auto [http_status, message] = HttpError(stored.status());
      return SendJsonError(response, http_status, message);
    }
    std::string json;
    if (!google::protobuf::util::MessageToJsonString(*stored, &json).ok()) {
      return SendJsonError(response, 500, "internal error");
    }
    response.set_header("Cache-Control", "no-store");
    response.set_content(json, "application/json; charset=utf-8");
  });
}

}  // namespace satisfaction::http
