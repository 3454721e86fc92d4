// satisfaction-server as operators run it: the real binary, its flags and
// environment variables, its exit codes, and a graceful stop on SIGTERM.
#include "tests/e2e/server_process.h"

#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "satisfaction/v1/access.grpc.pb.h"
#include "satisfaction/v1/callback.grpc.pb.h"
#include "satisfaction/v1/customer.grpc.pb.h"
#include "satisfaction/v1/questionnaire.grpc.pb.h"
#include "satisfaction/v1/response.grpc.pb.h"
#include "tests/e2e/complaint_calls.h"
#include "tests/e2e/test_server.h"
#include "tests/support/test_database.h"

namespace satisfaction {
namespace {

using test_support::Context;
using test_support::FreePort;
using test_support::ServerProcess;

TEST(ServerProcess, HelpDocumentsTheFlagsAndExitsZero) {
  ServerProcess process({"--help"}, {});
  EXPECT_EQ(process.Wait(), 0);
  std::string help = process.Output();
  for (const char* expected : {"--db=", "--grpc-listen=", "--http-listen=", "SATISFACTION_DB", "--db-pool-size="}) {
    EXPECT_TRUE(absl::StrContains(help, expected)) << expected;
  }
}

TEST(ServerProcess, BadConfigurationExitsTwoNamingTheSetting) {
  ServerProcess bad_flag({"--db-pool-size=0"}, {});
  EXPECT_EQ(bad_flag.Wait(), 2);
  EXPECT_TRUE(absl::StrContains(bad_flag.Output(), "--db-pool-size")) << bad_flag.Output();
  ServerProcess bad_env({}, {"SATISFACTION_GRPC_LISTEN=nowhere"});
  EXPECT_EQ(bad_env.Wait(), 2);
  EXPECT_TRUE(absl::StrContains(bad_env.Output(), "SATISFACTION_GRPC_LISTEN")) << bad_env.Output();
}

TEST(ServerProcess, UnusableDatabaseExitsOneWithoutShowingThePassword) {
  ServerProcess process({"--db=mysql://user:topsecret@127.0.0.1:1/nothing", "--db-startup-wait=0s",
                         "--grpc-listen=127.0.0.1:0", "--http-listen="},
                        {});
  EXPECT_EQ(process.Wait(), 1);
  EXPECT_TRUE(absl::StrContains(process.Output(), "cannot start")) << process.Output();
  EXPECT_FALSE(absl::StrContains(process.Output(), "topsecret")) << process.Output();
}

TEST(ServerProcess, EnvironmentConfiguresFlagsWinAndSigtermStopsGracefully) {
  int env_port = FreePort();
  int flag_port = FreePort();
  std::string folder = test_support::MakeTempDir("satisfaction-db");
  ServerProcess process({absl::StrCat("--grpc-listen=127.0.0.1:", flag_port),
                         // gRPC's graceful stop also waits for idle client
                         // connections to close, up to the grace period.
                         "--shutdown-grace=2s"},
                        {absl::StrCat("SATISFACTION_DB=sqlite3://", folder, "/s.db"),
                         absl::StrCat("SATISFACTION_GRPC_LISTEN=127.0.0.1:", env_port), "SATISFACTION_HTTP_LISTEN=",
                         "SATISFACTION_TEMPLATES_DIR=" + test_support::RepoRoot() + "/templates",
                         absl::StrCat("SATISFACTION_BOOTSTRAP_ADMIN_KEY=", test_support::kTestAdminKey)});

  ASSERT_TRUE(process.AwaitOutput("serving gRPC")) << process.Output();
  auto channel = test_support::AuthorizedChannel(absl::StrCat("127.0.0.1:", flag_port), test_support::kTestAdminKey);
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::health::v1::HealthCheckRequest check;
  grpc::health::v1::HealthCheckResponse checked;
  ASSERT_TRUE(health->Check(Context().get(), check, &checked).ok());
  EXPECT_EQ(checked.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  auto questionnaires = v1::QuestionnaireService::NewStub(channel);
  v1::ListQuestionnairesRequest list;
  v1::ListQuestionnairesResponse listed;
  ASSERT_TRUE(questionnaires->ListQuestionnaires(Context().get(), list, &listed).ok());
  EXPECT_EQ(listed.questionnaires_size(), 3) << "the standard templates were loaded";
  EXPECT_TRUE(std::filesystem::exists(folder + "/s.db")) << "SATISFACTION_DB was used";
  v1::GetResponseRequest quoted;  // an id its error quotes
  quoted.set_id("say \"hi\"");
  v1::Response found;
  EXPECT_EQ(v1::ResponseService::NewStub(channel)->GetResponse(Context().get(), quoted, &found).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  process.Signal(SIGTERM);
  EXPECT_EQ(process.Wait(), 0) << process.Output();
  std::string log = process.Output();
  EXPECT_TRUE(absl::StrContains(log, "rpc method=/satisfaction.v1.QuestionnaireService/ListQuestionnaires code=OK"))
      << log;
  EXPECT_TRUE(absl::StrContains(log, "'say \\\"hi\\\"'")) << "quotes in a message are escaped in the log:\n" << log;
  EXPECT_TRUE(absl::StrContains(log, "server stopped")) << log;
  EXPECT_TRUE(absl::StrContains(log, "created the first admin key from SATISFACTION_BOOTSTRAP_ADMIN_KEY")) << log;
  EXPECT_FALSE(absl::StrContains(log, test_support::kTestAdminKey)) << "the log shows no key";
  EXPECT_FALSE(absl::StrContains(log, absl::StrCat("127.0.0.1:", env_port))) << "the flag won over the variable";
  std::filesystem::remove_all(folder);
}

// A day of work through the real binary at its most talkative log level, with
// refusals and errors about contact details on the way: its log must name no
// customer's phone, email or IM handle, and no API key.
TEST(ServerProcess, TheLogShowsNoContactDetailsAndNoKeys) {
  int port = FreePort();
  std::string folder = test_support::MakeTempDir("satisfaction-db");
  ServerProcess process(
      {absl::StrCat("--grpc-listen=127.0.0.1:", port), "--http-listen=", "--log-level=trace", "--shutdown-grace=1s"},
      {absl::StrCat("SATISFACTION_DB=sqlite3://", folder, "/s.db"),
       "SATISFACTION_TEMPLATES_DIR=", absl::StrCat("SATISFACTION_BOOTSTRAP_ADMIN_KEY=", test_support::kTestAdminKey)});
  ASSERT_TRUE(process.AwaitOutput("serving gRPC")) << process.Output();
  std::string target = absl::StrCat("127.0.0.1:", port);
  auto admin = test_support::AuthorizedChannel(target, test_support::kTestAdminKey);
  std::vector<std::string> secrets = {test_support::kTestAdminKey};
  auto new_key = [&](v1::Role role) {
    v1::CreateApiKeyRequest request;
    request.mutable_api_key()->set_display_name("log test");
    request.mutable_api_key()->set_role(role);
    v1::CreateApiKeyResponse created;
    EXPECT_TRUE(v1::AccessService::NewStub(admin)->CreateApiKey(Context().get(), request, &created).ok());
    secrets.push_back(created.key());
    return test_support::AuthorizedChannel(target, created.key());
  };
  auto as_operator = new_key(v1::ROLE_OPERATOR);
  auto as_dialer = new_key(v1::ROLE_DIALER);
  const std::vector<std::string> contacts = {"+8613912345678", "13912345678",    "li.lei@example.cn",
                                             "lilei_wx88",     "+8613800000002", "+8613800000003",
                                             "+8613800000004", "13800000005@bad"};
  secrets.insert(secrets.end(), contacts.begin(), contacts.end());

  ASSERT_NO_FATAL_FAILURE(test_support::AddComplaintCallRule(as_operator, "complaints"));
  v1::Customer customer;
  customer.set_external_id("c1");
  customer.set_phone("+86 139 1234 5678");
  customer.set_email("li.lei@example.cn");
  customer.set_im_handle("lilei_wx88");
  ASSERT_NO_FATAL_FAILURE(test_support::AddCallableCustomer(as_operator, customer));
  auto customers = v1::CustomerService::NewStub(as_operator);
  v1::UpsertCustomerRequest bad;
  *bad.mutable_customer() = customer;
  bad.mutable_customer()->set_phone("+8613800000002x");
  bad.mutable_customer()->set_email("13800000005@bad");
  v1::UpsertCustomerResponse upserted;
  EXPECT_FALSE(customers->UpsertCustomer(Context().get(), bad, &upserted).ok());
  v1::AddDoNotCallRequest add;
  add.mutable_entry()->set_phone("+8613800000003");
  v1::DoNotCallEntry entry;
  EXPECT_TRUE(customers->AddDoNotCall(Context().get(), add, &entry).ok());
  v1::RemoveDoNotCallRequest remove;
  remove.set_phone("+8613800000004");
  EXPECT_EQ(customers->RemoveDoNotCall(Context().get(), remove, &entry).error_code(), grpc::StatusCode::NOT_FOUND);

  ASSERT_NO_FATAL_FAILURE(test_support::RecordClosedComplaint(as_operator, "complaint-1", "c1"));
  auto dialer = v1::CallbackService::NewStub(as_dialer);
  v1::FetchDueCallbacksRequest fetch;
  fetch.set_queue("complaints");
  fetch.set_max_count(5);
  fetch.mutable_lease_duration()->set_seconds(60);
  v1::FetchDueCallbacksResponse fetched;
  ASSERT_TRUE(dialer->FetchDueCallbacks(Context().get(), fetch, &fetched).ok());
  ASSERT_EQ(fetched.callbacks_size(), 1);
  EXPECT_EQ(fetched.callbacks(0).phone(), "+8613912345678");
  v1::ReportDispositionRequest report;
  report.set_callback_id(fetched.callbacks(0).id());
  report.set_lease_token(fetched.callbacks(0).lease_token());
  report.set_outcome(v1::CALL_OUTCOME_DO_NOT_CALL);
  v1::ReportDispositionResponse reported;
  EXPECT_TRUE(dialer->ReportDisposition(Context().get(), report, &reported).ok());

  std::string wrong_key = "sat_this-key-was-never-issued-000000000000000000";
  secrets.push_back(wrong_key);
  v1::ListQuestionnairesResponse listed;
  EXPECT_EQ(v1::QuestionnaireService::NewStub(test_support::AuthorizedChannel(target, wrong_key))
                ->ListQuestionnaires(Context().get(), {}, &listed)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  process.Signal(SIGTERM);
  EXPECT_EQ(process.Wait(), 0);
  std::string log = process.Output();
  EXPECT_TRUE(absl::StrContains(log, "rpc method=/satisfaction.v1.CallbackService/ReportDisposition code=OK"))
      << "the log does record the calls";
  EXPECT_TRUE(absl::StrContains(log, "code=UNAUTHENTICATED"));
  for (const std::string& secret : secrets) {
    EXPECT_FALSE(absl::StrContains(log, secret)) << secret << " is in the log:\n" << log;
  }
  std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace satisfaction
