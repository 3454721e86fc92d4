#ifndef SATISFACTION_TESTS_E2E_HEALTH_CHECKS_H_
#define SATISFACTION_TESTS_E2E_HEALTH_CHECKS_H_

#include <grpcpp/grpcpp.h>

#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/e2e/test_server.h"

namespace satisfaction::test_support {

// The server's overall health (grpc.health.v1, service ""); UNKNOWN if it does not answer.
inline grpc::health::v1::HealthCheckResponse::ServingStatus Health(grpc::health::v1::Health::Stub& health) {
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = health.Check(Context(absl::Seconds(5)).get(), request, &response);
  return status.ok() ? response.status() : grpc::health::v1::HealthCheckResponse::UNKNOWN;
}

// Polls until `health` reports `wanted`, for at most `limit`.
inline bool AwaitHealth(grpc::health::v1::Health::Stub& health,
                        grpc::health::v1::HealthCheckResponse::ServingStatus wanted, absl::Duration limit) {
  absl::Time give_up = absl::Now() + limit;
  while (absl::Now() < give_up) {
    if (Health(health) == wanted) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return false;
}

}  // namespace satisfaction::test_support

#endif  // SATISFACTION_TESTS_E2E_HEALTH_CHECKS_H_
