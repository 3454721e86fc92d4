#ifndef SATISFACTION_SERVICES_STORAGE_GROUP_COMMIT_H_
#define SATISFACTION_SERVICES_STORAGE_GROUP_COMMIT_H_

#include <cstddef>
#include <deque>
#include <functional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "services/storage/database_observer.h"

namespace satisfaction::storage {

// Commits concurrent callers' work together. A durable commit costs about the
// same for one row as for fifty, and rows every caller updates (aggregates)
// stay locked until the commit, so one transaction per caller leaves them
// taking turns one commit at a time.
//
// Callers queue entries; `committers` threads of its own each take up to
// `max_batch` queued entries at a time and run `commit` on them, then tell
// each entry's caller. Entries that arrive meanwhile wait for the next batch.
// No timer: under light load a batch holds one entry and waits for nobody.
// `commit` must set each entry's result and must not throw. Thread-safe.
template <typename Entry>
class GroupCommit {
 public:
  using Commit = std::function<void(const std::vector<Entry*>&)>;
  using Done = absl::AnyInvocable<void() &&>;

  // `observer` (may be null) hears of each batch as `writer`.
  GroupCommit(size_t max_batch, int committers, Commit commit, DatabaseObserver* observer = nullptr,
              const char* writer = "")
      : max_batch_(max_batch), commit_(std::move(commit)), observer_(observer), writer_(writer) {
    for (int i = 0; i < committers; ++i) threads_.emplace_back([this] { CommitLoop(); });
  }
  // Commits what is queued, then stops.
  ~GroupCommit() {
    {
      absl::MutexLock lock(&mutex_);
      stopping_ = true;
    }
    for (std::thread& thread : threads_) thread.join();
  }
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Queues `entry`; `done` runs on a committer thread once the batch holding
  // it is done. Nothing waits in the meantime (for asynchronous callers).
  void Submit(Entry& entry, Done done) {
    absl::MutexLock lock(&mutex_);
    queue_.push_back({&entry, std::move(done)});
  }

  // Queues `entry` and returns once the batch holding it is done.
  void Run(Entry& entry) {
    absl::Notification done;
    Submit(entry, [&done] { done.Notify(); });
    done.WaitForNotification();
  }

  // How many entries wait for a batch.
  size_t waiting() {
    absl::MutexLock lock(&mutex_);
    return queue_.size();
  }

 private:
  struct Queued {
    Entry* entry;
    Done done;
  };

  bool HasWork() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) { return !queue_.empty() || stopping_; }

  void CommitLoop() {
    std::vector<Queued> batch;
    std::vector<Entry*> entries;
    size_t waiting = 0;
    while (true) {
      batch.clear();
      {
        absl::MutexLock lock(&mutex_);
        mutex_.Await(absl::Condition(this, &GroupCommit::HasWork));
        if (queue_.empty()) return;  // stopping, and nothing left
        while (!queue_.empty() && batch.size() < max_batch_) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
        waiting = queue_.size();
      }
      entries.clear();
      for (Queued& queued : batch) entries.push_back(queued.entry);
      commit_(entries);
      if (observer_ != nullptr) observer_->BatchCommitted(writer_, batch.size(), waiting);
      for (Queued& queued : batch) std::move(queued.done)();
    }
  }

  const size_t max_batch_;
  const Commit commit_;
  DatabaseObserver* const observer_;
  const char* const writer_;
  absl::Mutex mutex_;
  std::deque<Queued> queue_ ABSL_GUARDED_BY(mutex_);
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::vector<std::thread> threads_;  // last: they start once the rest is ready
};

}  // namespace satisfaction::storage

#endif  // SATISFACTION_SERVICES_STORAGE_GROUP_COMMIT_H_
