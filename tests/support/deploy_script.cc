#include "tests/support/deploy_script.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "tests/support/test_database.h"

namespace satisfaction::test_support {

absl::StatusOr<std::string> RunDeployScript(const std::string& script, const std::string& arguments) {
  std::string shell = absl::StrCat("bash '", RepoRoot(), "/deploy/", script, "' ", arguments);
  FILE* pipe = popen(shell.c_str(), "r");
  if (pipe == nullptr) return absl::InternalError("popen failed");
  std::string output;
  char buffer[512];
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  int exit_status = pclose(pipe);
  if (exit_status != 0) return absl::InternalError(absl::StrCat(shell, " failed: ", output));
  return std::string(absl::StripTrailingAsciiWhitespace(output));
}

}  // namespace satisfaction::test_support
