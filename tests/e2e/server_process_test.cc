// satisfaction-server as operators run it: the real binary, its flags and
// environment variables, its exit codes, and a graceful stop on SIGTERM.
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
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
#include "tests/e2e/complaint_calls.h"
#include "tests/e2e/test_server.h"
#include "tests/support/test_database.h"

extern char** environ;

namespace satisfaction {
namespace {

using testing::Context;

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The server binary, run with `args` and extra environment variables, its
// output (stdout and stderr) going to a file.
class ServerProcess {
 public:
  ServerProcess(const std::vector<std::string>& args, const std::vector<std::string>& extra_env)
      : folder_(testing::MakeTempDir("satisfaction-process")), log_(folder_ + "/server.log") {
    std::vector<std::string> argv_strings = {SATISFACTION_SERVER_BINARY};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& arg : argv_strings) argv.push_back(arg.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) {
      if (!absl::StartsWith(*e, "SATISFACTION_")) env_strings.push_back(*e);
    }
    env_strings.insert(env_strings.end(), extra_env.begin(), extra_env.end());
    std::vector<char*> envp;
    for (std::string& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    EXPECT_EQ(posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data()), 0);
    posix_spawn_file_actions_destroy(&actions);
  }

  ~ServerProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    std::filesystem::remove_all(folder_);
  }

  // Waits for the process to end, for at most `limit`; its exit code, or -1.
  int Wait(absl::Duration limit = absl::Seconds(30)) {
    absl::Time give_up = absl::Now() + limit;
    while (absl::Now() < give_up) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = 0;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
    return -1;
  }

  // Waits until the output contains `text`, for at most `limit`.
  bool AwaitOutput(const std::string& text, absl::Duration limit = absl::Seconds(30)) {
    absl::Time give_up = absl::Now() + limit;
    while (absl::Now() < give_up) {
      if (absl::StrContains(Output(), text)) return true;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return false;
  }

  void Signal(int signal_number) { kill(pid_, signal_number); }
  std::string Output() const { return ReadFile(log_); }
  const std::string& folder() const { return folder_; }

 private:
  std::string folder_;
  std::string log_;
  pid_t pid_ = 0;
};

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
  std::string folder = testing::MakeTempDir("satisfaction-db");
  ServerProcess process({absl::StrCat("--grpc-listen=127.0.0.1:", flag_port),
                         // gRPC's graceful stop also waits for idle client
                         // connections to close, up to the grace period.
                         "--shutdown-grace=2s"},
                        {absl::StrCat("SATISFACTION_DB=sqlite3://", folder, "/s.db"),
                         absl::StrCat("SATISFACTION_GRPC_LISTEN=127.0.0.1:", env_port), "SATISFACTION_HTTP_LISTEN=",
                         "SATISFACTION_TEMPLATES_DIR=" + testing::RepoRoot() + "/templates",
                         absl::StrCat("SATISFACTION_BOOTSTRAP_ADMIN_KEY=", testing::kTestAdminKey)});

  ASSERT_TRUE(process.AwaitOutput("serving gRPC")) << process.Output();
  auto channel = testing::AuthorizedChannel(absl::StrCat("127.0.0.1:", flag_port), testing::kTestAdminKey);
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

  process.Signal(SIGTERM);
  EXPECT_EQ(process.Wait(), 0) << process.Output();
  std::string log = process.Output();
  EXPECT_TRUE(absl::StrContains(log, "rpc method=/satisfaction.v1.QuestionnaireService/ListQuestionnaires code=OK"))
      << log;
  EXPECT_TRUE(absl::StrContains(log, "server stopped")) << log;
  EXPECT_TRUE(absl::StrContains(log, "created the first admin key from SATISFACTION_BOOTSTRAP_ADMIN_KEY")) << log;
  EXPECT_FALSE(absl::StrContains(log, testing::kTestAdminKey)) << "the log shows no key";
  EXPECT_FALSE(absl::StrContains(log, absl::StrCat("127.0.0.1:", env_port))) << "the flag won over the variable";
  std::filesystem::remove_all(folder);
}

// A day of work through the real binary at its most talkative log level, with
// refusals and errors about contact details on the way: its log must name no
// customer's phone, email or IM handle, and no API key.
TEST(ServerProcess, TheLogShowsNoContactDetailsAndNoKeys) {
  int port = FreePort();
  std::string folder = testing::MakeTempDir("satisfaction-db");
  ServerProcess process(
      {absl::StrCat("--grpc-listen=127.0.0.1:", port), "--http-listen=", "--log-level=trace", "--shutdown-grace=1s"},
      {absl::StrCat("SATISFACTION_DB=sqlite3://", folder, "/s.db"),
       "SATISFACTION_TEMPLATES_DIR=", absl::StrCat("SATISFACTION_BOOTSTRAP_ADMIN_KEY=", testing::kTestAdminKey)});
  ASSERT_TRUE(process.AwaitOutput("serving gRPC")) << process.Output();
  std::string target = absl::StrCat("127.0.0.1:", port);
  auto admin = testing::AuthorizedChannel(target, testing::kTestAdminKey);
  std::vector<std::string> secrets = {testing::kTestAdminKey};
  auto new_key = [&](v1::Role role) {
    v1::CreateApiKeyRequest request;
    request.mutable_api_key()->set_display_name("log test");
    request.mutable_api_key()->set_role(role);
    v1::CreateApiKeyResponse created;
    EXPECT_TRUE(v1::AccessService::NewStub(admin)->CreateApiKey(Context().get(), request, &created).ok());
    secrets.push_back(created.key());
    return testing::AuthorizedChannel(target, created.key());
  };
  auto as_operator = new_key(v1::ROLE_OPERATOR);
  auto as_dialer = new_key(v1::ROLE_DIALER);
  const std::vector<std::string> contacts = {"+8613912345678", "13912345678",    "li.lei@example.cn",
                                             "lilei_wx88",     "+8613800000002", "+8613800000003",
                                             "+8613800000004", "13800000005@bad"};
  secrets.insert(secrets.end(), contacts.begin(), contacts.end());

  ASSERT_NO_FATAL_FAILURE(testing::AddComplaintCallRule(as_operator, "complaints"));
  v1::Customer customer;
  customer.set_external_id("c1");
  customer.set_phone("+86 139 1234 5678");
  customer.set_email("li.lei@example.cn");
  customer.set_im_handle("lilei_wx88");
  ASSERT_NO_FATAL_FAILURE(testing::AddCallableCustomer(as_operator, customer));
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

  ASSERT_NO_FATAL_FAILURE(testing::RecordClosedComplaint(as_operator, "complaint-1", "c1"));
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
  EXPECT_EQ(v1::QuestionnaireService::NewStub(testing::AuthorizedChannel(target, wrong_key))
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
