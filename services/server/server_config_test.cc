#include "services/server/server_config.h"

#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace satisfaction::server {
namespace {

absl::StatusOr<CommandLine> Parse(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  args.insert(args.begin(), "satisfaction-server");
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  return ParseCommandLine(static_cast<int>(args.size()), argv.data(), [&env](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
}

TEST(ParseCommandLine, Defaults) {
  absl::StatusOr<CommandLine> parsed = Parse({});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->config.db_url, "sqlite3://var/satisfaction.db");
  EXPECT_EQ(parsed->config.grpc_listen, "127.0.0.1:50051");
  EXPECT_EQ(parsed->config.http_listen, "127.0.0.1:8080");
  EXPECT_EQ(parsed->config.metrics_listen, "127.0.0.1:9464");
}

TEST(ParseCommandLine, MetricsListenTakesAnAddressOrNothing) {
  EXPECT_EQ(Parse({"--metrics-listen=0.0.0.0:9100"}).value().config.metrics_listen, "0.0.0.0:9100");
  EXPECT_EQ(Parse({"--metrics-listen="}).value().config.metrics_listen, "") << "off";
  EXPECT_EQ(Parse({}, {{"SATISFACTION_METRICS_LISTEN", "[::1]:0"}}).value().config.metrics_listen, "[::1]:0");
}

TEST(ParseCommandLine, FlagsBothForms) {
  absl::StatusOr<CommandLine> parsed =
      Parse({"--db=mysql://u:p@h/d", "--grpc-listen", "0.0.0.0:6000", "--http-listen=[::1]:0", "--db-pool-size=4",
             "--db-wait=250ms", "--log-level", "debug", "--shutdown-grace=3s"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->config.db_url, "mysql://u:p@h/d");
  EXPECT_EQ(parsed->config.grpc_listen, "0.0.0.0:6000");
  EXPECT_EQ(parsed->config.http_listen, "[::1]:0");
  EXPECT_EQ(parsed->config.db_pool_size, 4);
  EXPECT_EQ(parsed->config.db_wait, absl::Milliseconds(250));
  EXPECT_EQ(parsed->config.log_level, "debug");
  EXPECT_EQ(parsed->config.shutdown_grace, absl::Seconds(3));
}

TEST(ParseCommandLine, PublicUrl) {
  absl::StatusOr<CommandLine> parsed = Parse({}, {{"SATISFACTION_PUBLIC_URL", "https://survey.example.cn/"}});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->config.public_url, "https://survey.example.cn") << "without the trailing slash";
  EXPECT_TRUE(Parse({}).value().config.public_url.empty()) << "derived from --http-listen at start";
  for (const char* bad : {"survey.example.cn", "ftp://x", "https://x/?a=1", "https://x#y", "https://a b"}) {
    absl::StatusOr<CommandLine> refused = Parse({absl::StrCat("--public-url=", bad)});
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_TRUE(absl::StrContains(refused.status().message(), "public-url")) << refused.status();
  }
}

TEST(ParseCommandLine, EnvironmentFillsInAndFlagsWin) {
  absl::StatusOr<CommandLine> parsed =
      Parse({"--grpc-listen=127.0.0.1:7000"}, {{"SATISFACTION_DB", "sqlite3:///srv/s.db"},
                                               {"SATISFACTION_GRPC_LISTEN", "127.0.0.1:9000"},
                                               {"SATISFACTION_HTTP_LISTEN", ""}});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->config.db_url, "sqlite3:///srv/s.db");
  EXPECT_EQ(parsed->config.grpc_listen, "127.0.0.1:7000");
  EXPECT_EQ(parsed->config.http_listen, "") << "an empty value turns the HTTP face off";
}

TEST(ParseCommandLine, AccessSettings) {
  const std::string key(40, 'k');
  absl::StatusOr<CommandLine> parsed =
      Parse({"--key-rate-limit=120", "--key-cache-ttl=0s", "--reflection=off", "--audit-retention=8760h",
             "--tls-cert=/tls/s.pem", "--tls-key=/tls/s.key", "--tls-client-ca=/tls/ca.pem"},
            {{"SATISFACTION_BOOTSTRAP_ADMIN_KEY", key}});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->config.bootstrap_admin_key, key);
  EXPECT_EQ(parsed->config.key_rate_limit, 120);
  EXPECT_EQ(parsed->config.key_cache_ttl, absl::ZeroDuration());
  EXPECT_FALSE(parsed->config.reflection);
  EXPECT_EQ(parsed->config.audit_retention, absl::Hours(24 * 365));
  EXPECT_EQ(parsed->config.tls_cert, "/tls/s.pem");
  EXPECT_EQ(parsed->config.tls_client_ca, "/tls/ca.pem");
  absl::StatusOr<CommandLine> defaults = Parse({}, {{"SATISFACTION_BOOTSTRAP_ADMIN_KEY", ""}});
  ASSERT_TRUE(defaults.ok()) << defaults.status();
  EXPECT_TRUE(defaults->config.bootstrap_admin_key.empty()) << "an empty variable is no key";
  EXPECT_TRUE(defaults->config.reflection);
  EXPECT_EQ(defaults->config.audit_retention, absl::ZeroDuration()) << "kept for ever";
  EXPECT_TRUE(defaults->config.tls_cert.empty());
}

