#ifndef SATISFACTION_SERVICES_SERVER_TUNABLES_H_
#define SATISFACTION_SERVICES_SERVER_TUNABLES_H_

#include "absl/time/time.h"

// The server's fixed numbers, named in one place: not flags (an operator has
// no reason to change them), but each a choice someone may revisit.
namespace satisfaction::server::tunables {

// Rows a maintenance job handles per transaction; a full batch is followed at
// once by another, so these bound a transaction, not the work of a round.
inline constexpr int kReclassifyBatch = 500;
inline constexpr int kPeriodicCareBatch = 200;
inline constexpr int kContactPolicyReplanBatch = 500;
inline constexpr int kLeaseExpiryBatch = 500;
inline constexpr int kAuditRetentionBatch = 1000;
// Expired dashboard sessions deleted per maintenance round.
inline constexpr int kDashboardSessionBatch = 1000;

// A low-score recovery call still planned this long past --reserved-callback-grace
// after its due time counts as overdue in the metrics: nobody has called back.
inline constexpr absl::Duration kRecoveryOverdueBeyondGrace = absl::Hours(1);

// Customers committed per transaction during ImportCustomers.
inline constexpr size_t kImportBatch = 500;

// How often WatchCallbacks counts the callbacks due: a cheap indexed query,
// and a dialer needs no more than seconds' notice.
inline constexpr absl::Duration kWatchCallbacksInterval = absl::Seconds(1);

// The survey site lets a client burst to this share of its minute's allowance.
inline constexpr int kHttpBurstDivisor = 3;

// Waiting for the database at start-up: the first pause between attempts and
// the longest, doubling in between.
inline constexpr absl::Duration kStartupRetryFirstPause = absl::Milliseconds(200);
inline constexpr absl::Duration kStartupRetryLongestPause = absl::Seconds(5);

// gRPC's sync server threads: at least this many, or this many per pooled
// session (see BuildGrpcServer for why so many).
inline constexpr int kMinGrpcThreads = 1024;
inline constexpr int kGrpcThreadsPerSession = 8;

}  // namespace satisfaction::server::tunables

#endif  // SATISFACTION_SERVICES_SERVER_TUNABLES_H_
