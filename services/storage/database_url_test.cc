#include "services/storage/database_url.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace satisfaction::storage {
namespace {

TEST(ParseDatabaseUrl, SqliteRelativeAndAbsolutePaths) {
  absl::StatusOr<DatabaseUrl> relative = ParseDatabaseUrl("sqlite3://var/satisfaction.db");
  ASSERT_TRUE(relative.ok()) << relative.status();
  EXPECT_EQ(relative->backend, Backend::kSqlite);
  EXPECT_TRUE(absl::StartsWith(relative->soci_connect_string, "db=var/satisfaction.db "));
  absl::StatusOr<DatabaseUrl> absolute = ParseDatabaseUrl("sqlite3:///srv/data/s.db");
  ASSERT_TRUE(absolute.ok());
  EXPECT_TRUE(absl::StartsWith(absolute->soci_connect_string, "db=/srv/data/s.db "));
}

TEST(ParseDatabaseUrl, SqliteRejectsWhatAPoolCannotShare) {
  EXPECT_FALSE(ParseDatabaseUrl("sqlite3://").ok());
  EXPECT_FALSE(ParseDatabaseUrl("sqlite3://:memory:").ok());
  EXPECT_FALSE(ParseDatabaseUrl("sqlite3://my file.db").ok());
}

TEST(ParseDatabaseUrl, MysqlWithHostPortAndEncodedPassword) {
  absl::StatusOr<DatabaseUrl> url = ParseDatabaseUrl("mysql://app:p%40ss%20word@db.example:3307/shop");
  ASSERT_TRUE(url.ok()) << url.status();
  EXPECT_EQ(url->backend, Backend::kMysql);
  EXPECT_TRUE(absl::StrContains(url->soci_connect_string, "db='shop'"));
  EXPECT_TRUE(absl::StrContains(url->soci_connect_string, "user='app'"));
  EXPECT_TRUE(absl::StrContains(url->soci_connect_string, "password='p@ss word'"));
  EXPECT_TRUE(absl::StrContains(url->soci_connect_string, "host='db.example'"));
  EXPECT_TRUE(absl::StrContains(url->soci_connect_string, "port=3307"));
  EXPECT_TRUE(absl::StrContains(url->soci_connect_string, "charset=utf8mb4"));
  EXPECT_EQ(url->redacted, "mysql://app:***@db.example:3307/shop");
}

TEST(ParseDatabaseUrl, MysqlUnixSocket) {
  absl::StatusOr<DatabaseUrl> url =
      ParseDatabaseUrl("mysql://app:secret@localhost/shop?unix_socket=/run/mysqld/mysqld.sock");
  ASSERT_TRUE(url.ok()) << url.status();
  EXPECT_TRUE(absl::StrContains(url->soci_connect_string, "unix_socket='/run/mysqld/mysqld.sock'"));
  EXPECT_FALSE(absl::StrContains(url->redacted, "secret"));
  absl::StatusOr<DatabaseUrl> hostless = ParseDatabaseUrl("mysql://app@/shop?unix_socket=/tmp/m.sock");
  EXPECT_TRUE(hostless.ok()) << hostless.status();
}

TEST(ParseDatabaseUrl, QuotesInValuesAreEscaped) {
  absl::StatusOr<DatabaseUrl> url = ParseDatabaseUrl("mysql://app:it's@h/shop");
  ASSERT_TRUE(url.ok());
  EXPECT_TRUE(absl::StrContains(url->soci_connect_string, "password='it''s'"));
}

TEST(ParseDatabaseUrl, ErrorsAreClearAndNeverShowThePassword) {
  for (const char* bad : {"postgres://a:hunter2@h/db", "mysql://a:hunter2@h", "mysql://a:hunter2@h:99999/db",
                          "mysql://a:hunter2@h/db?ssl=1", "mysql://a:hunter2%zz@h/db", "mysql://a:hunter2@/db"}) {
    absl::StatusOr<DatabaseUrl> url = ParseDatabaseUrl(bad);
    ASSERT_FALSE(url.ok()) << bad;
    EXPECT_EQ(url.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_FALSE(absl::StrContains(url.status().message(), "hunter2")) << url.status();
  }
}

}  // namespace
}  // namespace satisfaction::storage