TEST(ParseCommandLine, HttpLimits) {
  absl::StatusOr<CommandLine> defaults = Parse({});
  ASSERT_TRUE(defaults.ok()) << defaults.status();
  EXPECT_EQ(defaults->config.http_max_connections, 2048);
  EXPECT_EQ(defaults->config.http_connections_per_address, 64);
  EXPECT_EQ(defaults->config.http_request_timeout, absl::Seconds(10));
  EXPECT_EQ(defaults->config.http_idle_timeout, absl::Seconds(5));
  EXPECT_EQ(defaults->config.http_workers, 16);

  absl::StatusOr<CommandLine> parsed =
      Parse({"--http-max-connections=10000", "--http-request-timeout=30s", "--http-workers=4"},
            {{"SATISFACTION_HTTP_CONNECTIONS_PER_ADDRESS", "10000"},
             {"SATISFACTION_HTTP_IDLE_TIMEOUT", "2m"},
             {"SATISFACTION_HTTP_WORKERS", "64"}});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->config.http_max_connections, 10000);
  EXPECT_EQ(parsed->config.http_connections_per_address, 10000) << "behind a proxy: as many as the server holds";
  EXPECT_EQ(parsed->config.http_request_timeout, absl::Seconds(30));
  EXPECT_EQ(parsed->config.http_idle_timeout, absl::Minutes(2));
  EXPECT_EQ(parsed->config.http_workers, 4) << "the flag wins";

  for (const char* bad : {"--http-max-connections=0", "--http-max-connections=lots", "--http-connections-per-address=0",
                          "--http-request-timeout=0s", "--http-request-timeout=1h", "--http-idle-timeout=500ms",
                          "--http-idle-timeout=forever", "--http-workers=0", "--http-workers=2000"}) {
    absl::StatusOr<CommandLine> refused = Parse({bad});
    ASSERT_FALSE(refused.ok()) << bad;
    std::string flag(absl::string_view(bad).substr(0, absl::string_view(bad).find('=')));
    EXPECT_TRUE(absl::StrContains(refused.status().message(), flag)) << refused.status();
  }
  absl::StatusOr<CommandLine> more_per_address_than_in_all =
      Parse({"--http-max-connections=100", "--http-connections-per-address=200"});
  ASSERT_FALSE(more_per_address_than_in_all.ok());
  EXPECT_TRUE(absl::StrContains(more_per_address_than_in_all.status().message(), "--http-connections-per-address"))
      << more_per_address_than_in_all.status();
}

