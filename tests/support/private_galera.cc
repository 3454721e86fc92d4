#include "tests/support/private_galera.h"

#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tests/support/test_database.h"

namespace satisfaction::test_support {

absl::StatusOr<std::string> PrivateGalera::Run(const std::string& command, const std::string& argument) {
  std::string script = RepoRoot() + "/deploy/galera-private.sh";
  std::string shell = absl::StrCat("bash '", script, "' ", command, " '", folder_, "' ", argument);
  FILE* pipe = popen(shell.c_str(), "r");
  if (pipe == nullptr) return absl::InternalError("popen failed");
  std::string output;
  char buffer[512];
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  int exit_status = pclose(pipe);
  // The script's own messages went to the test's stderr; name the command here.
  if (exit_status != 0) return absl::InternalError(absl::StrCat(shell, " failed: ", output));
  return std::string(absl::StripTrailingAsciiWhitespace(output));
}

std::unique_ptr<PrivateGalera> PrivateGalera::Start(int nodes) {
  std::unique_ptr<PrivateGalera> cluster(new PrivateGalera(MakeTempDir("satisfaction-galera")));
  absl::StatusOr<std::string> output = cluster->Run("start", absl::StrCat(nodes));
  if (!output.ok()) throw std::runtime_error(std::string(output.status().message()));
  cluster->urls_ = absl::StrSplit(*output, '\n', absl::SkipWhitespace());
  if (cluster->urls_.size() != static_cast<size_t>(nodes)) {
    throw std::runtime_error(
        absl::StrCat("galera-private.sh printed ", cluster->urls_.size(), " URLs for ", nodes, " nodes: ", *output));
  }
  return cluster;
}

absl::Status PrivateGalera::Kill(int node) { return Run("kill", absl::StrCat(node)).status(); }

absl::Status PrivateGalera::Restart(int node) { return Run("restart", absl::StrCat(node)).status(); }

absl::Status PrivateGalera::Bootstrap(int node) { return Run("bootstrap", absl::StrCat(node)).status(); }

absl::StatusOr<std::string> PrivateGalera::State(int node) { return Run("state", absl::StrCat(node)); }

absl::Status PrivateGalera::Stop() { return Run("stop", "").status(); }

PrivateGalera::~PrivateGalera() {
  Stop().IgnoreError();
  std::error_code ignored;
  std::filesystem::remove_all(folder_, ignored);
}

}  // namespace satisfaction::test_support
