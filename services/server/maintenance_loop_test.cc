#include "services/server/maintenance_loop.h"

#include <atomic>

#include "gtest/gtest.h"

namespace satisfaction::server {
namespace {

TEST(MaintenanceLoop, RunsFullBatchesUntilTheWorkIsDone) {
  int remaining = 1234;
  std::vector<int> batches;
  MaintenanceLoop loop({{.name = "drain",
                         .run = [&](absl::Time) -> absl::StatusOr<int> {
                           int batch = std::min(remaining, 500);
                           remaining -= batch;
                           batches.push_back(batch);
                           return batch;
                         },
                         .batch_size = 500}},
                       absl::Hours(1));
  loop.RunOnce();
  EXPECT_EQ(remaining, 0);
  EXPECT_EQ(batches, (std::vector<int>{500, 500, 234}));
}

TEST(MaintenanceLoop, AFailingJobDoesNotStopTheOthers) {
  int other_runs = 0;
  MaintenanceLoop loop(
      {{.name = "broken",
        .run = [](absl::Time) -> absl::StatusOr<int> { return absl::UnavailableError("database down"); }},
       {.name = "fine",
        .run = [&](absl::Time) -> absl::StatusOr<int> {
          ++other_runs;
          return 0;
        }}},
      absl::Hours(1));
  loop.RunOnce();
  EXPECT_EQ(other_runs, 1);
}

TEST(MaintenanceLoop, RunsEveryIntervalUntilStopped) {
  std::atomic<int> rounds{0};
  MaintenanceLoop loop({{.name = "count",
                         .run = [&](absl::Time) -> absl::StatusOr<int> {
                           ++rounds;
                           return 0;
                         }}},
                       absl::Milliseconds(10));
  loop.Start();
  absl::Time give_up = absl::Now() + absl::Seconds(30);
  while (rounds.load() < 3 && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(5));
  loop.Stop();
  int after_stop = rounds.load();
  EXPECT_GE(after_stop, 3);
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(rounds.load(), after_stop) << "no round after Stop";
}

}  // namespace
}  // namespace satisfaction::server
