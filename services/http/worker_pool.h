#ifndef SATISFACTION_SERVICES_HTTP_WORKER_POOL_H_
#define SATISFACTION_SERVICES_HTTP_WORKER_POOL_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace satisfaction::http {

// A fixed number of threads taking tasks from a bounded queue: the HTTP
// handlers that may block (on the database) run here, never on the threads
// that read and write sockets. A full queue refuses at once instead of
// letting requests wait without bound.
class WorkerPool {
 public:
  WorkerPool(int threads, int queue_capacity);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`; false (and `task` is dropped) when `queue_capacity` tasks
  // wait already, or the pool has stopped.
  bool TrySubmit(std::function<void()> task);

  // Lets the tasks running finish, drops those still waiting, and joins the
  // threads. Safe to call more than once.
  void Stop();

 private:
  void Work();

  const size_t queue_capacity_;
  absl::Mutex mutex_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mutex_);
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace satisfaction::http

#endif  // SATISFACTION_SERVICES_HTTP_WORKER_POOL_H_
