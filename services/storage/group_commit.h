#ifndef SATISFACTION_SERVICES_STORAGE_GROUP_COMMIT_H_
#define SATISFACTION_SERVICES_STORAGE_GROUP_COMMIT_H_

#include <cstddef>
#include <deque>
#include <functional>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace satisfaction::storage {

// Commits concurrent callers' work together. A durable commit costs about the
// same for one row as for fifty, and rows every caller updates (aggregates)
// stay locked until the commit, so one transaction per caller leaves them
// taking turns one commit at a time.
//
// Each caller queues its entry and waits. While fewer than `max_committers`
// batches are under way, a waiting caller takes up to `max_batch` queued
// entries (its own among them when the queue is short) and runs `commit` on
// them; entries that arrive meanwhile wait for the next batch, whose first
// waiter is woken to lead it when a committer is free. No timer: under
// light load a batch holds one entry and waits for nobody. `commit` must set
// each entry's result and must not throw. Thread-safe.
template <typename Entry>
class GroupCommit {
 public:
  using Commit = std::function<void(const std::vector<Entry*>&)>;

  GroupCommit(size_t max_batch, int max_committers, Commit commit)
      : max_batch_(max_batch), max_committers_(max_committers), commit_(std::move(commit)) {}

  // How many entries wait for a batch.
  size_t waiting() {
    absl::MutexLock lock(&mutex_);
    return queue_.size();
  }

  // Returns once the batch holding `entry` is done.
  void Run(Entry& entry) {
    Waiter me{&entry};
    mutex_.Lock();
    queue_.push_back(&me);
    while (!me.done) {
      if (committers_ >= max_committers_ || queue_.empty()) {
        me.wake.Wait(&mutex_);
        continue;
      }
      ++committers_;
      std::vector<Waiter*> batch;
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
      mutex_.Unlock();
      std::vector<Entry*> entries;
      for (Waiter* waiter : batch) entries.push_back(waiter->entry);
      commit_(entries);
      mutex_.Lock();
      --committers_;
      // Each waiter is woken once: when its batch is done, or to lead the next.
      for (Waiter* waiter : batch) {
        waiter->done = true;
        if (waiter != &me) waiter->wake.Signal();
      }
      if (!queue_.empty() && !queue_.front()->done) queue_.front()->wake.Signal();
    }
    mutex_.Unlock();
  }

 private:
  struct Waiter {
    Entry* entry;
    bool done = false;
    absl::CondVar wake;
  };

  const size_t max_batch_;
  const int max_committers_;
  const Commit commit_;
  absl::Mutex mutex_;
  std::deque<Waiter*> queue_ ABSL_GUARDED_BY(mutex_);
  int committers_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace satisfaction::storage

#endif  // SATISFACTION_SERVICES_STORAGE_GROUP_COMMIT_H_
