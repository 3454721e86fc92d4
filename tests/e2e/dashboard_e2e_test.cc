// The dashboard on the real server, on each backend: sessions (sign-in,
// sign-out, expiry, replayed and forged cookies, roles), the figures a page
// shows against what GetSatisfaction answers, the streamed CSV against the
// gRPC export, the audit log, and bad input answered with a clear page and
// nothing written.
#include <grpcpp/grpcpp.h>

#include <regex>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "satisfaction/v1/access.grpc.pb.h"
#include "satisfaction/v1/analytics.grpc.pb.h"
#include "satisfaction/v1/response.grpc.pb.h"
#include "services/dashboard/dashboard_query.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/survey_links.h"
#include "tests/support/http_client.h"
#include "tests/support/test_database.h"

namespace satisfaction {
namespace {

using test_support::Context;
using test_support::HttpCall;
using test_support::HttpReply;
using test_support::SendHttp;

constexpr char kCookieName[] = "satisfaction-dashboard";
constexpr char kQuestionnaire[] = "post-delivery";

class DashboardE2eTest : public test_support::ServiceE2eTest<v1::AnalyticsService> {
 protected:
  DashboardE2eTest()
      : ServiceE2eTest(
            {.config = {.public_url = "http://127.0.0.1:1"}, .templates = test_support::Templates::kRepository}) {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServiceE2eTest::SetUp());
    test_support::OpenAllDay(channel(), "message_windows");
    port_ = server_->server().http_port();
    database_ = test_support::OpenMigrated(*test_database_, 1);
  }

  HttpReply Send(HttpCall call) {
    absl::StatusOr<HttpReply> reply = SendHttp(port_, call);
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.value_or(HttpReply{});
  }

  HttpReply Get(const std::string& target, const std::string& cookie = "") {
    HttpCall call{.target = target};
    if (!cookie.empty()) call.headers.push_back({"Cookie", absl::StrCat(kCookieName, "=", cookie)});
    return Send(call);
  }

  // Each from an address of its own (all of 127/8 is loopback), as sign-ins
  // are limited per address.
  HttpReply SignIn(const std::string& key, std::vector<std::pair<std::string, std::string>> headers = {},
                   std::string source_address = "") {
    headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
    if (source_address.empty()) source_address = absl::StrCat("127.0.1.", ++sign_ins_);
    return Send({.method = "POST",
                 .target = "/dashboard/sign-in",
                 .headers = headers,
                 .body = absl::StrCat("lang=en&key=", key),
                 .source_address = source_address});
  }

  // The cookie's value a successful sign-in set.
  std::string SignInAs(v1::Role role) {
    HttpReply reply = SignIn(keys_->Create(role));
    EXPECT_EQ(reply.status, 303);
    std::smatch match;
    std::string set_cookie = reply.Header("Set-Cookie");
    if (!std::regex_search(set_cookie, match, std::regex(absl::StrCat(kCookieName, "=([A-Za-z0-9_-]+);")))) {
      ADD_FAILURE() << "no session cookie in " << set_cookie;
      return "";
    }
    return match[1];
  }

  long long Count(const std::string& sql) { return test_support::QueryNumber(*database_, sql); }

