#include "services/storage/database_url.h"

#include <cctype>
#include <optional>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace satisfaction::storage {
namespace {

constexpr absl::string_view kSqliteScheme = "sqlite3://";
constexpr absl::string_view kMysqlScheme = "mysql://";

absl::Status BadUrl(absl::string_view why) { return absl::InvalidArgumentError(absl::StrCat("database URL: ", why)); }

std::optional<std::string> PercentDecode(absl::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      return std::nullopt;
    }
    out.push_back(static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
    i += 2;
  }
  return out;
}

// Quotes a value for SOCI's connect string, which reads 'a b' as one value and a
// doubled quote inside it as a quote.
std::string Quote(absl::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

absl::StatusOr<DatabaseUrl> ParseSqlite(absl::string_view path) {
  if (path.empty()) return BadUrl("sqlite3:// needs a file path, e.g. sqlite3://var/satisfaction.db");
  if (path == ":memory:" || absl::StartsWith(path, "file:")) {
    return BadUrl("sqlite3:// needs a plain file path; in-memory databases cannot be shared by a pool");
  }
  // SOCI's SQLite backend splits its connect string at spaces and knows no quoting.
  if (path.find_first_of(" \t\n'\"") != absl::string_view::npos) {
    return BadUrl("the SQLite file path must not contain spaces or quotes");
  }
  DatabaseUrl url;
  url.backend = Backend::kSqlite;
  // timeout: seconds a writer waits for another one to finish (SQLite serialises writers).
  url.soci_connect_string = absl::StrCat("db=", path, " timeout=10 synchronous=normal");
  url.redacted = absl::StrCat(kSqliteScheme, path);
  return url;
}

absl::StatusOr<DatabaseUrl> ParseMysql(absl::string_view rest) {
  absl::string_view query;
  if (size_t q = rest.find('?'); q != absl::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  size_t slash = rest.find('/');
  if (slash == absl::string_view::npos)
    return BadUrl("mysql:// needs a database name: mysql://user:password@host:port/database");
  absl::string_view authority = rest.substr(0, slash);
  std::optional<std::string> database = PercentDecode(rest.substr(slash + 1));
  if (!database || database->empty()) return BadUrl("mysql:// needs a database name after the '/'");

  absl::string_view userinfo;
  absl::string_view hostport = authority;
  if (size_t at = authority.rfind('@'); at != absl::string_view::npos) {
    userinfo = authority.substr(0, at);
    hostport = authority.substr(at + 1);
  }
  absl::string_view raw_user = userinfo;
  absl::string_view raw_password;
  bool has_password = false;
  if (size_t colon = userinfo.find(':'); colon != absl::string_view::npos) {
    raw_user = userinfo.substr(0, colon);
    raw_password = userinfo.substr(colon + 1);
    has_password = true;
  }
  std::optional<std::string> user = PercentDecode(raw_user);
  std::optional<std::string> password = PercentDecode(raw_password);
  if (!user || !password) return BadUrl("malformed percent-encoding in the user or password");

  std::string host(hostport);
  std::string port;
  if (size_t colon = hostport.rfind(':'); colon != absl::string_view::npos) {
    host = std::string(hostport.substr(0, colon));
    port = std::string(hostport.substr(colon + 1));
    int port_number = 0;
    if (!absl::SimpleAtoi(port, &port_number) || port_number < 1 || port_number > 65535) {
      return BadUrl(absl::StrCat("port '", port, "' is not a number from 1 to 65535"));
    }
  }

  std::string connect = absl::StrCat("db=", Quote(*database), " charset=utf8mb4");
  if (!user->empty()) absl::StrAppend(&connect, " user=", Quote(*user));
  if (has_password) absl::StrAppend(&connect, " password=", Quote(*password));
  if (!host.empty()) absl::StrAppend(&connect, " host=", Quote(host));
  if (!port.empty()) absl::StrAppend(&connect, " port=", port);

  bool has_connect_timeout = false;
  bool has_socket = false;
  if (!query.empty()) {
    for (absl::string_view option : absl::StrSplit(query, '&')) {
      std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(option, absl::MaxSplits('=', 1));
      std::optional<std::string> value = PercentDecode(kv.second);
      if (!value || value->empty()) return BadUrl(absl::StrCat("option '", kv.first, "' needs a value"));
      static constexpr absl::string_view kAllowed[] = {
          "unix_socket", "connect_timeout", "read_timeout", "write_timeout", "sslca", "sslcert", "sslkey"};
      bool allowed = false;
      for (absl::string_view name : kAllowed) allowed = allowed || kv.first == name;
      if (!allowed) {
        return BadUrl(absl::StrCat("unknown option '", kv.first,
                                   "'; known: unix_socket, connect_timeout, read_timeout, write_timeout, "
                                   "sslca, sslcert, sslkey"));
      }
      has_connect_timeout = has_connect_timeout || kv.first == "connect_timeout";
      has_socket = has_socket || kv.first == "unix_socket";
      absl::StrAppend(&connect, " ", kv.first, "=", Quote(*value));
    }
  }
  if (host.empty() && !has_socket) return BadUrl("mysql:// needs a host, or the unix_socket option");
  // A dead database must fail fast, so clients get UNAVAILABLE rather than a hang.
  if (!has_connect_timeout) absl::StrAppend(&connect, " connect_timeout=5");

  DatabaseUrl url;
  url.backend = Backend::kMysql;
  url.soci_connect_string = std::move(connect);
  url.redacted = absl::StrCat(kMysqlScheme, raw_user, has_password ? ":***" : "", userinfo.empty() ? "" : "@", hostport,
                              "/", *database, query.empty() ? "" : "?", query);
  return url;
}

}  // namespace

absl::StatusOr<DatabaseUrl> ParseDatabaseUrl(absl::string_view url) {
  if (absl::StartsWith(url, kSqliteScheme)) return ParseSqlite(url.substr(kSqliteScheme.size()));
  if (absl::StartsWith(url, kMysqlScheme)) return ParseMysql(url.substr(kMysqlScheme.size()));
  return BadUrl("must start with sqlite3:// or mysql://");
}

}  // namespace satisfaction::storage
