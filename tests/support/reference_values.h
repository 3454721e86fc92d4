#ifndef SATISFACTION_TESTS_SUPPORT_REFERENCE_VALUES_H_
#define SATISFACTION_TESTS_SUPPORT_REFERENCE_VALUES_H_

#include <string>
#include <vector>

namespace satisfaction::test_support {

// The values tests/reference/change_tests.py prints for `cases` (JSON; see
// the script), computed with Debian's python3 and SciPy. Fails the test, and
// returns what it read, if the script fails.
std::vector<double> ChangeTestReferences(const std::string& cases);

}  // namespace satisfaction::test_support

#endif  // SATISFACTION_TESTS_SUPPORT_REFERENCE_VALUES_H_
