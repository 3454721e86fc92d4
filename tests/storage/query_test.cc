#include "services/storage/query.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/storage/database.h"
#include "services/storage/sql_text.h"
#include "tests/support/backend_test.h"
#include "tests/support/test_database.h"

namespace satisfaction::storage {
namespace {

using test_support::TestBackend;

TEST(PlaceholdersOf, NamesInOrderOutsideQuotedText) {
  EXPECT_EQ(PlaceholdersOf("SELECT a FROM t WHERE b = :b AND c IN (:c0, :c1) AND d = ':not' AND e = \"x:y\""),
            (std::vector<std::string>{"b", "c0", "c1"}));
  EXPECT_EQ(PlaceholdersOf("SELECT '00:00', x::text, :last"), (std::vector<std::string>{"last"}));
}

TEST(PlaceholdersOf, ANameTwiceIsRefused) {
  // SQLite binds a repeated name once, MariaDB at each place: never the same on both.
  EXPECT_THROW(PlaceholdersOf("UPDATE t SET a = :now WHERE b < :now"), BindingError);
}

class QueryTest : public test_support::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    absl::StatusOr<std::unique_ptr<Database>> database = Database::Connect({.url = test_database_->url()});
    ASSERT_TRUE(database.ok()) << database.status();
    database_ = *std::move(database);
    ASSERT_TRUE(database_
                    ->WithSession([](soci::session& session) {
                      session << "CREATE TABLE things (id INT NOT NULL PRIMARY KEY, name VARCHAR(20) NOT NULL,"
                                 " n INT NOT NULL, note VARCHAR(20) NULL)";
                      return absl::OkStatus();
                    })
                    .ok());
  }

  absl::Status Run(Access access, absl::FunctionRef<absl::Status(Transaction&)> work) {
    return database_->InTransaction(access, work);
  }

  std::unique_ptr<Database> database_;
};