TEST(ParseCommandLine, LogFormatIsTextUnlessJsonIsAskedFor) {
  EXPECT_EQ(Parse({}).value().config.log_format, LogFormat::kText);
  EXPECT_EQ(Parse({"--log-format=json"}).value().config.log_format, LogFormat::kJson);
  EXPECT_EQ(Parse({"--log-format", "text"}).value().config.log_format, LogFormat::kText);
  EXPECT_EQ(Parse({}, {{"SATISFACTION_LOG_FORMAT", "json"}}).value().config.log_format, LogFormat::kJson);
  EXPECT_EQ(Parse({"--log-format=text"}, {{"SATISFACTION_LOG_FORMAT", "json"}}).value().config.log_format,
            LogFormat::kText)
      << "the flag wins";
}

TEST(ParseCommandLine, ErrorsNameTheFlagOrVariable) {
  struct Case {
    std::vector<std::string> args;
    std::map<std::string, std::string> env;
    std::string names;
  };
  for (const Case& c : std::vector<Case>{
           {{"--grpc-listen=nowhere"}, {}, "--grpc-listen"},
           {{"--metrics-listen=9464"}, {}, "--metrics-listen"},
           {{}, {{"SATISFACTION_METRICS_LISTEN", "localhost"}}, "SATISFACTION_METRICS_LISTEN"},
           {{"--db-pool-size=0"}, {}, "--db-pool-size"},
           {{"--db-wait=soon"}, {}, "--db-wait"},
           {{"--log-level=loud"}, {}, "--log-level"},
           {{"--log-format=yaml"}, {}, "--log-format"},
           {{"--log-format="}, {}, "--log-format"},
           {{"--log-format=JSON"}, {}, "--log-format"},
           {{}, {{"SATISFACTION_LOG_FORMAT", "logfmt"}}, "SATISFACTION_LOG_FORMAT"},
           {{}, {{"SATISFACTION_DB_POOL_SIZE", "many"}}, "SATISFACTION_DB_POOL_SIZE"},
           {{"--no-such-flag"}, {}, "--no-such-flag"},
           {{"stray"}, {}, "stray"},
           {{"--reflection=maybe"}, {}, "--reflection"},
           {{"--key-rate-limit=0"}, {}, "--key-rate-limit"},
           {{"--tls-cert=/tls/s.pem"}, {}, "--tls-key"},
           {{"--tls-client-ca=/tls/ca.pem"}, {}, "--tls-client-ca"},
           {{}, {{"SATISFACTION_BOOTSTRAP_ADMIN_KEY", "short"}}, "SATISFACTION_BOOTSTRAP_ADMIN_KEY"},
           {{},
            {{"SATISFACTION_BOOTSTRAP_ADMIN_KEY", std::string(20, 'a') + " " + std::string(20, 'b')}},
            "SATISFACTION_BOOTSTRAP_ADMIN_KEY"},
       }) {
    absl::StatusOr<CommandLine> parsed = Parse(c.args, c.env);
    ASSERT_FALSE(parsed.ok()) << c.names;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StrContains(parsed.status().message(), c.names)) << parsed.status();
  }
}

TEST(ParseCommandLine, HelpDocumentsEveryFlagAndVariable) {
  absl::StatusOr<CommandLine> parsed = Parse({"--help"});
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->show_help);
  std::string usage = UsageText();
  for (const char* name :
       {"--db=", "SATISFACTION_DB)", "--grpc-listen", "SATISFACTION_GRPC_LISTEN", "--http-listen",
        "SATISFACTION_HTTP_LISTEN", "--db-pool-size", "--log-level", "unix_socket", "--http-max-connections",
        "SATISFACTION_HTTP_CONNECTIONS_PER_ADDRESS", "--http-request-timeout", "--http-idle-timeout", "--http-workers",
        "the proxy's", "--log-format", "SATISFACTION_LOG_FORMAT"}) {
    EXPECT_TRUE(absl::StrContains(usage, name)) << name;
  }
}

}  // namespace
}  // namespace satisfaction::server
