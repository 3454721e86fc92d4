// The SQL that differs between backends lives in services/storage/ alone
// (storage::Dialect, storage::Database): every other area writes portable SQL
// and asks the dialect for the rest, never which backend runs. Unit tests
// beside their subjects are left out: they may open a backend themselves.

#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "tests/support/test_database.h"

namespace satisfaction::storage {
namespace {

// What only storage may say: backend names and checks, dialect keywords, and
// SOCI's own binding (elsewhere values are bound by name through storage::Query).
const std::vector<std::string>& Forbidden() {
  static const auto* words = new std::vector<std::string>{"get_backend_name",
                                                          "\"mysql\"",
                                                          "\"sqlite3\"",
                                                          "Backend::k",
                                                          "FOR UPDATE",
                                                          "SKIP LOCKED",
                                                          "ON DUPLICATE KEY",
                                                          "ON CONFLICT",
                                                          "INSERT OR ",
                                                          "INSERT IGNORE",
                                                          "RETURNING",
                                                          "LAST_INSERT_ID",
                                                          "last_insert_rowid",
                                                          "get_last_insert_id",
                                                          "BEGIN IMMEDIATE",
                                                          "BEGIN NOT ATOMIC",
                                                          "excluded.",
                                                          "VALUES(",
                                                          "rowid",
                                                          // Raw SOCI: binding by position, not by storage::Query.
                                                          "soci::use(",
                                                          "soci::into(",
                                                          "soci::statement",
                                                          "soci::session",
                                                          ".session()"};
  return *words;
}

// The file's text with its // comments blanked out (prose may name the clauses).
std::vector<std::string> CodeLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    bool quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '"' && (i == 0 || line[i - 1] != '\\')) quoted = !quoted;
      if (!quoted && line.compare(i, 2, "//") == 0) {
        line.resize(i);
        break;
      }
    }
    lines.push_back(line);
  }
  return lines;
}

bool IsIdentifierChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Whether `line` holds `word` other than inside a longer identifier: a
// keyword is not found in ASSIGNMENT_STRATEGY_RETURNING_CUSTOMER.
bool HoldsWord(const std::string& line, const std::string& word) {
  for (size_t at = line.find(word); at != std::string::npos; at = line.find(word, at + 1)) {
    bool joined_before = IsIdentifierChar(word.front()) && at > 0 && IsIdentifierChar(line[at - 1]);
    size_t end = at + word.size();
    bool joined_after = IsIdentifierChar(word.back()) && end < line.size() && IsIdentifierChar(line[end]);
    if (!joined_before && !joined_after) return true;
  }
  return false;
}

// "file:line: what" for each backend-specific piece of `text`.
std::vector<std::string> Findings(const std::string& file, const std::string& text) {
  std::vector<std::string> findings;
  std::vector<std::string> lines = CodeLines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    for (const std::string& word : Forbidden()) {
      if (HoldsWord(lines[i], word)) findings.push_back(absl::StrCat(file, ":", i + 1, ": ", word));
    }
  }
  // A LIMIT in a DELETE or UPDATE (MariaDB only), within one C++ statement.
  std::string code = absl::StrJoin(lines, "\n");
  static const std::regex kLimitedWrite(R"((DELETE FROM|UPDATE \w+ SET)[^;]*?LIMIT)");
  for (auto it = std::sregex_iterator(code.begin(), code.end(), kLimitedWrite); it != std::sregex_iterator(); ++it) {
    size_t line = std::count(code.begin(), code.begin() + it->position(0) + it->length(0), '\n') + 1;
    findings.push_back(absl::StrCat(file, ":", line, ": LIMIT in ", (*it)[1].str()));
  }
  return findings;
}

TEST(DialectConfinement, TheScanFindsWhatItLooksFor) {
  std::string text =
      "// FOR UPDATE in prose is fine\n"
      "bool mysql = session.get_backend_name() == \"mysql\";\n"
      "sql = \"SELECT a FROM t FOR UPDATE\";  // and SKIP LOCKED here too\n"
      "session << \"DELETE FROM t WHERE a < :cutoff\"\n"
      "           \" ORDER BY id LIMIT :batch\";\n"
      "session << \"SELECT a FROM t LIMIT 1\";\n"
      "statement.exchange(soci::use(id));\n"
      "case v1::ASSIGNMENT_STRATEGY_RETURNING_CUSTOMER:\n"
      "sql = \"INSERT INTO t (a) VALUES (1) RETURNING id\";\n";
  EXPECT_EQ(Findings("x.cc", text),
            (std::vector<std::string>{"x.cc:2: get_backend_name", "x.cc:2: \"mysql\"", "x.cc:3: FOR UPDATE",
                                      "x.cc:7: soci::use(", "x.cc:9: RETURNING", "x.cc:5: LIMIT in DELETE FROM"}));
}

TEST(DialectConfinement, BackendNamesAndDialectKeywordsStayInStorage) {
  std::filesystem::path root = test_support::RepoRoot();
  ASSERT_TRUE(std::filesystem::exists(root / "services" / "storage")) << root;
  std::vector<std::string> findings;
  int files = 0;
  for (const char* top : {"services", "scheduler"}) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root / top)) {
      std::filesystem::path path = entry.path();
      std::string relative = std::filesystem::relative(path, root).string();
      if (!entry.is_regular_file() || relative.rfind("services/storage/", 0) == 0) continue;
      if (path.extension() != ".cc" && path.extension() != ".h") continue;
      // Unit tests may open a backend of their own (an in-memory SQLite session).
      if (absl::EndsWith(path.filename().string(), "_test.cc")) continue;
      std::ifstream in(path);
      std::stringstream text;
      text << in.rdbuf();
      ++files;
      for (std::string& finding : Findings(relative, text.str())) findings.push_back(std::move(finding));
    }
  }
  EXPECT_GT(files, 50) << "the scan saw the tree";
  EXPECT_TRUE(findings.empty()) << "backend-specific SQL or raw SOCI binding outside services/storage/"
                                   " (ask storage::Dialect, bind through storage::Query):\n"
                                << absl::StrJoin(findings, "\n");
}

}  // namespace
}  // namespace satisfaction::storage