  // Answers the post-delivery survey of a new customer with `overall` and
  // 4 for the other items.
  void Answer(const std::string& customer, int overall, const std::string& comment = "") {
    v1::OutboxMessage message = test_support::SurveyMessage(*server_, customer);
    v1::SubmitResponseRequest request;
    request.set_invitation_token(test_support::TokenOf(message.survey_url()));
    for (const char* code : {"product_quality", "price", "delivery", "recommend"}) {
      v1::Answer& answer = *request.add_answers();
      answer.set_item_code(code);
      answer.set_score(4);
    }
    request.add_answers()->set_item_code("overall");
    request.mutable_answers(4)->set_score(overall);
    if (!comment.empty()) {
      v1::Answer& text = *request.add_answers();
      text.set_item_code("comment");
      text.set_text(comment);
    }
    v1::Response stored;
    grpc::Status status = v1::ResponseService::NewStub(channel())->SubmitResponse(Context().get(), request, &stored);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  std::string Today() {
    return dashboard::DayText(absl::ToCivilDay(absl::Now(), server::ServerConfig().report_time_zone));
  }

  int port_ = 0;
  int sign_ins_ = 0;
  std::unique_ptr<storage::Database> database_;
};

// The data-value of a headline card.
std::string CardValue(const std::string& page, const std::string& figure) {
  std::smatch match;
  std::regex card(
      absl::StrCat(R"(data-figure=")", figure, R"re(">\s*<h3>[^<]*</h3>\s*<p class="value" data-value="([^"]*)")re"));
  return std::regex_search(page, match, card) ? std::string(match[1]) : "(no card)";
}

std::string OneDecimal(double value) { return absl::StrFormat("%.1f", value); }

TEST_P(DashboardE2eTest, AnAnalystSignsInSeesTheQuestionnairesAndSignsOut) {
  HttpReply form = Get("/dashboard");
  EXPECT_EQ(form.status, 200);
  EXPECT_TRUE(absl::StrContains(form.body, R"(type="password" id="key" name="key")")) << form.body;
  EXPECT_EQ(
      form.Header("Content-Security-Policy"),
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
  EXPECT_EQ(form.Header("Cache-Control"), "no-store");

  std::string key_id;
  std::string key = keys_->Create(v1::ROLE_ANALYST, {}, &key_id);
  HttpReply signed_in = SignIn(key);
  ASSERT_EQ(signed_in.status, 303) << signed_in.body;
  EXPECT_EQ(signed_in.Header("Location"), "/dashboard?lang=en");
  std::string set_cookie = signed_in.Header("Set-Cookie");
  EXPECT_TRUE(absl::StrContains(set_cookie, "; Path=/; Max-Age=28800; HttpOnly; SameSite=Strict")) << set_cookie;
  EXPECT_FALSE(absl::StrContains(set_cookie, "Secure")) << "not behind https";
  std::smatch match;
  ASSERT_TRUE(std::regex_search(set_cookie, match, std::regex("satisfaction-dashboard=([A-Za-z0-9_-]{43});")));
  std::string cookie = match[1];

  HttpReply home = Get("/dashboard?lang=en", cookie);
  EXPECT_EQ(home.status, 200);
  EXPECT_TRUE(absl::StrContains(home.body, R"(data-id="post-delivery")")) << home.body;
  EXPECT_TRUE(absl::StrContains(home.body, R"(lang="en")"));

  // Signing out takes the page's token: a form posted from elsewhere has none.
  std::regex token_field(R"re(name="token" value="([0-9a-f]{32})")re");
  ASSERT_TRUE(std::regex_search(home.body, match, token_field));
  std::string token = match[1];
  HttpCall sign_out{.method = "POST",
                    .target = "/dashboard/sign-out",
                    .headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                                {"Cookie", absl::StrCat(kCookieName, "=", cookie)}},
                    .body = "token=0123456789abcdef0123456789abcdef"};
  EXPECT_EQ(Send(sign_out).status, 403);
  EXPECT_EQ(Get("/dashboard?lang=en", cookie).status, 200) << "a forged sign-out ends nothing";
  sign_out.body = absl::StrCat("token=", token);
  HttpCall cross_site = sign_out;
  cross_site.headers.push_back({"Origin", "https://evil.example"});
  EXPECT_EQ(Send(cross_site).status, 403);
  HttpReply out = Send(sign_out);
  EXPECT_EQ(out.status, 200);
  EXPECT_TRUE(absl::StrContains(out.Header("Set-Cookie"), "satisfaction-dashboard=; Path=/; Max-Age=0"));

  // The cookie, replayed, opens nothing.
  HttpReply replayed = Get("/dashboard/questionnaires/post-delivery?lang=en", cookie);
  EXPECT_EQ(replayed.status, 401);
  EXPECT_TRUE(absl::StrContains(replayed.body, "Your session has ended")) << replayed.body;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM dashboard_sessions"), 0);

  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM audit_events WHERE method = '/dashboard/sign-in' AND key_id = '",
                               key_id, "' AND outcome = 'OK'")),
            1);
  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM audit_events WHERE method = '/dashboard/sign-out' AND key_id = '",
                               key_id, "'")),
            1);
}

