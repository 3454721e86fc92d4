#ifndef SATISFACTION_SERVICES_ANALYTICS_FUNNEL_RECOUNT_H_
#define SATISFACTION_SERVICES_ANALYTICS_FUNNEL_RECOUNT_H_

#include <optional>
#include <string>
#include <utility>

#include "services/storage/transaction.h"

namespace satisfaction::analytics {

// Replaces a questionnaire's funnel counts (revisit_funnel_rollups) of the
// quarter-hours starting in [from_us, to_us) with counts from its survey
// revisits planned then, in slot 0, as revisits::FunnelCounts adds them:
// planned, marked reached, answered. Revisits that reached their customer by
// the raw rows (an answer, call or delivery stored behind the server's back)
// are marked first. On MariaDB it first locks the counts'
// rows of the range and the gaps between them, so that a writer for those
// quarter-hours waits at its upsert until the commit (and then adds to the
// new counts); the revisits are read, not locked, from the snapshot taken
// after the locks (see RebuildAggregates). Returns the revisits counted.
long long RecountFunnel(storage::Transaction& tx, const std::string& questionnaire_id, long long from_us,
                        long long to_us);

// The quarter-hours from the first to the last that the questionnaire's
// survey revisits or funnel counts name, as [first, after last) in
// microseconds; nullopt when neither names any.
std::optional<std::pair<long long, long long>> FunnelSpan(storage::Transaction& tx,
                                                          const std::string& questionnaire_id);

}  // namespace satisfaction::analytics

#endif  // SATISFACTION_SERVICES_ANALYTICS_FUNNEL_RECOUNT_H_
