#ifndef SATISFACTION_SERVICES_ANALYTICS_AGGREGATE_REBUILD_H_
#define SATISFACTION_SERVICES_ANALYTICS_AGGREGATE_REBUILD_H_

#include <string>

#include "absl/status/statusor.h"
#include "services/storage/database.h"

namespace satisfaction::analytics {

// What a rebuild found and wrote.
struct RebuildCounts {
  long long responses = 0, buckets = 0;
  long long funnel_revisits = 0;  // survey revisits counted into the funnel's totals
};

// Recomputes a questionnaire's aggregates (response_rollups and those derived
// from it) from its raw responses and answers, and its funnel counts
// (revisit_funnel_rollups) from its survey revisits, replacing what was there
// (the rows of every slot, by rows in slot 0): the repair after aggregates
// and raw rows disagree (a restore, a manual fix). Days stay those recorded
// with each response. On MariaDB it goes a month of days at a time, each in
// its own transaction: a writer (on any server) for days being recounted
// waits at its aggregate update and is then counted once; on SQLite one write
// transaction keeps writers out. NOT_FOUND for an unknown questionnaire.
absl::StatusOr<RebuildCounts> RebuildAggregates(storage::Database& database, const std::string& questionnaire_id);

}  // namespace satisfaction::analytics

#endif  // SATISFACTION_SERVICES_ANALYTICS_AGGREGATE_REBUILD_H_
