#ifndef SATISFACTION_TESTS_E2E_SERVER_PROCESS_H_
#define SATISFACTION_TESTS_E2E_SERVER_PROCESS_H_

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/support/test_database.h"

extern char** environ;

namespace satisfaction::test_support {

// A loopback port that was free a moment ago.
inline int FreePort() {
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

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The server binary, run with `args` and extra environment variables, its
// output (stdout and stderr) going to a file. Its metrics listen on a free
// port unless `args` or `extra_env` say otherwise: processes of tests that
// run at once must not all take the default port.
class ServerProcess {
 public:
  // `binary`: another server to run the same way (a Prometheus server).
  ServerProcess(const std::vector<std::string>& args, const std::vector<std::string>& extra_env,
                const std::string& binary = SATISFACTION_SERVER_BINARY)
      : folder_(test_support::MakeTempDir("satisfaction-process")), log_(folder_ + "/server.log") {
    std::vector<std::string> argv_strings = {binary};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& arg : argv_strings) argv.push_back(arg.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) {
      if (!absl::StartsWith(*e, "SATISFACTION_")) env_strings.push_back(*e);
    }
    env_strings.insert(env_strings.end(), extra_env.begin(), extra_env.end());
    if (std::none_of(extra_env.begin(), extra_env.end(),
                     [](const std::string& e) { return absl::StartsWith(e, "SATISFACTION_METRICS_LISTEN="); })) {
      env_strings.push_back("SATISFACTION_METRICS_LISTEN=127.0.0.1:0");
    }
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
  pid_t pid() const { return pid_; }
  // The process's resident memory now (VmRSS), in KiB; -1 once it ended.
  long ResidentKib() const {
    std::ifstream status(absl::StrCat("/proc/", pid_, "/status"));
    std::string line;
    while (std::getline(status, line)) {
      long kib = 0;
      if (absl::StartsWith(line, "VmRSS:") &&
          absl::SimpleAtoi(absl::StripAsciiWhitespace(absl::StripSuffix(line.substr(6), "kB")), &kib)) {
        return kib;
      }
    }
    return -1;
  }
  std::string Output() const { return ReadFile(log_); }
  const std::string& folder() const { return folder_; }

 private:
  std::string folder_;
  std::string log_;
  pid_t pid_ = 0;
};

}  // namespace satisfaction::test_support

#endif  // SATISFACTION_TESTS_E2E_SERVER_PROCESS_H_
