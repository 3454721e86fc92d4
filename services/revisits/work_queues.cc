#include "services/revisits/work_queues.h"

#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"
#include "satisfaction/v1/common.pb.h"
#include "satisfaction/v1/revisit.pb.h"
#include "services/common/enum_bridges.h"
#include "services/storage/query.h"

namespace satisfaction::revisits {
namespace {

// "sms" for CHANNEL_SMS.
std::string ChannelLabel(int stored) {
  v1::Channel channel = ProtoEnumOrUnspecified<v1::Channel>(stored);
  return absl::AsciiStrToLower(absl::StripPrefix(v1::Channel_Name(channel), "CHANNEL_"));
}

// Planned and due revisits grouped by `key` (a column), with the oldest due time.
std::vector<WorkQueues::Backlog> DueBy(storage::Transaction& tx, const char* sql, long long now_us,
                                       bool key_is_channel) {
  int planned = v1::REVISIT_STATE_PLANNED, phone = v1::CHANNEL_PHONE;
  std::string queue;
  int channel = 0;
  long long due = 0, oldest_us = 0;
  storage::Query rows(tx, sql);
  rows.Bind("planned", planned).Bind("phone", phone).Bind("now", now_us);
  if (key_is_channel) {
    rows.Into(channel);
  } else {
    rows.Into(queue);
  }
  rows.Into(due).Into(oldest_us).Start();
  std::vector<WorkQueues::Backlog> backlogs;
  while (rows.Next()) {
    backlogs.push_back({.name = key_is_channel ? ChannelLabel(channel) : queue,
                        .due = due,
                        .oldest_wait = absl::Microseconds(now_us - oldest_us)});
  }
  return backlogs;
}

}  // namespace

absl::StatusOr<WorkQueues> ReadWorkQueues(storage::Database& database, absl::Time now, absl::Duration reserved_grace,
                                          absl::Duration recovery_overdue_after) {
  return database.InTransaction<WorkQueues>(
      storage::Access::kRead, [&](storage::Transaction& tx) -> absl::StatusOr<WorkQueues> {
        long long now_us = absl::ToUnixMicros(now);
        WorkQueues queues;
        queues.callbacks_by_queue =
            DueBy(tx,
                  "SELECT queue, COUNT(*), MIN(due_at_us) FROM revisits WHERE state = :planned AND channel = :phone"
                  " AND due_at_us <= :now GROUP BY queue",
                  now_us, /*key_is_channel=*/false);
        queues.outbox_by_channel =
            DueBy(tx,
                  "SELECT channel, COUNT(*), MIN(due_at_us) FROM revisits WHERE state = :planned AND channel <> :phone"
                  " AND due_at_us <= :now GROUP BY channel",
                  now_us, /*key_is_channel=*/true);

        int planned = v1::REVISIT_STATE_PLANNED, leased = v1::REVISIT_STATE_LEASED, phone = v1::CHANNEL_PHONE,
            low_score = v1::TRIGGER_LOW_SCORE;
        long long reserved_cutoff_us = absl::ToUnixMicros(now - reserved_grace);
        long long overdue_cutoff_us = absl::ToUnixMicros(now - recovery_overdue_after);
        storage::Query reserved(tx,
                                "SELECT COUNT(*) FROM revisits WHERE state = :planned AND channel = :phone"
                                " AND reserved_agent_id <> '' AND due_at_us <= :cutoff");
        reserved.Bind("planned", planned).Bind("phone", phone);
        reserved.Bind("cutoff", reserved_cutoff_us);
        reserved.Into(queues.reserved_past_grace).Execute();

        storage::Query recoveries(tx,
                                  "SELECT COUNT(*), COALESCE(SUM(CASE WHEN state = :waiting AND due_at_us <= :overdue"
                                  " THEN 1 ELSE 0 END), 0) FROM revisits WHERE trigger_kind = :low"
                                  " AND state IN (:planned, :leased)");
        recoveries.Bind("waiting", planned).Bind("overdue", overdue_cutoff_us);
        recoveries.Bind("low", low_score).Bind("planned", planned).Bind("leased", leased);
        recoveries.Into(queues.recoveries_open).Into(queues.recoveries_overdue).Execute();
        return queues;
      });
}

}  // namespace satisfaction::revisits