TEST_P(DashboardE2eTest, WrongKeysAndRolesWithoutFiguresAreRefusedAndAudited) {
  HttpReply wrong = SignIn("sat_not-a-key");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_TRUE(absl::StrContains(wrong.body, "That key is wrong or has been revoked")) << wrong.body;
  EXPECT_TRUE(wrong.Header("Set-Cookie").empty());
  EXPECT_EQ(SignIn("").status, 401);
  EXPECT_EQ(SignIn(keys_->CreateRevoked(v1::ROLE_ANALYST)).status, 401);
  for (v1::Role role : {v1::ROLE_OPERATOR, v1::ROLE_DIALER, v1::ROLE_GATEWAY}) {
    HttpReply refused = SignIn(keys_->Create(role));
    EXPECT_EQ(refused.status, 403) << v1::Role_Name(role);
    EXPECT_TRUE(absl::StrContains(refused.body, "it takes an analyst or admin key")) << refused.body;
    EXPECT_TRUE(refused.Header("Set-Cookie").empty());
  }
  // A form posted from another site's page, as the browser tells it.
  EXPECT_EQ(SignIn(keys_->Create(v1::ROLE_ANALYST), {{"Origin", "https://evil.example"}}).status, 403);
  EXPECT_EQ(SignIn(keys_->Create(v1::ROLE_ANALYST), {{"Sec-Fetch-Site", "cross-site"}, {"Origin", "null"}}).status,
            403);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM dashboard_sessions"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_events WHERE method = '/dashboard/sign-in' AND outcome = "
                  "'UNAUTHENTICATED'"),
            3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_events WHERE method = '/dashboard/sign-in' AND outcome = "
                  "'PERMISSION_DENIED'"),
            3);
  // An admin key may; so may a page of this site whose origin is hidden.
  EXPECT_FALSE(SignInAs(v1::ROLE_ADMIN).empty());
  EXPECT_EQ(SignIn(keys_->Create(v1::ROLE_ANALYST), {{"Sec-Fetch-Site", "same-origin"}, {"Origin", "null"}}).status,
            303);
}

