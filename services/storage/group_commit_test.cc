#include "services/storage/group_commit.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace satisfaction::storage {
namespace {

struct Entry {
  int value = 0;
  int result = 0;
  int batches = 0;  // how many batches held it
};

TEST(GroupCommitTest, EntriesThatQueueMeanwhileAreCommittedTogetherEachOnce) {
  absl::Notification first_started, release_first;
  std::atomic<int> calls{0};
  std::vector<size_t> batch_sizes;  // written by one committer at a time
  GroupCommit<Entry> commits(/*max_batch=*/4, /*max_committers=*/1, [&](const std::vector<Entry*>& batch) {
    batch_sizes.push_back(batch.size());
    if (calls++ == 0) {
      first_started.Notify();
      release_first.WaitForNotification();
    }
    for (Entry* entry : batch) {
      entry->result = entry->value * 2;
      ++entry->batches;
    }
  });

  std::vector<Entry> entries(11);
  for (int i = 0; i < 11; ++i) entries[i].value = i + 1;
  std::vector<std::thread> threads;
  threads.emplace_back([&] { commits.Run(entries[0]); });
  first_started.WaitForNotification();
  for (int i = 1; i < 11; ++i) threads.emplace_back([&, i] { commits.Run(entries[i]); });
  // The other ten wait while the first batch commits.
  while (commits.waiting() < 10) std::this_thread::yield();
  release_first.Notify();
  for (std::thread& thread : threads) thread.join();

  for (const Entry& entry : entries) {
    EXPECT_EQ(entry.result, entry.value * 2);
    EXPECT_EQ(entry.batches, 1) << "entry " << entry.value;
  }
  // The first alone, then the ten waiting in batches of at most four.
  EXPECT_EQ(batch_sizes, (std::vector<size_t>{1, 4, 4, 2}));
  EXPECT_EQ(commits.waiting(), 0u);
}

TEST(GroupCommitTest, NoMoreBatchesThanCommittersAreUnderWayAtOnce) {
  std::atomic<int> under_way{0}, most_under_way{0};
  GroupCommit<Entry> commits(/*max_batch=*/8, /*max_committers=*/2, [&](const std::vector<Entry*>& batch) {
    int now = ++under_way;
    for (int seen = most_under_way.load(); now > seen && !most_under_way.compare_exchange_weak(seen, now);) {
    }
    std::this_thread::yield();
    for (Entry* entry : batch) {
      entry->result = entry->value + 1;
      ++entry->batches;
    }
    --under_way;
  });
  std::vector<Entry> entries(400);
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = t; i < entries.size(); i += 16) {
        entries[i].value = static_cast<int>(i);
        commits.Run(entries[i]);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const Entry& entry : entries) {
    EXPECT_EQ(entry.result, entry.value + 1);
    EXPECT_EQ(entry.batches, 1);
  }
  EXPECT_LE(most_under_way.load(), 2);
  EXPECT_GE(most_under_way.load(), 1);
}

TEST(GroupCommitTest, QueuedEntriesAreCommittedAndToldBeforeItStops) {
  std::vector<Entry> entries(20);
  std::atomic<int> told{0};
  {
    GroupCommit<Entry> commits(/*max_batch=*/8, /*max_committers=*/1, [](const std::vector<Entry*>& batch) {
      for (Entry* entry : batch) entry->result = 1;
    });
    for (Entry& entry : entries) commits.Submit(entry, [&told] { ++told; });
  }
  EXPECT_EQ(told.load(), 20);
  for (const Entry& entry : entries) EXPECT_EQ(entry.result, 1);
}

}  // namespace
}  // namespace satisfaction::storage
