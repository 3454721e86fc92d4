#include "services/http/survey_site.h"

#include <google/protobuf/util/json_util.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <kainjow/mustache.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/fault_ids.h"
#include "services/common/languages.h"
#include "services/http/page_templates.h"
#include "services/questionnaires/localized_text.h"
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

// The page's headers: nothing cached (the token is a secret), nothing leaked
// to other sites (not even the address, which holds the token).
void SetPageHeaders(HttpResponse& response) {
  response.SetHeader("Cache-Control", "no-store");
  response.SetHeader("Content-Security-Policy", kContentSecurityPolicy);
  response.SetHeader("Referrer-Policy", "no-referrer");
  response.SetHeader("X-Content-Type-Options", "nosniff");
}

data LanguageData(const std::string& language) {
  data page;
  page.set("lang", language);
  page.set(language == "en" ? "en" : "zh", data::type::bool_true);
  return page;
}

const char* const kDefaultLabelsZh[] = {"非常不满意", "不满意", "一般", "满意", "非常满意"};
const char* const kDefaultLabelsEn[] = {"Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"};

data SurveyData(const v1::Questionnaire& questionnaire, const std::string& token, const std::string& language) {
  data page = LanguageData(language);
  page.set("token", token);
  page.set("title", questionnaires::LocalizedIn(questionnaire.title(), language));
  std::string description = questionnaires::LocalizedIn(questionnaire.description(), language);
  if (!description.empty()) page.set("description", description);
  list items;
  for (const v1::Item& item : questionnaire.items()) {
    data entry;
    entry.set("code", item.code());
    entry.set("text", questionnaires::LocalizedIn(item.text(), language));
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
    default: {
      std::string id = NewFaultId();
      spdlog::warn("survey page: internal error {}: {}", id, FaultDetail(status));
      return {500, absl::StrCat("internal error ", id)};
    }
  }
}

bool IsToken(absl::string_view text) {
  return !text.empty() && text.size() <= 64 && std::all_of(text.begin(), text.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

HttpResponse TooManyRequests(HttpResponse response, absl::Duration retry_after) {
  response.SetHeader("Retry-After", std::to_string(absl::ToInt64Seconds(retry_after) + 1));
  return response;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SurveySite>> SurveySite::Create(const std::filesystem::path& directory,
                                                               responses::ResponseStore& responses,
                                                               questionnaires::QuestionnaireStore& questionnaires,
                                                               Options options) {
  std::unique_ptr<SurveySite> site(new SurveySite(responses, questionnaires, options));
  absl::StatusOr<std::string> survey = ReadPageTemplate(directory / "survey.mustache");
  if (!survey.ok()) return survey.status();
  absl::StatusOr<std::string> notice = ReadPageTemplate(directory / "notice.mustache");
  if (!notice.ok()) return notice.status();
  site->survey_template_ = *std::move(survey);
  site->notice_template_ = *std::move(notice);
  return site;
}

void SurveySite::Register(Routes& routes) {
  routes.AddPrefix("GET", "/s/", [this](const HttpRequest& request) { return ShowSurvey(request); });
  routes.Add("POST", "/v1/responses", [this](const HttpRequest& request) { return Submit(request); });
}

// A page that says why there is no survey to answer: kind is unknown,
// expired, answered, busy or limited.
HttpResponse SurveySite::Notice(int http_status, const std::string& language, const char* kind) const {
  data page = LanguageData(language);
  page.set(kind, data::type::bool_true);
  HttpResponse response;
  response.status = http_status;
  SetPageHeaders(response);
  response.SetContent(mustache(notice_template_).render(page), "text/html; charset=utf-8");
  return response;
}

HttpResponse SurveySite::ShowSurvey(const HttpRequest& request) {
  std::string language = PreferredLanguage(request.Header("Accept-Language"), kLanguages[0]);
  absl::Time now = absl::Now();
  absl::Duration retry_after;
  if (!limiter_.Allow(request.remote_address, rate_limit_, now, &retry_after)) {
    return TooManyRequests(Notice(429, language, "limited"), retry_after);
  }
  absl::string_view token = absl::string_view(request.path).substr(3);  // after "/s/"
  if (!IsToken(token)) return Notice(404, language, "unknown");
  absl::StatusOr<responses::ResponseStore::InvitationView> view = responses_.ViewInvitation(std::string(token), now);
  if (!view.ok()) {
    bool unknown = view.status().code() == absl::StatusCode::kNotFound;
    return Notice(unknown ? 404 : 503, language, unknown ? "unknown" : "busy");
  }
  // The language of the message the customer read, unless their browser takes only the other.
  language = SurveyPageLanguage(view->message_language, request.Header("Accept-Language"), kLanguages[0]);
  if (view->answered) return Notice(410, language, "answered");
  if (view->expired) return Notice(410, language, "expired");
  absl::StatusOr<v1::Questionnaire> questionnaire =
      questionnaires_.Get(view->questionnaire_id, view->questionnaire_version);
  if (!questionnaire.ok()) return Notice(503, language, "busy");
  HttpResponse response;
  SetPageHeaders(response);
  response.SetContent(mustache(survey_template_).render(SurveyData(*questionnaire, std::string(token), language)),
                      "text/html; charset=utf-8");
  return response;
}

HttpResponse SurveySite::Submit(const HttpRequest& request) {
  absl::Duration retry_after;
  if (!limiter_.Allow(request.remote_address, rate_limit_, absl::Now(), &retry_after)) {
    return TooManyRequests(JsonError(429, "too many requests; try again later"), retry_after);
  }
  if (!absl::StartsWith(absl::AsciiStrToLower(request.Header("Content-Type")), "application/json")) {
    return JsonError(415, "send application/json");
  }
  v1::SubmitResponseRequest submit;
  google::protobuf::util::JsonParseOptions options;
  if (!google::protobuf::util::JsonStringToMessage(request.body, &submit, options).ok()) {
    return JsonError(400, "the body is not a SubmitResponseRequest in JSON");
  }
  if (submit.has_callback()) return JsonError(403, "answers here come by invitation_token only");
  if (absl::Status s = responses::ValidateSubmitRequest(submit); !s.ok()) return JsonError(400, s.message());
  absl::StatusOr<v1::Response> stored = responses_.Submit(submit, absl::Now());
  if (!stored.ok()) {
    auto [http_status, message] = HttpError(stored.status());
    return JsonError(http_status, message);
  }
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(*stored, &json).ok()) return JsonError(500, "internal error");
  HttpResponse response;
  response.SetHeader("Cache-Control", "no-store");
  response.SetContent(std::move(json), "application/json; charset=utf-8");
  return response;
}

}  // namespace satisfaction::http