TEST_P(DashboardE2eTest, ThePageShowsWhatGetSatisfactionAnswersAndExportsTheSameCsv) {
  const int kOverall[] = {5, 4, 2, 1, 5, 3};
  for (int i = 0; i < 6; ++i) {
    ASSERT_NO_FATAL_FAILURE(Answer(absl::StrCat("c", i), kOverall[i], i == 3 ? "快递太慢了 <b>" : ""));
  }
  std::string cookie = SignInAs(v1::ROLE_ANALYST);
  HttpReply page = Get("/dashboard/questionnaires/post-delivery?lang=en", cookie);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(absl::StartsWith(page.Header("Server-Timing"), "render;dur=")) << page.Header("Server-Timing");

  v1::GetSatisfactionRequest request;
  request.set_questionnaire_id(kQuestionnaire);
  request.set_last_day(Today());
  request.set_first_day(
      dashboard::DayText(absl::ToCivilDay(absl::Now(), server::ServerConfig().report_time_zone) - 27));
  v1::GetSatisfactionResponse figures;
  grpc::Status status = stub_->GetSatisfaction(Context().get(), request, &figures);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(figures.groups_size(), 1);
  const v1::Figures& whole = figures.groups(0).figures();
  EXPECT_EQ(CardValue(page.body, "index"), OneDecimal(whole.index()));
  EXPECT_EQ(CardValue(page.body, "csat"), OneDecimal(whole.csat_percent()));
  EXPECT_EQ(CardValue(page.body, "mean"), absl::StrFormat("%.2f", whole.mean_score()));
  EXPECT_EQ(CardValue(page.body, "responses"), "6");
  // 24 answers of 4, and 5 5 2 1 5 3 (the 4 among them counted with the others).
  EXPECT_EQ(CardValue(page.body, "csat"), OneDecimal(100.0 * 27 / 30));
  // Every customer was new: the breakdown by type has one bar of the same index.
  EXPECT_TRUE(absl::StrContains(page.body, absl::StrCat(R"(data-label="New" data-value=")", OneDecimal(whole.index()))))
      << page.body;
  // The low scores, newest first, their comment escaped and the number masked.
  size_t low_table = page.body.find(R"(<table id="low-scores")");
  ASSERT_NE(low_table, std::string::npos);
  std::string low = page.body.substr(low_table);
  EXPECT_LT(low.find(">c3<"), low.find(">c2<")) << low;
  EXPECT_TRUE(absl::StrContains(low, "快递太慢了 &lt;b&gt;")) << low;
  EXPECT_FALSE(absl::StrContains(low, "+8613912345678"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_events WHERE method = '/dashboard/questionnaires' AND resource = "
                  "'post-delivery' AND outcome = 'OK'"),
            1);

  // The CSV link streams what the gRPC export sends, after a byte-order mark.
  std::smatch match;
  ASSERT_TRUE(std::regex_search(page.body, match, std::regex(R"re(id="csv" href="([^"]+)")re")));
  std::string href = std::regex_replace(std::string(match[1]), std::regex("&amp;"), "&");
  HttpReply csv = Get(href, cookie);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.Header("Transfer-Encoding"), "chunked");
  EXPECT_EQ(csv.Header("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_TRUE(absl::StrContains(csv.Header("Content-Disposition"), "attachment; filename=\"post-delivery-"));
  v1::ExportResponsesRequest export_request;
  export_request.set_questionnaire_id(kQuestionnaire);
  export_request.set_first_day(request.first_day());
  export_request.set_last_day(request.last_day());
  export_request.set_format(v1::EXPORT_FORMAT_CSV);
  auto context = Context();
  auto reader = stub_->ExportResponses(context.get(), export_request);
  std::string expected = "\xEF\xBB\xBF";
  v1::ExportResponsesPage export_page;
  while (reader->Read(&export_page)) expected += export_page.csv();
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_EQ(csv.body, expected);
  EXPECT_EQ(std::count(csv.body.begin(), csv.body.end(), '\n'), 7) << "a header and 6 responses";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_events WHERE method = '/dashboard/responses.csv'"), 1);

  // Weighted to the registry's mix: the figures GetSatisfaction weighs.
  request.mutable_weighting()->set_target(v1::WEIGHTING_TARGET_REGISTRY);
  v1::GetSatisfactionResponse weighted;
  status = stub_->GetSatisfaction(Context().get(), request, &weighted);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(weighted.groups_size(), 1);
  ASSERT_TRUE(weighted.groups(0).weighted().has_index());
  HttpReply weighed = Get("/dashboard/questionnaires/post-delivery?lang=en&weight=registry", cookie);
  ASSERT_EQ(weighed.status, 200) << weighed.body;
  EXPECT_TRUE(absl::StrContains(
      weighed.body, absl::StrCat(R"(data-weighted=")", OneDecimal(weighted.groups(0).weighted().index()), R"(")")))
      << weighed.body;
  EXPECT_TRUE(absl::StrContains(weighed.body, R"(id="weighting")"));
  EXPECT_FALSE(absl::StrContains(page.body, R"(id="weighting")"));

  // The other language, and another range with its comparison.
  HttpReply zh = Get("/dashboard/questionnaires/post-delivery?lang=zh-CN&compare=year&by=week", cookie);
  EXPECT_EQ(zh.status, 200);
  EXPECT_TRUE(absl::StrContains(zh.body, R"(<html lang="zh-CN">)"));
  EXPECT_TRUE(absl::StrContains(zh.body, "满意度指数趋势"));
  EXPECT_EQ(CardValue(zh.body, "responses"), "6");
}

TEST_P(DashboardE2eTest, BadRequestsGetAClearPageAndWriteNothing) {
  std::string cookie = SignInAs(v1::ROLE_ANALYST);
  long long audited = Count("SELECT COUNT(*) FROM audit_events");
  const std::string base = "/dashboard/questionnaires/post-delivery";
  const std::tuple<std::string, int, std::string> kBad[] = {
      {base + "?from=2026-12-07&to=2026-12-01&lang=en", 400, "from: the range starts after it ends"},
      {base + "?from=2020-01-01&to=2026-01-01&lang=en", 400, "to: the range is over 1100 days"},
      {base + "?by=hour&lang=en", 400, "by: expected day, week or month"},
      {base + "?weight=everyone&lang=en", 400, "weight: expected registry or none"},
      {base + "?group_by=agent&lang=en", 400, "group_by: unknown parameter"},
      {base + "?from=%zz&lang=en", 400, "not well encoded"},
      {base + "?lang=en&from=" + std::string(600, '1'), 414, "over 512 bytes"},
      {"/dashboard/questionnaires/no-such-questionnaire?lang=en", 404, "no such questionnaire"},
      {"/dashboard/questionnaires/a%2Fb/c?lang=en", 404, "no such page"},
      {base + "/responses.csv?lang=en", 400, "from"},
      {base + "/responses.csv?from=2026-12-01&to=2026-12-07&lang=en&format=xlsx", 400, "format: unknown parameter"},
  };
  for (const auto& [target, status, words] : kBad) {
    HttpReply reply = Get(target, cookie);
    EXPECT_EQ(reply.status, status) << target;
    EXPECT_TRUE(absl::StrContains(reply.body, words)) << target << ": " << reply.body;
    EXPECT_EQ(reply.Header("Content-Type"), "text/html; charset=utf-8") << target;
    EXPECT_FALSE(absl::StrContains(reply.body, "SELECT")) << target;
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_events"), audited) << "refused before anything was read";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM dashboard_sessions"), 1);

  // No cookie, a forged one, an expired one: the sign-in page, no figures.
  EXPECT_EQ(Get(base).status, 401);
  HttpReply forged = Get(base, std::string(43, 'A'));
  EXPECT_EQ(forged.status, 401);
  EXPECT_TRUE(absl::StrContains(forged.Header("Set-Cookie"), "Max-Age=0")) << "the browser forgets it";
  ASSERT_TRUE(test_support::ExecuteSql(*database_, "UPDATE dashboard_sessions SET expires_at_us = 1").ok());
  HttpReply expired = Get(base + "?lang=en", cookie);
  EXPECT_EQ(expired.status, 401);
  EXPECT_TRUE(absl::StrContains(expired.body, "Your session has ended"));
  EXPECT_FALSE(absl::StrContains(expired.body, "data-figure"));
  // Other methods.
  EXPECT_EQ(Send({.method = "DELETE", .target = "/dashboard"}).status, 405);
  EXPECT_EQ(Send({.method = "POST", .target = "/dashboard/sign-in", .body = "key=x"}).status, 415);
}

TEST_P(DashboardE2eTest, SignInsFromOneAddressAreLimited) {
  for (int i = 0; i < 5; ++i) EXPECT_EQ(SignIn("sat_guess", {}, "127.0.2.1").status, 401) << i;
  HttpReply limited = SignIn(keys_->Create(v1::ROLE_ANALYST), {}, "127.0.2.1");
  EXPECT_EQ(limited.status, 429);
  EXPECT_FALSE(limited.Header("Retry-After").empty());
  EXPECT_TRUE(absl::StrContains(limited.body, "Too many attempts")) << limited.body;
  EXPECT_EQ(SignIn(keys_->Create(v1::ROLE_ANALYST), {}, "127.0.2.2").status, 303) << "other addresses are not held up";
}

TEST_P(DashboardE2eTest, AKeyRevokedEndsItsSessions) {
  std::string key_id;
  std::string key = keys_->Create(v1::ROLE_ANALYST, {}, &key_id);
  HttpReply signed_in = SignIn(key);
  ASSERT_EQ(signed_in.status, 303);
  std::smatch match;
  std::string set_cookie = signed_in.Header("Set-Cookie");
  ASSERT_TRUE(std::regex_search(set_cookie, match, std::regex("satisfaction-dashboard=([A-Za-z0-9_-]{43});")));
  std::string cookie = match[1];
  EXPECT_EQ(Get("/dashboard", cookie).status, 200);
  v1::RevokeApiKeyRequest revoke;
  revoke.set_id(key_id);
  v1::ApiKey revoked;
  ASSERT_TRUE(v1::AccessService::NewStub(channel())->RevokeApiKey(Context().get(), revoke, &revoked).ok());
  EXPECT_EQ(Get("/dashboard/questionnaires/post-delivery", cookie).status, 401);
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(DashboardE2eTest);

// Behind TLS (an https public URL), the cookie is Secure and __Host- named.
class DashboardBehindTlsE2eTest : public test_support::E2eTest {
 protected:
  DashboardBehindTlsE2eTest()
      : E2eTest({.config = {.public_url = "https://survey.example.com"},
                 .templates = test_support::Templates::kRepository}) {}
};

TEST_P(DashboardBehindTlsE2eTest, TheCookieIsSecureAndHostOnly) {
  absl::StatusOr<HttpReply> reply =
      SendHttp(server_->server().http_port(), {.method = "POST",
                                               .target = "/dashboard/sign-in",
                                               .headers = {{"Content-Type", "application/x-www-form-urlencoded"}},
                                               .body = absl::StrCat("key=", keys_->Create(v1::ROLE_ANALYST))});
  ASSERT_TRUE(reply.ok()) << reply.status();
  ASSERT_EQ(reply->status, 303);
  std::string set_cookie = reply->Header("Set-Cookie");
  EXPECT_TRUE(absl::StartsWith(set_cookie, "__Host-satisfaction-dashboard=")) << set_cookie;
  EXPECT_TRUE(absl::EndsWith(set_cookie, "; HttpOnly; SameSite=Strict; Secure")) << set_cookie;
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(DashboardBehindTlsE2eTest);

}  // namespace
}  // namespace satisfaction
