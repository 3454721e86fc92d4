#include "services/server/server_config.h"

#include <getopt.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace satisfaction::server {

absl::TimeZone DefaultReportTimeZone() {
  absl::TimeZone zone;
  // China keeps UTC+8 all year: the fixed zone is the same days, if a
  // machine lacks the time zone database.
  return absl::LoadTimeZone("Asia/Shanghai", &zone) ? zone : absl::FixedTimeZone(8 * 3600);
}
namespace {

// One setting: its flag, its environment variable and how to apply a value.
struct Setting {
  const char* flag;
  const char* env;
  const char* help;
  std::function<absl::Status(ServerConfig&, const std::string&)> apply;
};

absl::Status Bad(absl::string_view source, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(source, ": ", why));
}

absl::Status CheckListenAddress(absl::string_view address) {
  size_t colon = address.rfind(':');
  int port = -1;
  if (colon == absl::string_view::npos || colon == 0 || !absl::SimpleAtoi(address.substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError("must be HOST:PORT, e.g. 127.0.0.1:50051 or [::1]:50051 (port 0: any free port)");
  }
  return absl::OkStatus();
}

// An address a face may be turned off by leaving empty.
absl::Status SetOptionalListenAddress(const std::string& address, std::string& out) {
  if (!address.empty()) {
    if (absl::Status s = CheckListenAddress(address); !s.ok()) return s;
  }
  out = address;
  return absl::OkStatus();
}

absl::Status ParseInt(const std::string& text, int min, int max, int& out) {
  if (!absl::SimpleAtoi(text, &out) || out < min || out > max) {
    return absl::InvalidArgumentError(absl::StrCat("must be a whole number from ", min, " to ", max));
  }
  return absl::OkStatus();
}

absl::Status ParseDurationValue(const std::string& text, absl::Duration min, absl::Duration max, absl::Duration& out) {
  if (!absl::ParseDuration(text, &out) || out < min || out > max) {
    return absl::InvalidArgumentError(absl::StrCat("must be a duration such as 500ms, 5s or 2m, from ",
                                                   absl::FormatDuration(min), " to ", absl::FormatDuration(max)));
  }
  return absl::OkStatus();
}

constexpr char kBootstrapAdminKeyVariable[] = "SATISFACTION_BOOTSTRAP_ADMIN_KEY";

// An operator's own key must be as hard to guess as the keys the server makes.
absl::Status CheckBootstrapAdminKey(absl::string_view key) {
  bool printable = std::all_of(key.begin(), key.end(), [](char c) { return c > ' ' && c < 0x7f; });
  if (key.size() < 32 || key.size() > 256 || !printable) {
    return absl::InvalidArgumentError(
        "must be 32 to 256 printable characters without spaces, e.g. from `openssl rand -hex 32`");
  }
  return absl::OkStatus();
}

const std::vector<Setting>& Settings() {
  static const std::vector<Setting> settings = {
      {"db", "SATISFACTION_DB",
       "Database URL: sqlite3://PATH (the default, sqlite3://var/satisfaction.db),\n"
       "mysql://USER:PASSWORD@HOST:PORT/DATABASE, or\n"
       "mysql://USER:PASSWORD@localhost/DATABASE?unix_socket=/run/mysqld/mysqld.sock",
       [](ServerConfig& c, const std::string& v) {
         if (v.empty()) return absl::InvalidArgumentError("must not be empty");
         c.db_url = v;
         return absl::OkStatus();
       }},
      {"grpc-listen", "SATISFACTION_GRPC_LISTEN", "gRPC address, HOST:PORT (default 127.0.0.1:50051)",
       [](ServerConfig& c, const std::string& v) {
         if (absl::Status s = CheckListenAddress(v); !s.ok()) return s;
         c.grpc_listen = v;
         return absl::OkStatus();
       }},
      {"http-listen", "SATISFACTION_HTTP_LISTEN",
       "HTTP address for the survey page and /healthz, HOST:PORT (default 127.0.0.1:8080); empty: none",
       [](ServerConfig& c, const std::string& v) { return SetOptionalListenAddress(v, c.http_listen); }},
      {"metrics-listen", "SATISFACTION_METRICS_LISTEN",
       "Address where Prometheus scrapes GET /metrics, HOST:PORT (default 127.0.0.1:9464);\n"
       "empty: no metrics",
       [](ServerConfig& c, const std::string& v) { return SetOptionalListenAddress(v, c.metrics_listen); }},
      {"http-rate-limit", "SATISFACTION_HTTP_RATE_LIMIT",
       "Requests a minute each client (by address) may make of the survey page and\n"
       "POST /v1/responses, with bursts of a third of that (default 60)",
       [](ServerConfig& c, const std::string& v) { return ParseInt(v, 1, 1'000'000, c.http_rate_limit); }},
      {"http-max-connections", "SATISFACTION_HTTP_MAX_CONNECTIONS",
       "HTTP connections held at once; beyond it new ones are answered 503 and closed\n"
       "(default 2048; each takes a file descriptor)",
       [](ServerConfig& c, const std::string& v) { return ParseInt(v, 1, 1'000'000, c.http_max_connections); }},
      {"http-connections-per-address", "SATISFACTION_HTTP_CONNECTIONS_PER_ADDRESS",
       "HTTP connections one client address may hold; beyond it new ones are answered\n"
       "503 and closed (default 64). Behind a proxy every client has the proxy's\n"
       "address: raise it to --http-max-connections there",
       [](ServerConfig& c, const std::string& v) { return ParseInt(v, 1, 1'000'000, c.http_connections_per_address); }},
      {"http-request-timeout", "SATISFACTION_HTTP_REQUEST_TIMEOUT",
       "How long an HTTP request's head and body may take to arrive, from its first\n"
       "byte, before 408 and the connection closes; also the bound on writing an\n"
       "answer (default 10s)",
       [](ServerConfig& c, const std::string& v) {
         return ParseDurationValue(v, absl::Seconds(1), absl::Minutes(10), c.http_request_timeout);
       }},
      {"http-idle-timeout", "SATISFACTION_HTTP_IDLE_TIMEOUT",
       "How long an HTTP connection, new or kept alive, may wait for a request before\n"
       "it is closed (default 5s)",
       [](ServerConfig& c, const std::string& v) {
         return ParseDurationValue(v, absl::Seconds(1), absl::Minutes(10), c.http_idle_timeout);
       }},
      {"http-workers", "SATISFACTION_HTTP_WORKERS",
       "Threads answering survey pages and submissions (which use the database);\n"
       "beyond 16 requests waiting per thread, 503 (default 16)",
       [](ServerConfig& c, const std::string& v) { return ParseInt(v, 1, 1024, c.http_workers); }},
      {"public-url", "SATISFACTION_PUBLIC_URL",
       "Where customers reach the HTTP face, e.g. https://survey.example.com: message links\n"
       "read <public-url>/s/<token> (default http://<http-listen>)",
       [](ServerConfig& c, const std::string& v) {
         std::string url(absl::StripSuffix(v, "/"));
         bool scheme = absl::StartsWith(url, "https://") || absl::StartsWith(url, "http://");
         if (!scheme || url.find_first_of(" \t\r\n?#") != std::string::npos || url.size() > 200) {
           return absl::InvalidArgumentError(
               "must be an http:// or https:// URL without query, e.g. https://survey.example.com");
         }
         c.public_url = url;
         return absl::OkStatus();
       }},
      {"db-pool-size", "SATISFACTION_DB_POOL_SIZE", "Database sessions, and so concurrent calls (default 16)",
       [](ServerConfig& c, const std::string& v) { return ParseInt(v, 1, 1024, c.db_pool_size); }},
      {"db-wait", "SATISFACTION_DB_WAIT",
       "How long a call waits for a free database session before RESOURCE_EXHAUSTED (default 5s)",
       [](ServerConfig& c, const std::string& v) {
         return ParseDurationValue(v, absl::Milliseconds(1), absl::Minutes(5), c.db_wait);
       }},
      {"db-startup-wait", "SATISFACTION_DB_STARTUP_WAIT",
       "How long start-up waits for an unreachable database (default 60s)",
       [](ServerConfig& c, const std::string& v) {
         return ParseDurationValue(v, absl::ZeroDuration(), absl::Hours(1), c.db_startup_wait);
       }},
      {"log-level", "SATISFACTION_LOG_LEVEL", "trace, debug, info, warn, error or off (default info)",
       [](ServerConfig& c, const std::string& v) {
         for (const char* level : {"trace", "debug", "info", "warn", "error", "off"}) {
           if (v == level) {
             c.log_level = v;
             return absl::OkStatus();
           }
         }
         return absl::InvalidArgumentError("must be trace, debug, info, warn, error or off");
       }},
      {"log-format", "SATISFACTION_LOG_FORMAT",
       "text (time, level, message) or json: one JSON object a line, each call's\n"
       "method, status, duration_ms and request_id as keys of their own (default text)",
       [](ServerConfig& c, const std::string& v) {
         std::optional<LogFormat> format = ParseLogFormat(v);
         if (!format.has_value()) return absl::InvalidArgumentError("must be text or json");
         c.log_format = *format;
         return absl::OkStatus();
       }},
      {"templates-dir", "SATISFACTION_TEMPLATES_DIR",
       "Folder with questionnaires/, revisit_rules/ and messages/, loaded once at start\n"
       "(default ./templates); empty: none, and no messages can be sent",
       [](ServerConfig& c, const std::string& v) {
         c.templates_dir = v;
         return absl::OkStatus();
       }},
      {"max-message-bytes", "SATISFACTION_MAX_MESSAGE_BYTES", "Largest gRPC message received or sent (default 4194304)",
       [](ServerConfig& c, const std::string& v) { return ParseInt(v, 1024, 64 << 20, c.max_message_bytes); }},
      {"reserved-callback-grace", "SATISFACTION_RESERVED_CALLBACK_GRACE",
       "How overdue a callback reserved for an agent may be before any agent of its queue\n"
       "gets it (default 2h)",
       [](ServerConfig& c, const std::string& v) {
         return ParseDurationValue(v, absl::ZeroDuration(), absl::Hours(24 * 30), c.reserved_callback_grace);
       }},
      {"report-time-zone", "SATISFACTION_REPORT_TIME_ZONE",
       "The operator's IANA time zone, whose days satisfaction figures are counted in\n"
       "(default Asia/Shanghai)",
       [](ServerConfig& c, const std::string& v) {
         if (v.empty() || !absl::LoadTimeZone(v, &c.report_time_zone)) {
           return absl::InvalidArgumentError("unknown IANA time zone");
         }
         return absl::OkStatus();
       }},
      {"maintenance-interval", "SATISFACTION_MAINTENANCE_INTERVAL",
       "How often time-driven work runs, e.g. customers turning dormant (default 60s)",
       [](ServerConfig& c, const std::string& v) {
         return ParseDurationValue(v, absl::Seconds(1), absl::Hours(24), c.maintenance_interval);
       }},
      {"key-rate-limit", "SATISFACTION_KEY_RATE_LIMIT",
       "Calls a minute each API key may make unless the key sets its own, with bursts\n"
       "of a tenth of that (default 6000)",
       [](ServerConfig& c, const std::string& v) { return ParseInt(v, 1, 10'000'000, c.key_rate_limit); }},
      {"key-cache-ttl", "SATISFACTION_KEY_CACHE_TTL",
       "How long a server trusts an API key it checked; a key revoked through another\n"
       "server works here until then (default 10s)",
       [](ServerConfig& c, const std::string& v) {
         return ParseDurationValue(v, absl::ZeroDuration(), absl::Hours(1), c.key_cache_ttl);
       }},
      {"dashboard-session-lifetime", "SATISFACTION_DASHBOARD_SESSION_LIFETIME",
       "How long a sign-in to /dashboard lasts before the key must be typed again\n"
       "(default 8h; 5m to 720h)",
       [](ServerConfig& c, const std::string& v) {
         return ParseDurationValue(v, absl::Minutes(5), absl::Hours(720), c.dashboard_session_lifetime);
       }},
      {"audit-retention", "SATISFACTION_AUDIT_RETENTION",
       "How long the audit log keeps an event, e.g. 8760h for a year (default 0: for ever)",
       [](ServerConfig& c, const std::string& v) {
         return ParseDurationValue(v, absl::ZeroDuration(), absl::Hours(24 * 365 * 100), c.audit_retention);
       }},
      {"reflection", "SATISFACTION_REFLECTION", "Serve gRPC server reflection: on or off (default on)",
       [](ServerConfig& c, const std::string& v) {
         if (v != "on" && v != "off") return absl::InvalidArgumentError("must be on or off");
         c.reflection = v == "on";
         return absl::OkStatus();
       }},
      {"tls-cert", "SATISFACTION_TLS_CERT",
       "PEM certificate chain for gRPC over TLS (with --tls-key); default: plain text",
       [](ServerConfig& c, const std::string& v) {
         c.tls_cert = v;
         return absl::OkStatus();
       }},
      {"tls-key", "SATISFACTION_TLS_KEY", "PEM private key of --tls-cert",
       [](ServerConfig& c, const std::string& v) {
         c.tls_key = v;
         return absl::OkStatus();
       }},
      {"tls-client-ca", "SATISFACTION_TLS_CLIENT_CA",
       "PEM CA certificates: gRPC clients must present a certificate one of them signed\n"
       "(needs --tls-cert); default: no client certificates asked for",
       [](ServerConfig& c, const std::string& v) {
         c.tls_client_ca = v;
         return absl::OkStatus();
       }},
      {"shutdown-grace", "SATISFACTION_SHUTDOWN_GRACE",
       "On SIGTERM or SIGINT, how long calls in flight may take to finish (default 10s)",
       [](ServerConfig& c, const std::string& v) {
         return ParseDurationValue(v, absl::ZeroDuration(), absl::Minutes(10), c.shutdown_grace);
       }},
  };
  return settings;
}

}  // namespace

