#include "tests/support/reference_values.h"

#include <cstdio>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/support/test_database.h"

namespace satisfaction::test_support {

std::vector<double> ChangeTestReferences(const std::string& cases) {
  std::string command =
      absl::StrCat("/usr/bin/python3 '", RepoRoot(), "/tests/reference/change_tests.py' '", cases, "'");
  std::vector<double> values;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "cannot run " << command;
    return values;
  }
  std::string output;
  char buffer[256];
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  EXPECT_EQ(pclose(pipe), 0) << command << "\n" << output;
  for (absl::string_view line : absl::StrSplit(output, '\n', absl::SkipEmpty())) {
    double value = 0;
    EXPECT_TRUE(absl::SimpleAtod(line, &value)) << line;
    values.push_back(value);
  }
  return values;
}

}  // namespace satisfaction::test_support
