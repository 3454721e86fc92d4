#include "services/http/worker_pool.h"

#include <atomic>

#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace satisfaction::http {
namespace {

TEST(WorkerPool, RunsEveryTaskItTakes) {
  WorkerPool pool(/*threads=*/3, /*queue_capacity=*/100);
  std::atomic<int> ran{0};
  absl::BlockingCounter done(50);
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(pool.TrySubmit([&] {
      ran.fetch_add(1);
      done.DecrementCount();
    }));
  }
  done.Wait();
  EXPECT_EQ(ran.load(), 50);
}

TEST(WorkerPool, AFullQueueRefusesAtOnce) {
  WorkerPool pool(/*threads=*/1, /*queue_capacity=*/2);
  absl::Notification started, release;
  ASSERT_TRUE(pool.TrySubmit([&] {
    started.Notify();
    release.WaitForNotification();
  }));
  started.WaitForNotification();  // the one thread is busy; the queue is empty
  EXPECT_TRUE(pool.TrySubmit([] {}));
  EXPECT_TRUE(pool.TrySubmit([] {}));
  EXPECT_FALSE(pool.TrySubmit([] {})) << "two wait already";
  release.Notify();
}

TEST(WorkerPool, StopFinishesRunningTasksAndDropsWaitingOnes) {
  WorkerPool pool(/*threads=*/1, /*queue_capacity=*/100'000);
  absl::Notification started, release;
  std::atomic<bool> running_finished{false};
  std::atomic<int> waiting_ran{0};
  ASSERT_TRUE(pool.TrySubmit([&] {
    started.Notify();
    release.WaitForNotification();
    running_finished = true;
  }));
  started.WaitForNotification();
  std::thread stopper([&] { pool.Stop(); });
  // Queue tasks until the pool refuses them: then Stop() has begun, and has
  // dropped every one of them while the running task still runs.
  while (pool.TrySubmit([&] { waiting_ran.fetch_add(1); })) absl::SleepFor(absl::Milliseconds(1));
  release.Notify();
  stopper.join();
  EXPECT_TRUE(running_finished.load());
  EXPECT_EQ(waiting_ran.load(), 0);
  EXPECT_FALSE(pool.TrySubmit([] {})) << "a stopped pool takes nothing";
  pool.Stop();  // again: nothing to do
}

}  // namespace
}  // namespace satisfaction::http
