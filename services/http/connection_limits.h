#ifndef SATISFACTION_SERVICES_HTTP_CONNECTION_LIMITS_H_
#define SATISFACTION_SERVICES_HTTP_CONNECTION_LIMITS_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace satisfaction::http {

// Counts open connections, in all and per client address, against two caps,
// so that one client (or a flood) cannot take every connection the server is
// willing to hold. Thread-safe.
class ConnectionLimits {
 public:
  enum class Admission { kAdmitted, kServerFull, kAddressFull };

  ConnectionLimits(int max_connections, int connections_per_address)
      : max_connections_(max_connections), connections_per_address_(connections_per_address) {}

  // Counts a new connection from `address` if both caps allow it.
  Admission Admit(const std::string& address);
  // Forgets an admitted connection from `address`.
  void Release(const std::string& address);

  int open_connections() const;
  // Addresses with a connection open: memory held is bounded by this.
  int addresses() const;

 private:
  const int max_connections_;
  const int connections_per_address_;
  mutable absl::Mutex mutex_;
  int total_ ABSL_GUARDED_BY(mutex_) = 0;
  absl::flat_hash_map<std::string, int> by_address_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace satisfaction::http

#endif  // SATISFACTION_SERVICES_HTTP_CONNECTION_LIMITS_H_