TEST_P(QueryTest, BindsByNameInAnyOrderAndReadsRows) {
  absl::Status status = Run(Access::kWrite, [](Transaction& tx) {
    int id = 1, n = 10;
    std::string name = "one";
    soci::indicator no_note = soci::i_null;
    std::string note;
    Query insert(tx, "INSERT INTO things (id, name, n, note) VALUES (:id, :name, :n, :note)");
    insert.Bind("note", note, no_note).Bind("n", n).Bind("name", name).Bind("id", id);
    insert.Execute();
    EXPECT_EQ(insert.affected_rows(), 1);
    int id2 = 2, n2 = 20;
    std::string name2 = "two";
    Query second(tx, "INSERT INTO things (id, name, n) VALUES (:id, :name, :n)");
    second.Bind("n", n2).Bind("id", id2).Bind("name", name2).Execute();

    std::string read_name, read_note = "unset";
    soci::indicator note_indicator = soci::i_ok;
    int low = 5;
    Query one(tx, "SELECT name, note FROM things WHERE n > :low AND id = :id");
    EXPECT_TRUE(one.Bind("id", id).Bind("low", low).Into(read_name).Into(read_note, note_indicator).Execute());
    EXPECT_EQ(read_name, "one");
    EXPECT_EQ(note_indicator, soci::i_null);

    std::vector<int> ids = {1, 2, 3};
    int read_id = 0;
    Query many(tx, "SELECT id FROM things WHERE id IN (" + Placeholders("i", ids.size()) + ") ORDER BY id");
    many.BindEach("i", ids).Into(read_id).Start();
    std::vector<int> seen;
    while (many.Next()) seen.push_back(read_id);
    EXPECT_EQ(seen, (std::vector<int>{1, 2}));
    return absl::OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status;
}

TEST_P(QueryTest, NumberedNamesBindToTheirOwnPlaceWhateverTheTextsOrder) {
  absl::Status status = Run(Access::kWrite, [](Transaction& tx) {
    std::vector<int> ids = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    std::vector<std::string> names = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"};
    int n = 0;
    // The text names :i10 and :i1 before :i0, and :n between the rows.
    std::string values;
    for (size_t row : {10, 1, 0, 2, 3, 4, 5, 6, 7, 8, 9}) {
      absl::StrAppend(&values, values.empty() ? "" : ", ", "(:i", row, ", :s", row, row == 0 ? ", :n)" : ", 0)");
    }
    Query insert(tx, "INSERT INTO things (id, name, n) VALUES " + values);
    insert.BindEach("s", names).Bind("n", n).BindEach("i", ids).Execute();
    EXPECT_EQ(insert.affected_rows(), 11);
    std::string read_name;
    int read_id = 0;
    Query read(tx, "SELECT id, name FROM things ORDER BY id");
    read.Into(read_id).Into(read_name).Start();
    while (read.Next()) EXPECT_EQ(read_name, names[read_id - 1]) << read_id;
    return absl::OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status;
}

TEST_P(QueryTest, BindingMistakesAreInternalErrorsBeforeTheDatabaseSeesThem) {
  int id = 1;
  std::string name = "x";
  auto expect_refused = [&](absl::FunctionRef<void(Transaction&)> mistake, const char* what) {
    absl::Status status = Run(Access::kWrite, [&](Transaction& tx) {
      mistake(tx);
      return absl::OkStatus();
    });
    EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << what << ": " << status;
    // The driver's text (here, the binding's) travels in a payload, not in the message.
    EXPECT_TRUE(absl::StrContains(status.ToString(), what)) << status;
  };
  const std::string insert = "INSERT INTO things (id, name, n) VALUES (:id, :name, :n)";
  expect_refused([&](Transaction& tx) { Query(tx, insert).Bind("id", id).Bind("id", id); }, "bound twice");
  expect_refused([&](Transaction& tx) { Query(tx, insert).Bind("nme", name); }, "no placeholder :nme");
  expect_refused([&](Transaction& tx) { Query(tx, insert).Bind("id", id).Bind("name", name).Execute(); },
                 "placeholder :n left unbound");
  expect_refused([&](Transaction& tx) { Query(tx, "UPDATE things SET n = :n WHERE n = :n"); }, "appears twice");
  std::vector<int> ids = {1, 2};
  expect_refused([&](Transaction& tx) { Query(tx, "SELECT :i0, :i1").Bind("i1", id).BindEach("i", ids); },
                 "placeholder :i1 bound twice");
  expect_refused([&](Transaction& tx) { Query(tx, "SELECT :i0, :i01").BindEach("i", ids); }, "no placeholder :i1");
  int count = -1;
  EXPECT_TRUE(Run(Access::kRead, [&](Transaction& tx) {
                Query(tx, "SELECT COUNT(*) FROM things").Into(count).Execute();
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(count, 0) << "nothing was written";
}

TEST_P(QueryTest, DialectClausesRunOnEveryBackend) {
  absl::Status status = Run(Access::kWrite, [](Transaction& tx) {
    const Dialect& dialect = tx.dialect();
    int id = 1, n = 5;
    std::string name = "a";
    for (int round = 0; round < 2; ++round) {
      Query upsert(tx, "INSERT INTO things (id, name, n) VALUES (:id, :name, :n)" + dialect.OnConflictUpdate("id") +
                           "n = " + dialect.Existing("things", "n") + " + " + dialect.Inserted("n"));
      upsert.Bind("id", id).Bind("name", name).Bind("n", n).Execute();
    }
    Query ignored(tx, std::string(dialect.InsertIgnore()) + " INTO things (id, name, n) VALUES (:id, :name, :n)");
    ignored.Bind("id", id).Bind("name", name).Bind("n", n).Execute();
    int total = 0, returned_id = 0, two = 2;
    Query read(tx, std::string("SELECT n FROM things WHERE id = :id") + tx.ForUpdate());
    EXPECT_TRUE(read.Bind("id", id).Into(total).Execute());
    EXPECT_EQ(total, 10) << "the second insert added to the first; the ignored one changed nothing";
    Query returning(tx, "INSERT INTO things (id, name, n) VALUES (:id, :name, :n)" + dialect.Returning("id"));
    returning.Bind("id", two).Bind("name", name).Bind("n", n).Into(returned_id).Start();
    EXPECT_TRUE(returning.Next());
    EXPECT_EQ(returned_id, 2);
    int limit = 1, threshold = 100;
    Query remove(tx, dialect.DeleteFirst("things", "n < :threshold", "id", ":limit"));
    remove.Bind("threshold", threshold).Bind("limit", limit).Execute();
    EXPECT_EQ(remove.affected_rows(), 1);
    int left = 0;
    Query count(tx, "SELECT MIN(id) FROM things");
    count.Into(left).Execute();
    EXPECT_EQ(left, 2) << "the first by id went";
    return absl::OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status;
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(QueryTest);

}  // namespace
}  // namespace satisfaction::storage
