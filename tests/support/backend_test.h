#ifndef SATISFACTION_TESTS_SUPPORT_BACKEND_TEST_H_
#define SATISFACTION_TESTS_SUPPORT_BACKEND_TEST_H_

#include <memory>

#include "gtest/gtest.h"
#include "services/storage/database.h"
#include "tests/support/test_database.h"

// Runs every test of `suite` (a BackendTest) on each backend, as
// Backends/suite.Test/SQLite and Backends/suite.Test/MariaDB.
#define SATISFACTION_INSTANTIATE_ON_BACKENDS(suite)                                                           \
  INSTANTIATE_TEST_SUITE_P(Backends, suite, ::testing::ValuesIn(::satisfaction::test_support::AllBackends()), \
                           ::testing::PrintToStringParamName())

namespace satisfaction::test_support {

// A test run on each backend with a fresh, empty database of its own.
class BackendTest : public testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override { test_database_ = TestDatabase::Create(GetParam()); }

  std::unique_ptr<TestDatabase> test_database_;
};

// A BackendTest whose database has the schema: `database_` holds a pool of
// `pool_size` sessions on it.
class MigratedDatabaseTest : public BackendTest {
 protected:
  explicit MigratedDatabaseTest(size_t pool_size = 8) : pool_size_(pool_size) {}

  void SetUp() override {
    BackendTest::SetUp();
    database_ = OpenMigrated(*test_database_, pool_size_);
  }

  std::unique_ptr<storage::Database> database_;

 private:
  size_t pool_size_;
};

}  // namespace satisfaction::test_support

#endif  // SATISFACTION_TESTS_SUPPORT_BACKEND_TEST_H_
