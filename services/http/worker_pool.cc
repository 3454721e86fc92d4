#include "services/http/worker_pool.h"

namespace satisfaction::http {

WorkerPool::WorkerPool(int threads, int queue_capacity) : queue_capacity_(queue_capacity) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
}

WorkerPool::~WorkerPool() { Stop(); }

bool WorkerPool::TrySubmit(std::function<void()> task) {
  absl::MutexLock lock(&mutex_);
  if (stopping_ || queue_.size() >= queue_capacity_) return false;
  queue_.push_back(std::move(task));
  return true;
}

void WorkerPool::Stop() {
  std::deque<std::function<void()>> dropped;
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
    dropped.swap(queue_);
  }
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  // Destroyed here, outside the lock: a task may own what releases other locks.
  dropped.clear();
}

void WorkerPool::Work() {
  while (true) {
    std::function<void()> task;
    {
      absl::MutexLock lock(&mutex_);
      mutex_.Await(absl::Condition(
          +[](WorkerPool* pool)
               ABSL_EXCLUSIVE_LOCKS_REQUIRED(pool->mutex_) { return pool->stopping_ || !pool->queue_.empty(); },
          this));
      if (stopping_) return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

}  // namespace satisfaction::http
