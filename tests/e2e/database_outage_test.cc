// The database goes away while the server runs, and comes back: calls get
// UNAVAILABLE and health says NOT_SERVING meanwhile, and the server recovers by
// itself, without a restart and without losing what was committed.
#include <grpcpp/grpcpp.h>

#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "satisfaction/v1/questionnaire.grpc.pb.h"
#include "tests/e2e/health_checks.h"
#include "tests/e2e/test_server.h"
#include "tests/support/http_client.h"
#include "tests/support/private_mariadb.h"
#include "tests/support/sample_questionnaires.h"

namespace satisfaction {
namespace {

using grpc::health::v1::HealthCheckResponse;
using test_support::AwaitHealth;
using test_support::Context;
using test_support::Health;

TEST(DatabaseOutage, UnavailableWhileDownThenRecoversByItself) {
  std::unique_ptr<test_support::PrivateMariaDb> mariadb = test_support::PrivateMariaDb::Start();
  server::ServerConfig config;
  config.health_interval = absl::Milliseconds(200);
  config.db_pool_size = 4;
  std::unique_ptr<test_support::TestServer> server = test_support::TestServer::Start(mariadb->url(), "", config);
  ASSERT_NE(server, nullptr);
  auto questionnaires = v1::QuestionnaireService::NewStub(server->channel());
  auto health = grpc::health::v1::Health::NewStub(server->channel());
  int http_port = server->server().http_port();

  v1::CreateQuestionnaireRequest create;
  create.set_questionnaire_id("before-outage");
  *create.mutable_questionnaire() = test_support::SampleQuestionnaire();
  v1::Questionnaire created;
  ASSERT_TRUE(questionnaires->CreateQuestionnaire(Context().get(), create, &created).ok());
  EXPECT_EQ(Health(*health), HealthCheckResponse::SERVING);

  ASSERT_TRUE(mariadb->Stop().ok());
  v1::GetQuestionnaireRequest get;
  get.set_id("before-outage");
  get.set_version(1);
  v1::Questionnaire read;
  grpc::Status during = questionnaires->GetQuestionnaire(Context().get(), get, &read);
  EXPECT_EQ(during.error_code(), grpc::StatusCode::UNAVAILABLE) << during.error_message();
  create.set_questionnaire_id("during-outage");
  grpc::Status write_during = questionnaires->CreateQuestionnaire(Context().get(), create, &created);
  EXPECT_EQ(write_during.error_code(), grpc::StatusCode::UNAVAILABLE) << write_during.error_message();
  EXPECT_TRUE(AwaitHealth(*health, HealthCheckResponse::NOT_SERVING, absl::Seconds(15)));
  absl::StatusOr<test_support::HttpReply> down = test_support::HttpGet(http_port, "/healthz");
  ASSERT_TRUE(down.ok()) << down.status();
  EXPECT_EQ(down->status, 503);

  ASSERT_TRUE(mariadb->Restart().ok());
  EXPECT_TRUE(AwaitHealth(*health, HealthCheckResponse::SERVING, absl::Seconds(60)));
  absl::StatusOr<test_support::HttpReply> up = test_support::HttpGet(http_port, "/healthz");
  ASSERT_TRUE(up.ok()) << up.status();
  EXPECT_EQ(up->status, 200);
  grpc::Status after = questionnaires->GetQuestionnaire(Context().get(), get, &read);
  ASSERT_TRUE(after.ok()) << after.error_message();
  EXPECT_EQ(read.title().zh_cn(), "收货满意度");
  create.set_questionnaire_id("after-outage");
  grpc::Status write_after = questionnaires->CreateQuestionnaire(Context().get(), create, &created);
  EXPECT_TRUE(write_after.ok()) << write_after.error_message();
  get.set_id("during-outage");
  EXPECT_EQ(questionnaires->GetQuestionnaire(Context().get(), get, &read).error_code(), grpc::StatusCode::NOT_FOUND)
      << "the write refused during the outage left nothing behind";
}

}  // namespace
}  // namespace satisfaction
