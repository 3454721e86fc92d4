#ifndef SATISFACTION_TESTS_SUPPORT_DEPLOY_SCRIPT_H_
#define SATISFACTION_TESTS_SUPPORT_DEPLOY_SCRIPT_H_

#include <string>

#include "absl/status/statusor.h"

namespace satisfaction::test_support {

// Runs `bash deploy/<script> <arguments>` from the repository and returns its
// stdout, trailing whitespace stripped; INTERNAL naming the command if it
// fails. (Its messages on stderr go to the test's.)
absl::StatusOr<std::string> RunDeployScript(const std::string& script, const std::string& arguments);

}  // namespace satisfaction::test_support

#endif  // SATISFACTION_TESTS_SUPPORT_DEPLOY_SCRIPT_H_
