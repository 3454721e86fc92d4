#include "services/storage/shipped_migrations.h"

#include <span>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "services/common/secrets.h"
#include "services/storage/migrations.h"

namespace satisfaction::storage {
namespace {

// Appends `text` so that no two sequences of fields hash the same input.
void AppendField(std::string& input, absl::string_view text) { absl::StrAppend(&input, text.size(), ":", text, "\n"); }

// The SHA-256, in hex, of everything a step runs and records: its version,
// description and each dialect's statements, byte for byte.
std::string StepDigest(const Migration& step) {
  std::string input = absl::StrCat("version ", step.version, "\n");
  AppendField(input, step.description);
  absl::StrAppend(&input, "mysql ", step.mysql_statements.size(), "\n");
  for (absl::string_view statement : step.mysql_statements) AppendField(input, statement);
  absl::StrAppend(&input, "sqlite ", step.sqlite_statements.size(), "\n");
  for (absl::string_view statement : step.sqlite_statements) AppendField(input, statement);
  return Sha256Hex(input);
}

// Whether `problems` is the one message, starting with `start`.
::testing::AssertionResult IsOneProblemStartingWith(const std::vector<std::string>& problems,
                                                    const std::string& start) {
  if (problems.size() == 1 && problems[0].starts_with(start)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected one problem starting with \"" << start << "\", got:\n"
                                       << absl::StrJoin(problems, "\n");
}

// What is wrong with `steps` against the list of shipped ones, one message a
// step; empty if nothing.
std::vector<std::string> ShippedStepProblems(std::span<const Migration> steps,
                                             std::span<const ShippedMigration> shipped) {
  std::vector<std::string> problems;
  for (const ShippedMigration& listed : shipped) {
    const Migration* step = nullptr;
    for (const Migration& candidate : steps) {
      if (candidate.version == listed.version) step = &candidate;
    }
    if (step == nullptr) {
      problems.push_back(absl::StrCat("shipped migration step ", listed.version,
                                      " was removed: steps are never removed; add a new step instead"));
    } else if (std::string digest = StepDigest(*step); digest != listed.sha256) {
      problems.push_back(absl::StrCat("shipped migration step ", listed.version,
                                      " changed: add a new step instead (it hashes to ", digest, ", shipped as ",
                                      listed.sha256, ")"));
    }
  }
  for (const Migration& step : steps) {
    bool listed = false;
    for (const ShippedMigration& entry : shipped) listed = listed || entry.version == step.version;
    if (!listed) {
      problems.push_back(absl::StrCat("migration step ", step.version,
                                      " is not in services/storage/shipped_migrations.h: append {", step.version,
                                      ", \"", StepDigest(step), "\"}, in the change that adds the step"));
    }
  }
  return problems;
}

TEST(ShippedMigrationsTest, EveryStepIsListedAndUnchangedSinceItShipped) {
  std::vector<std::string> problems = ShippedStepProblems(SchemaMigrations(), kShippedMigrations);
  EXPECT_TRUE(problems.empty()) << absl::StrJoin(problems, "\n");
}

TEST(ShippedMigrationsTest, StepsAreNumberedOneUpOldestFirst) {
  int expected = 1;
  for (const Migration& step : SchemaMigrations()) EXPECT_EQ(step.version, expected++);
}

TEST(ShippedMigrationsTest, AnEditedStepIsNamed) {
  std::vector<Migration> steps(SchemaMigrations().begin(), SchemaMigrations().end());
  ASSERT_GE(steps.size(), 3u);
  steps[2].sqlite_statements[0] = "CREATE TABLE orders (order_id TEXT)";
  EXPECT_TRUE(IsOneProblemStartingWith(ShippedStepProblems(steps, kShippedMigrations),
                                       "shipped migration step 3 changed: add a new step instead"));
}

TEST(ShippedMigrationsTest, EveryPartOfAStepIsInItsDigest) {
  const Migration& original = SchemaMigrations()[0];
  std::string digest = StepDigest(original);
  Migration step = original;
  step.description = "questionnaires, their versions and items ";
  EXPECT_NE(StepDigest(step), digest) << "description";
  step = original;
  step.mysql_statements.back() = absl::string_view(step.mysql_statements.back()).substr(1);
  EXPECT_NE(StepDigest(step), digest) << "a MySQL statement";
  step = original;
  step.sqlite_statements.pop_back();
  EXPECT_NE(StepDigest(step), digest) << "a SQLite statement dropped";
  step = original;
  step.mysql_statements.push_back(step.sqlite_statements.front());
  step.sqlite_statements.erase(step.sqlite_statements.begin());
  EXPECT_NE(StepDigest(step), digest) << "a statement moved to the other dialect";
  step = original;
  step.version = 2;
  EXPECT_NE(StepDigest(step), digest) << "the version";
}

TEST(ShippedMigrationsTest, ARemovedStepIsNamed) {
  std::span<const Migration> steps = SchemaMigrations();
  ASSERT_FALSE(steps.empty());
  EXPECT_TRUE(IsOneProblemStartingWith(ShippedStepProblems(steps.first(steps.size() - 1), kShippedMigrations),
                                       absl::StrCat("shipped migration step ", steps.back().version, " was removed")));
}

TEST(ShippedMigrationsTest, ANewStepMustBeAppendedToTheList) {
  std::vector<Migration> steps(SchemaMigrations().begin(), SchemaMigrations().end());
  int next = steps.back().version + 1;
  steps.push_back({.version = next,
                   .description = "a step not yet listed",
                   .mysql_statements = {"SELECT 1"},
                   .sqlite_statements = {"SELECT 1"}});
  EXPECT_TRUE(IsOneProblemStartingWith(
      ShippedStepProblems(steps, kShippedMigrations),
      absl::StrCat("migration step ", next, " is not in services/storage/shipped_migrations.h: append {", next, ", \"",
                   StepDigest(steps.back()), "\"}")));
}

}  // namespace
}  // namespace satisfaction::storage