std::string UsageText() {
  std::string text =
      "Usage: satisfaction-server [FLAGS]\n"
      "Serves satisfaction surveys and revisits over gRPC (satisfaction.v1), with\n"
      "the standard health service and server reflection.\n\n"
      "Each flag can also be set by its environment variable; a flag wins.\n\n";
  for (const Setting& setting : Settings()) {
    absl::StrAppend(&text, "  --", setting.flag, "=VALUE   (", setting.env, ")\n");
    std::string help = setting.help;
    size_t start = 0;
    while (start <= help.size()) {
      size_t end = help.find('\n', start);
      if (end == std::string::npos) end = help.size();
      absl::StrAppend(&text, "      ", help.substr(start, end - start), "\n");
      start = end + 1;
    }
  }
  absl::StrAppend(&text,
                  "  SATISFACTION_BOOTSTRAP_ADMIN_KEY (environment only)\n"
                  "      On a first start (no API keys yet), create an admin key from this\n"
                  "      value: 32 to 256 printable characters.\n");
  absl::StrAppend(&text, "  --help      Show this text.\n  --version   Show the version.\n");
  return text;
}

absl::StatusOr<CommandLine> ParseCommandLine(int argc, char** argv,
                                             const std::function<const char*(const char*)>& getenv) {
  CommandLine result;
  const std::vector<Setting>& settings = Settings();
  for (const Setting& setting : settings) {
    if (const char* value = getenv(setting.env); value != nullptr) {
      if (absl::Status s = setting.apply(result.config, value); !s.ok()) return Bad(setting.env, s.message());
    }
  }

  std::vector<option> options;
  for (size_t i = 0; i < settings.size(); ++i) {
    options.push_back({settings[i].flag, required_argument, nullptr, static_cast<int>(i)});
  }
  const int kHelp = static_cast<int>(settings.size());
  const int kVersion = kHelp + 1;
  options.push_back({"help", no_argument, nullptr, kHelp});
  options.push_back({"version", no_argument, nullptr, kVersion});
  options.push_back({nullptr, 0, nullptr, 0});

  optind = 0;  // getopt keeps state between calls; 0 starts it afresh
  opterr = 0;  // errors are reported by the caller, once
  while (true) {
    int index = getopt_long(argc, argv, "", options.data(), nullptr);
    if (index == -1) break;
    if (index == kHelp) {
      result.show_help = true;
    } else if (index == kVersion) {
      result.show_version = true;
    } else if (index >= 0 && index < kHelp) {
      if (absl::Status s = settings[index].apply(result.config, optarg); !s.ok()) {
        return Bad(absl::StrCat("--", settings[index].flag), s.message());
      }
    } else {
      std::string arg = optind > 0 && optind <= argc ? argv[optind - 1] : "?";
      return absl::InvalidArgumentError(absl::StrCat("unknown flag or missing value: ", arg, " (see --help)"));
    }
  }
  if (optind < argc) {
    return absl::InvalidArgumentError(absl::StrCat("unexpected argument: ", argv[optind], " (see --help)"));
  }
  const ServerConfig& config = result.config;
  if (config.tls_cert.empty() != config.tls_key.empty()) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key: give both or neither");
  }
  if (!config.tls_client_ca.empty() && config.tls_cert.empty()) {
    return absl::InvalidArgumentError("--tls-client-ca: needs --tls-cert and --tls-key");
  }
  if (config.http_connections_per_address > config.http_max_connections) {
    return absl::InvalidArgumentError(
        absl::StrCat("--http-connections-per-address (", config.http_connections_per_address,
                     ") must not exceed --http-max-connections (", config.http_max_connections, ")"));
  }
  if (const char* key = getenv(kBootstrapAdminKeyVariable); key != nullptr && *key != '\0') {
    if (absl::Status s = CheckBootstrapAdminKey(key); !s.ok()) return Bad(kBootstrapAdminKeyVariable, s.message());
    result.config.bootstrap_admin_key = key;
  }
  return result;
}

}  // namespace satisfaction::server
