#ifndef SATISFACTION_SERVICES_SERVER_SERVER_CONFIG_H_
#define SATISFACTION_SERVICES_SERVER_SERVER_CONFIG_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/log_format.h"

namespace satisfaction::server {

// Asia/Shanghai, the default report time zone.
absl::TimeZone DefaultReportTimeZone();

// Everything an operator can set, from flags or environment variables, parsed
// once into typed values.
struct ServerConfig {
  std::string db_url = "sqlite3://var/satisfaction.db";
  std::string grpc_listen = "127.0.0.1:50051";
  // Empty: no HTTP face.
  std::string http_listen = "127.0.0.1:8080";
  // Where Prometheus scrapes GET /metrics; empty: no metrics at all.
  std::string metrics_listen = "127.0.0.1:9464";
  // Requests a minute each client may make of the survey site.
  int http_rate_limit = 60;
  // What the HTTP face holds (see http::HttpServerOptions): connections in all
  // and per client address, how long a request may take to arrive from its
  // first byte, how long a connection may wait for one, and the threads that
  // run its handlers.
  int http_max_connections = 2048;
  int http_connections_per_address = 64;
  absl::Duration http_request_timeout = absl::Seconds(10);
  absl::Duration http_idle_timeout = absl::Seconds(5);
  int http_workers = 16;
  // Where customers reach the HTTP face (survey links); empty: http://<http_listen>.
  std::string public_url;
  int db_pool_size = 16;
  absl::Duration db_wait = absl::Seconds(5);
  // How long start-up waits for an unreachable database before giving up.
  absl::Duration db_startup_wait = absl::Seconds(60);
  std::string log_level = "info";
  LogFormat log_format = LogFormat::kText;
  // Holds questionnaires/, revisit_rules/ and messages/; empty: load no templates.
  std::string templates_dir = "templates";
  int max_message_bytes = 4 << 20;
  absl::Duration shutdown_grace = absl::Seconds(10);
  // Often enough that health turns NOT_SERVING within 2 s of the database
  // (or its Galera node) failing.
  absl::Duration health_interval = absl::Seconds(1);
  // A callback reserved for an agent goes to anyone of its queue once overdue by this.
  absl::Duration reserved_callback_grace = absl::Hours(2);
  // The operator's IANA time zone: the days satisfaction figures are counted in.
  absl::TimeZone report_time_zone = DefaultReportTimeZone();
  // How often time-driven work runs (reclassifying customers, ...).
  absl::Duration maintenance_interval = absl::Seconds(60);

  // Access. From SATISFACTION_BOOTSTRAP_ADMIN_KEY only (a flag would show in
  // `ps`): the first start creates an admin key from it.
  std::string bootstrap_admin_key;
  // Calls a minute per API key whose own limit is 0.
  int key_rate_limit = 6000;
  // How long a checked key is trusted before it is looked up again: how long
  // a key revoked through another server still works here.
  absl::Duration key_cache_ttl = absl::Seconds(10);
  // How long a dashboard sign-in lasts.
  absl::Duration dashboard_session_lifetime = absl::Hours(8);
  // How long audit events are kept; zero: for ever.
  absl::Duration audit_retention = absl::ZeroDuration();
  // Server reflection (grpc.reflection.v1alpha); health is always served.
  bool reflection = true;
  // TLS for gRPC: PEM files. Empty: plain text (behind a TLS-terminating proxy,
  // or on loopback). With tls_client_ca, clients must present a certificate
  // that CA signed.
  std::string tls_cert, tls_key, tls_client_ca;
};

struct CommandLine {
  ServerConfig config;
  bool show_help = false;
  bool show_version = false;
};

// Reads the configuration: defaults, then SATISFACTION_* environment variables
// (looked up with `getenv`), then flags, which win. INVALID_ARGUMENT names the
// flag or variable that is wrong.
absl::StatusOr<CommandLine> ParseCommandLine(int argc, char** argv,
                                             const std::function<const char*(const char*)>& getenv);

// The --help text.
std::string UsageText();

}  // namespace satisfaction::server

#endif  // SATISFACTION_SERVICES_SERVER_SERVER_CONFIG_H_
