// satisfaction-server: reads its configuration, starts the service and runs
// until SIGTERM or SIGINT, then shuts down gracefully.
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "absl/debugging/failure_signal_handler.h"
#include "absl/debugging/symbolize.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "services/common/log_format.h"
#include "services/server/malloc_tuning.h"
#include "services/server/satisfaction_server.h"
#include "services/server/server_config.h"
#include "services/server/version.h"

namespace {

using satisfaction::server::kServerVersion;

// Each HTTP connection takes a file descriptor, and a shell's soft limit is
// often 1024: take what the hard limit allows, and say if that is too few.
void RaiseOpenFileLimit(int http_max_connections) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) getrlimit(RLIMIT_NOFILE, &limit);
  }
  // Beyond the HTTP connections: gRPC's, the database's, the log's.
  constexpr rlim_t kOtherDescriptors = 256;
  if (limit.rlim_cur < static_cast<rlim_t>(http_max_connections) + kOtherDescriptors) {
    spdlog::warn(
        "only {} open files are allowed, fewer than --http-max-connections ({}) needs; raise LimitNOFILE "
        "or ulimit -n",
        limit.rlim_cur, http_max_connections);
  }
}

int Run(int argc, char** argv) {
  // Debian's Abseil checks every mutex acquisition for lock-order cycles (a
  // debugging aid costing a graph update per lock, gRPC's locks included).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::StatusOr<satisfaction::server::CommandLine> command_line =
      satisfaction::server::ParseCommandLine(argc, argv, [](const char* name) { return std::getenv(name); });
  if (!command_line.ok()) {
    std::cerr << "satisfaction-server: " << command_line.status().message() << "\n";
    return 2;
  }
  if (command_line->show_help) {
    std::cout << satisfaction::server::UsageText();
    return 0;
  }
  if (command_line->show_version) {
    std::cout << "satisfaction-server " << kServerVersion << "\n";
    return 0;
  }
  const satisfaction::server::ServerConfig& config = command_line->config;
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  satisfaction::InstallLogFormat(config.log_format);
  if (!config.http_listen.empty()) RaiseOpenFileLimit(config.http_max_connections);

  // Block the stop signals in every thread; one thread of our own waits for them.
  // The first asks for a graceful stop, a second one ends the process at once.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  absl::Notification stop;
  std::thread([&stop, stop_signals] {
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    spdlog::info("received {}, shutting down", strsignal(signal_number));
    stop.Notify();
    sigwait(&stop_signals, &signal_number);
    spdlog::warn("received {} again, exiting at once", strsignal(signal_number));
    std::_Exit(1);
  }).detach();

  absl::StatusOr<std::unique_ptr<satisfaction::server::SatisfactionServer>> server =
      satisfaction::server::SatisfactionServer::Start(config, &stop);
  if (!server.ok()) {
    if (stop.HasBeenNotified()) return 0;
    spdlog::critical("cannot start: {}", server.status().ToString());
    return 1;
  }
  spdlog::info("satisfaction-server {} serving gRPC on {} (port {}){}{}", kServerVersion, config.grpc_listen,
               (*server)->grpc_port(),
               config.http_listen.empty()
                   ? std::string()
                   : " and HTTP on " + config.http_listen + " (port " + std::to_string((*server)->http_port()) + ")",
               config.metrics_listen.empty() ? std::string()
                                             : ", metrics on " + config.metrics_listen + " (port " +
                                                   std::to_string((*server)->metrics_port()) + ")");

  stop.WaitForNotification();
  spdlog::info("stopping: calls in flight get up to {}", absl::FormatDuration(config.shutdown_grace));
  (*server)->Shutdown(config.shutdown_grace);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  satisfaction::server::TuneMalloc();
  // A crash leaves its signal and stack on stderr, in the server's log.
  absl::InitializeSymbolizer(argv[0]);
  absl::InstallFailureSignalHandler({});
  return Run(argc, argv);
}
