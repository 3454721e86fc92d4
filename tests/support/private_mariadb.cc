#include "tests/support/private_mariadb.h"

#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "tests/support/test_database.h"

namespace satisfaction::test_support {

absl::Status PrivateMariaDb::Run(const std::string& command, std::string* last_line) {
  std::string script = RepoRoot() + "/deploy/mariadb-private.sh";
  std::string shell = absl::StrCat("bash '", script, "' ", command, " '", folder_, "'");
  FILE* pipe = popen(shell.c_str(), "r");
  if (pipe == nullptr) return absl::InternalError("popen failed");
  std::string output;
  char buffer[512];
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  int exit_status = pclose(pipe);
  if (exit_status != 0) return absl::InternalError(absl::StrCat(shell, " failed: ", output));
  if (last_line != nullptr) {
    absl::string_view trimmed = absl::StripTrailingAsciiWhitespace(output);
    size_t newline = trimmed.rfind('\n');
    *last_line = std::string(newline == absl::string_view::npos ? trimmed : trimmed.substr(newline + 1));
  }
  return absl::OkStatus();
}

std::unique_ptr<PrivateMariaDb> PrivateMariaDb::Start() {
  std::unique_ptr<PrivateMariaDb> database(new PrivateMariaDb(MakeTempDir("satisfaction-mariadb")));
  if (absl::Status s = database->Run("start", &database->url_); !s.ok()) {
    throw std::runtime_error(std::string(s.message()));
  }
  return database;
}

absl::Status PrivateMariaDb::Stop() { return Run("stop", nullptr); }

absl::Status PrivateMariaDb::Restart() { return Run("start", nullptr); }

PrivateMariaDb::~PrivateMariaDb() {
  Stop().IgnoreError();
  std::error_code ignored;
  std::filesystem::remove_all(folder_, ignored);
}

}  // namespace satisfaction::test_support
