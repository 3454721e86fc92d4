#include "tests/support/private_mariadb.h"

#include <filesystem>
#include <stdexcept>

#include "absl/strings/str_cat.h"
#include "tests/support/deploy_script.h"
#include "tests/support/test_database.h"

namespace satisfaction::test_support {

absl::Status PrivateMariaDb::Run(const std::string& command, std::string* last_line) {
  absl::StatusOr<std::string> output = RunDeployScript("mariadb-private.sh", absl::StrCat(command, " '", folder_, "'"));
  if (!output.ok()) return output.status();
  if (last_line != nullptr) {
    size_t newline = output->rfind('\n');
    *last_line = newline == std::string::npos ? *output : output->substr(newline + 1);
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
