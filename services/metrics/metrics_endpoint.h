#ifndef SATISFACTION_SERVICES_METRICS_METRICS_ENDPOINT_H_
#define SATISFACTION_SERVICES_METRICS_METRICS_ENDPOINT_H_

#include <prometheus/exposer.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace satisfaction::metrics {

// Serves a registry in the Prometheus text format at GET /metrics on its own
// port (prometheus-cpp's exposer); any other path is answered 404. Scrapes
// run on the exposer's own threads, never the service's.
class MetricsEndpoint {
 public:
  // Binds `listen` (HOST:PORT, port 0 for any free one); UNAVAILABLE if it cannot.
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Start(const std::string& listen,
                                                                const std::shared_ptr<prometheus::Registry>& registry);

  int port() const { return port_; }

 private:
  MetricsEndpoint(std::unique_ptr<prometheus::Exposer> exposer, int port)
      : exposer_(std::move(exposer)), port_(port) {}

  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_;
};

}  // namespace satisfaction::metrics

#endif  // SATISFACTION_SERVICES_METRICS_METRICS_ENDPOINT_H_
