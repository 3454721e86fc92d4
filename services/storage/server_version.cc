#include "services/storage/server_version.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace satisfaction::storage {

absl::Status CheckServerVersion(absl::string_view version) {
  // "10.11.6-MariaDB-0+deb12u1"
  std::vector<absl::string_view> parts = absl::StrSplit(version.substr(0, version.find('-')), '.');
  int major = 0, minor = 0;
  bool parsed = parts.size() >= 2 && absl::SimpleAtoi(parts[0], &major) && absl::SimpleAtoi(parts[1], &minor);
  if (!absl::StrContains(version, "MariaDB") || !parsed || major < 10 || (major == 10 && minor < 5)) {
    return absl::FailedPreconditionError(
        absl::StrCat("the database server is '", version, "'; satisfaction needs MariaDB 10.5 or later"));
  }
  return absl::OkStatus();
}

}  // namespace satisfaction::storage
