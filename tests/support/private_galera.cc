#include "tests/support/private_galera.h"

#include <filesystem>
#include <stdexcept>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/support/deploy_script.h"
#include "tests/support/test_database.h"

namespace satisfaction::test_support {

absl::StatusOr<std::string> PrivateGalera::Run(const std::string& command, const std::string& argument) {
  return RunDeployScript("galera-private.sh", absl::StrCat(command, " '", folder_, "' ", argument));
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
