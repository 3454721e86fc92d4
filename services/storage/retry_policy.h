#ifndef SATISFACTION_SERVICES_STORAGE_RETRY_POLICY_H_
#define SATISFACTION_SERVICES_STORAGE_RETRY_POLICY_H_

#include "absl/random/bit_gen_ref.h"
#include "absl/status/status.h"
#include "absl/time/time.h"

namespace satisfaction::storage {

// When a unit of work that failed runs again, whole, in a new transaction.
//
// A deadlock victim or a lock wait that timed out (ABORTED) is the database
// saying "try again": the work is re-run after a short random pause, so that
// the transactions that collided do not collide again in step. On a Galera
// cluster any write transaction may fail so at its commit; this is the one
// place that handles it.
struct RetryPolicy {
  // Runs of a unit of work at most, the first included; 1 turns retries off.
  // On a Galera cluster a claim near the end of a queue may lose at commit
  // to other nodes' claims several times in a row: four runs let one call in
  // 20,000 fail in callback_bench.
  int max_attempts = 6;
  // The pause before the first retry is random, up to `first_backoff`; the
  // bound doubles with each retry up to `max_backoff` ("full jitter").
  absl::Duration first_backoff = absl::Milliseconds(2);
  absl::Duration max_backoff = absl::Milliseconds(100);

  // Whether a run that ended with `status` is re-run; `duplicate_key_too`
  // for work that inserts a row unless it exists (see Access::kUpsert).
  bool ShouldRetry(const absl::Status& status, bool duplicate_key_too) const;
  // How long to pause before retry number `retry` (1 for the first).
  absl::Duration Backoff(int retry, absl::BitGenRef random) const;
};

}  // namespace satisfaction::storage

#endif  // SATISFACTION_SERVICES_STORAGE_RETRY_POLICY_H_
