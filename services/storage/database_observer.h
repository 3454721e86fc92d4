#ifndef SATISFACTION_SERVICES_STORAGE_DATABASE_OBSERVER_H_
#define SATISFACTION_SERVICES_STORAGE_DATABASE_OBSERVER_H_

#include <cstddef>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace satisfaction::storage {

// What the pool and its transactions tell whoever watches them (the server's
// metrics). Called on the threads doing the work: implementations must be
// cheap and thread-safe.
class DatabaseObserver {
 public:
  virtual ~DatabaseObserver() = default;
  // A session was lent after waiting `waited` for one (zero: it was free).
  virtual void SessionLent(absl::Duration waited) = 0;
  virtual void SessionReturned() = 0;
  // No session came free within the wait: the work was refused.
  virtual void SessionRefused() = 0;
  // A unit of work met `conflict` and runs again.
  virtual void TransactionRetried(const absl::Status& conflict) = 0;
  // A group commit (`writer`) committed `batch` entries, leaving `waiting` queued.
  virtual void BatchCommitted(const char* writer, size_t batch, size_t waiting) = 0;
};

}  // namespace satisfaction::storage

#endif  // SATISFACTION_SERVICES_STORAGE_DATABASE_OBSERVER_H_
