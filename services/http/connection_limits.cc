#include "services/http/connection_limits.h"

#include <cstdlib>

namespace satisfaction::http {

ConnectionLimits::Admission ConnectionLimits::Admit(const std::string& address) {
  absl::MutexLock lock(&mutex_);
  if (total_ >= max_connections_) return Admission::kServerFull;
  int& count = by_address_[address];
  if (count >= connections_per_address_) return Admission::kAddressFull;
  ++count;
  ++total_;
  return Admission::kAdmitted;
}

void ConnectionLimits::Release(const std::string& address) {
  absl::MutexLock lock(&mutex_);
  auto it = by_address_.find(address);
  if (it == by_address_.end()) std::abort();  // released but never admitted: a bug
  if (--it->second == 0) by_address_.erase(it);
  --total_;
}

int ConnectionLimits::open_connections() const {
  absl::MutexLock lock(&mutex_);
  return total_;
}

int ConnectionLimits::addresses() const {
  absl::MutexLock lock(&mutex_);
  return static_cast<int>(by_address_.size());
}

}  // namespace satisfaction::http
