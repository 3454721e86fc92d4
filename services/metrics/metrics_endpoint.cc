#include "services/metrics/metrics_endpoint.h"

#include <exception>

#include "absl/strings/str_cat.h"

namespace satisfaction::metrics {

absl::StatusOr<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Start(
    const std::string& listen, const std::shared_ptr<prometheus::Registry>& registry) {
  std::unique_ptr<prometheus::Exposer> exposer;
  try {
    // One thread answers scrapes; a second lets a slow scraper not hold up the next.
    exposer = std::make_unique<prometheus::Exposer>(listen, 2);
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", listen, ": ", e.what()));
  }
  std::vector<int> ports = exposer->GetListeningPorts();
  if (ports.empty()) return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", listen));
  // Exactly /metrics: civetweb would also hand it /metrics/anything.
  exposer->RegisterCollectable(registry, "/metrics$");
  return std::unique_ptr<MetricsEndpoint>(new MetricsEndpoint(std::move(exposer), ports.front()));
}

}  // namespace satisfaction::metrics
