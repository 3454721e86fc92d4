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
#include "satisfaction/v1/questionnaire.grpc.pb.h"
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

}  // namespace
}  // namespace satisfaction
