// Migrates an empty SQLite and an empty MariaDB database to the newest schema
// and compares what each ended up with: every table is written twice in
// services/storage/schema.cc, once per dialect, and the two copies must agree.
#include <algorithm>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "services/storage/database.h"
#include "services/storage/migrations.h"
#include "tests/support/test_database.h"

namespace satisfaction::storage {
namespace {

using test_support::TestBackend;
using test_support::TestDatabase;

// One backend's schema as lines that read the same on both, for example
//   "column customers.phone text not-null binary"
//   "index customers ix_customers_type (effective_type, id)"
using SchemaLines = std::set<std::string>;

// Differences between the dialects that shipped steps created. A shipped step
// is never edited, so each stays until a new step brings the two in line.
const SchemaLines& KnownOnlyOnMariaDb() {
  static const SchemaLines lines = {
      // Step 16 numbers do-not-call entries on MariaDB so that a page token
      // need not carry a phone number; SQLite pages by its implicit rowid,
      // which is neither a declared column nor an index.
      "column do_not_call.entry_id integer not-null auto-assigned",
      "unique index do_not_call (entry_id)",
      // Not a step: the lock that keeps servers on several Galera nodes from
      // migrating at once (MigrationLock). SQLite's write lock does that there.
      "table schema_migration_lock",
      "column schema_migration_lock.id integer not-null",
      "column schema_migration_lock.holder text not-null binary",
      "column schema_migration_lock.lease_ends_at_us integer not-null",
      "primary key schema_migration_lock (id)",
  };
  return lines;
}

const SchemaLines& KnownOnlyOnSqlite() {
  static const SchemaLines lines = {};
  return lines;
}

// A column's value as text; nullopt for NULL. SOCI reports information_schema
// and pragma columns with whatever type the driver guesses.
std::optional<std::string> Text(const soci::row& row, std::size_t column) {
  if (row.get_indicator(column) == soci::i_null) return std::nullopt;
  switch (row.get_properties(column).get_data_type()) {
    case soci::dt_string:
      return row.get<std::string>(column);
    case soci::dt_integer:
      return absl::StrCat(row.get<int>(column));
    case soci::dt_long_long:
      return absl::StrCat(row.get<long long>(column));
    case soci::dt_unsigned_long_long:
      return absl::StrCat(row.get<unsigned long long>(column));
    case soci::dt_double:
      return absl::StrCat(row.get<double>(column));
    default:
      ADD_FAILURE() << "column " << row.get_properties(column).get_name() << " has a type this test cannot read";
      return std::nullopt;
  }
}

// Whether `text` contains `upper_case_part` in any case (Debian's Abseil has no
// StrContainsIgnoreCase yet).
bool ContainsIgnoringCase(absl::string_view text, absl::string_view upper_case_part) {
  return absl::StrContains(absl::AsciiStrToUpper(text), upper_case_part);
}

std::string TextOrEmpty(const soci::row& row, std::size_t column) { return Text(row, column).value_or(""); }

// How SQLite stores a column declared with `declared` (its type affinity,
// https://www.sqlite.org/datatype3.html#determination_of_column_affinity).
// MariaDB's type names go through the same rule: BIGINT and SMALLINT are both
// integer, VARCHAR(63) and MEDIUMTEXT both text. Lengths are not compared:
// SQLite does not enforce them.
std::string TypeFamily(absl::string_view declared) {
  std::string type = absl::AsciiStrToUpper(declared);
  if (absl::StrContains(type, "INT")) return "integer";
  if (absl::StrContains(type, "CHAR") || absl::StrContains(type, "CLOB") || absl::StrContains(type, "TEXT")) {
    return "text";
  }
  if (type.empty() || absl::StrContains(type, "BLOB")) return "blob";
  if (absl::StrContains(type, "REAL") || absl::StrContains(type, "FLOA") || absl::StrContains(type, "DOUB")) {
    return "real";
  }
  return "numeric";
}

struct Column {
  std::string family;
  bool not_null = false;
  // The default as the backend spells its literal ("0", "''"); empty if none.
  std::string default_value;
  bool auto_assigned = false;
  // How text compares: "binary", or MariaDB's collation if it is another.
  std::string comparison;
};

std::string ColumnLine(const std::string& table, const std::string& name, const Column& column) {
  std::string line = absl::StrCat("column ", table, ".", name, " ", column.family);
  if (column.not_null) absl::StrAppend(&line, " not-null");
  if (!column.default_value.empty()) absl::StrAppend(&line, " default=", column.default_value);
  if (column.auto_assigned) absl::StrAppend(&line, " auto-assigned");
  if (!column.comparison.empty()) absl::StrAppend(&line, " ", column.comparison);
  return line;
}

// Primary keys, unique and plain indexes. Unique indexes are compared by their
// columns alone: SQLite cannot name the index behind a UNIQUE constraint
// (it is "sqlite_autoindex_<table>_<n>"), MariaDB names it after the KEY.
std::string IndexLine(const std::string& table, const std::string& name, bool primary, bool unique,
                      const std::vector<std::string>& columns) {
  std::string column_list = absl::StrCat("(", absl::StrJoin(columns, ", "), ")");
  if (primary) return absl::StrCat("primary key ", table, " ", column_list);
  if (unique) return absl::StrCat("unique index ", table, " ", column_list);
  return absl::StrCat("index ", table, " ", name, " ", column_list);
}

std::string ForeignKeyLine(const std::string& table, const std::vector<std::string>& columns, const std::string& parent,
                           const std::vector<std::string>& parent_columns) {
  return absl::StrCat("foreign key ", table, " (", absl::StrJoin(columns, ", "), ") -> ", parent, " (",
                      absl::StrJoin(parent_columns, ", "), ")");
}

SchemaLines ReadMariaDbSchema(soci::session& session) {
  SchemaLines lines;
  soci::rowset<soci::row> tables = session.prepare << "SELECT TABLE_NAME FROM information_schema.TABLES"
                                                      " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'";
  for (const soci::row& row : tables) lines.insert(absl::StrCat("table ", TextOrEmpty(row, 0)));

  soci::rowset<soci::row> columns =
      session.prepare << "SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA,"
                         " COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()";
  for (const soci::row& row : columns) {
    Column column;
    column.family = TypeFamily(TextOrEmpty(row, 2));
    column.not_null = TextOrEmpty(row, 3) == "NO";
    // Since 10.2.7 MariaDB reports a nullable column without a default as
    // the literal NULL: the same as having none.
    column.default_value = TextOrEmpty(row, 4);
    if (column.default_value == "NULL") column.default_value.clear();
    column.auto_assigned = ContainsIgnoringCase(TextOrEmpty(row, 5), "AUTO_INCREMENT");
    // SQLite compares text byte by byte (its BINARY collation); so does
    // MariaDB's utf8mb4_bin, and no other collation does.
    if (std::optional<std::string> collation = Text(row, 6)) {
      column.comparison = *collation == "utf8mb4_bin" ? "binary" : *collation;
    }
    lines.insert(ColumnLine(TextOrEmpty(row, 0), TextOrEmpty(row, 1), column));
  }

  // InnoDB adds an index, named after the constraint, for a foreign key that
  // no index starts with; SQLite needs none.
  std::set<std::pair<std::string, std::string>> foreign_key_indexes;
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> child_columns, parent_columns;
  std::map<std::pair<std::string, std::string>, std::string> parents;
  soci::rowset<soci::row> references = session.prepare
                                       << "SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_NAME,"
                                          " REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE"
                                          " WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL"
                                          " ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION";
  for (const soci::row& row : references) {
    std::pair<std::string, std::string> key(TextOrEmpty(row, 0), TextOrEmpty(row, 1));
    foreign_key_indexes.insert(key);
    child_columns[key].push_back(TextOrEmpty(row, 2));
    parents[key] = TextOrEmpty(row, 3);
    parent_columns[key].push_back(TextOrEmpty(row, 4));
  }
  for (const auto& [key, parent] : parents) {
    lines.insert(ForeignKeyLine(key.first, child_columns[key], parent, parent_columns[key]));
  }

  struct Index {
    bool unique = false;
    std::vector<std::string> columns;
  };
  std::map<std::pair<std::string, std::string>, Index> indexes;
  soci::rowset<soci::row> statistics = session.prepare
                                       << "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART"
                                          " FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()"
                                          " ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";
  for (const soci::row& row : statistics) {
    std::pair<std::string, std::string> key(TextOrEmpty(row, 0), TextOrEmpty(row, 1));
    Index& index = indexes[key];
    index.unique = TextOrEmpty(row, 2) == "0";
    // A prefix index has no SQLite counterpart: show it.
    std::optional<std::string> prefix = Text(row, 4);
    index.columns.push_back(prefix ? absl::StrCat(TextOrEmpty(row, 3), "(", *prefix, ")") : TextOrEmpty(row, 3));
  }
  for (const auto& [key, index] : indexes) {
    if (foreign_key_indexes.contains(key)) continue;
    lines.insert(IndexLine(key.first, key.second, key.second == "PRIMARY", index.unique, index.columns));
  }
  return lines;
}

// SQLite's schema via its table-valued pragmas (3.16 and later).
SchemaLines ReadSqliteSchema(soci::session& session) {
  SchemaLines lines;
  std::map<std::string, std::string> tables;  // name -> CREATE TABLE text
  soci::rowset<soci::row> rows = session.prepare << "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
                                                    " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";
  for (const soci::row& row : rows) tables[TextOrEmpty(row, 0)] = TextOrEmpty(row, 1);

  for (const auto& [table, create_sql] : tables) {
    lines.insert(absl::StrCat("table ", table));
    // Names come from sqlite_master, so quoting them into the text is safe.
    const std::string quoted = absl::StrCat("'", table, "'");

    std::map<int, std::string> primary_key;  // position in the key -> column
    std::map<std::string, Column> columns;
    std::map<std::string, std::string> declared_types;
    std::string table_info =
        absl::StrCat("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(", quoted, ")");
    soci::rowset<soci::row> info = session.prepare << table_info;
    for (const soci::row& row : info) {
      std::string name = TextOrEmpty(row, 0);
      declared_types[name] = TextOrEmpty(row, 1);
      Column& column = columns[name];
      column.family = TypeFamily(declared_types[name]);
      column.not_null = TextOrEmpty(row, 2) == "1";
      column.default_value = TextOrEmpty(row, 3);
      if (column.family == "text") column.comparison = "binary";
      if (int position = std::stoi(TextOrEmpty(row, 4)); position > 0) primary_key[position] = name;
    }
    // No step declares a collation: text compares as BINARY, SQLite's default.
    // A step that does must teach this test to read it.
    EXPECT_FALSE(ContainsIgnoringCase(create_sql, "COLLATE")) << table << " declares a collation";
    // A lone INTEGER PRIMARY KEY is the rowid: never NULL, and assigned on
    // insert. With AUTOINCREMENT its values are never reused, as in InnoDB;
    // without it SQLite may reuse the largest after a delete, which
    // AUTO_INCREMENT does not, so it does not count as the same.
    if (primary_key.size() == 1) {
      const std::string& name = primary_key.begin()->second;
      if (absl::AsciiStrToUpper(declared_types[name]) == "INTEGER") {
        columns[name].not_null = true;
        columns[name].auto_assigned = ContainsIgnoringCase(create_sql, "AUTOINCREMENT");
      }
    }
    for (const auto& [name, column] : columns) lines.insert(ColumnLine(table, name, column));

    if (!primary_key.empty()) {
      std::vector<std::string> key_columns;
      for (const auto& [position, name] : primary_key) key_columns.push_back(name);
      lines.insert(IndexLine(table, "PRIMARY", /*primary=*/true, /*unique=*/true, key_columns));
    }

    // origin: "c" CREATE INDEX, "u" a UNIQUE constraint, "pk" the primary key
    // (already read from the columns, and absent for a rowid key).
    std::string index_list_query =
        absl::StrCat("SELECT name, \"unique\", origin, partial FROM pragma_index_list(", quoted, ")");
    soci::rowset<soci::row> index_list = session.prepare << index_list_query;
    std::vector<std::vector<std::string>> index_rows;
    for (const soci::row& row : index_list) {
      index_rows.push_back({TextOrEmpty(row, 0), TextOrEmpty(row, 1), TextOrEmpty(row, 2), TextOrEmpty(row, 3)});
    }
    for (const std::vector<std::string>& index : index_rows) {
      const std::string& name = index[0];
      if (index[2] == "pk") continue;
      std::vector<std::string> index_columns;
      std::string index_info_query = absl::StrCat("SELECT name FROM pragma_index_info('", name, "') ORDER BY seqno");
      soci::rowset<soci::row> index_info = session.prepare << index_info_query;
      for (const soci::row& row : index_info) index_columns.push_back(TextOrEmpty(row, 0));
      // A partial index has no MariaDB counterpart: show it.
      std::string shown_name = index[3] == "1" ? absl::StrCat(name, " WHERE ...") : name;
      lines.insert(IndexLine(table, shown_name, /*primary=*/false, /*unique=*/index[1] == "1", index_columns));
    }

    std::map<int, std::vector<std::string>> child_columns, parent_columns;
    std::map<int, std::string> parents;
    std::string foreign_keys = absl::StrCat("SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(",
                                            quoted, ") ORDER BY id, seq");
    soci::rowset<soci::row> references = session.prepare << foreign_keys;
    for (const soci::row& row : references) {
      int id = std::stoi(TextOrEmpty(row, 0));
      parents[id] = TextOrEmpty(row, 1);
      child_columns[id].push_back(TextOrEmpty(row, 2));
      // No "to" means the parent's primary key; every step names it.
      parent_columns[id].push_back(Text(row, 3).value_or("(its primary key)"));
    }
    for (const auto& [id, parent] : parents) {
      lines.insert(ForeignKeyLine(table, child_columns[id], parent, parent_columns[id]));
    }
  }
  return lines;
}

// The schema an empty database of `backend` has after `migrations`.
SchemaLines MigratedSchema(TestBackend backend, std::span<const Migration> migrations) {
  std::unique_ptr<TestDatabase> test_database = TestDatabase::Create(backend);
  absl::StatusOr<std::unique_ptr<Database>> database = Database::Connect({.url = test_database->url(), .pool_size = 1});
  if (!database.ok()) {
    ADD_FAILURE() << database.status();
    return {};
  }
  if (absl::StatusOr<int> migrated = ApplyMigrations(**database, migrations); !migrated.ok()) {
    ADD_FAILURE() << migrated.status();
    return {};
  }
  SchemaLines lines;
  absl::Status status = (*database)->WithSession([&](soci::session& session) {
    lines = backend == TestBackend::kSqlite ? ReadSqliteSchema(session) : ReadMariaDbSchema(session);
    return absl::OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status;
  return lines;
}

SchemaLines Difference(const SchemaLines& left, const SchemaLines& right) {
  SchemaLines difference;
  std::set_difference(left.begin(), left.end(), right.begin(), right.end(),
                      std::inserter(difference, difference.end()));
  return difference;
}

std::string Listed(const SchemaLines& lines) {
  return lines.empty() ? "  (none)\n" : absl::StrCat("  ", absl::StrJoin(lines, "\n  "), "\n");
}

TEST(SchemaParityTest, SqliteAndMariaDbMigrateToTheSameTablesColumnsAndIndexes) {
  SchemaLines sqlite = MigratedSchema(TestBackend::kSqlite, SchemaMigrations());
  SchemaLines mariadb = MigratedSchema(TestBackend::kMariaDb, SchemaMigrations());
  // Both readers found the schema, not two empty sets that agree.
  for (const SchemaLines* lines : {&sqlite, &mariadb}) {
    EXPECT_TRUE(lines->contains("table customers"));
    EXPECT_TRUE(lines->contains("primary key schema_migrations (version)"));
    EXPECT_TRUE(lines->contains("index revisits ix_revisits_claim (state, channel, queue, priority, due_at_us)"));
  }

  SchemaLines only_on_mariadb = Difference(mariadb, sqlite);
  SchemaLines only_on_sqlite = Difference(sqlite, mariadb);
  EXPECT_EQ(only_on_mariadb, KnownOnlyOnMariaDb())
      << "The MySQL and SQLite steps in services/storage/schema.cc disagree (add a step that brings them in"
         " line; never edit a shipped one).\nOnly on MariaDB:\n"
      << Listed(only_on_mariadb) << "expected only on MariaDB:\n"
      << Listed(KnownOnlyOnMariaDb());
  EXPECT_EQ(only_on_sqlite, KnownOnlyOnSqlite())
      << "The MySQL and SQLite steps in services/storage/schema.cc disagree (add a step that brings them in"
         " line; never edit a shipped one).\nOnly on SQLite:\n"
      << Listed(only_on_sqlite) << "expected only on SQLite:\n"
      << Listed(KnownOnlyOnSqlite());
}

// A step whose dialects disagree in a column's nullability, default and type
// family, and in an index's column order, is caught on each side.
TEST(SchemaParityTest, StepsWhoseDialectsDisagreeShowTheDifference) {
  std::vector<Migration> migrations(SchemaMigrations().begin(), SchemaMigrations().end());
  migrations.push_back({
      .version = migrations.back().version + 1,
      .description = "dialects that disagree",
      .mysql_statements = {"ALTER TABLE customers ADD COLUMN nickname VARCHAR(20) NULL,"
                           " ADD COLUMN rating DOUBLE NOT NULL DEFAULT 0",
                           "CREATE INDEX ix_customers_nickname ON customers (nickname, id)"},
      .sqlite_statements = {"ALTER TABLE customers ADD COLUMN nickname TEXT NOT NULL DEFAULT ''",
                            "ALTER TABLE customers ADD COLUMN rating INTEGER NOT NULL DEFAULT 0",
                            "CREATE INDEX ix_customers_nickname ON customers (id, nickname)"},
  });
  SchemaLines sqlite = MigratedSchema(TestBackend::kSqlite, migrations);
  SchemaLines mariadb = MigratedSchema(TestBackend::kMariaDb, migrations);

  SchemaLines expected_only_on_mariadb = KnownOnlyOnMariaDb();
  expected_only_on_mariadb.insert({"column customers.nickname text binary",
                                   "column customers.rating real not-null default=0",
                                   "index customers ix_customers_nickname (nickname, id)"});
  SchemaLines expected_only_on_sqlite = KnownOnlyOnSqlite();
  expected_only_on_sqlite.insert({"column customers.nickname text not-null default='' binary",
                                  "column customers.rating integer not-null default=0",
                                  "index customers ix_customers_nickname (id, nickname)"});
  EXPECT_EQ(Difference(mariadb, sqlite), expected_only_on_mariadb);
  EXPECT_EQ(Difference(sqlite, mariadb), expected_only_on_sqlite);
}

}  // namespace
}  // namespace satisfaction::storage
