#ifndef SATISFACTION_SERVICES_ANALYTICS_CONTEXT_RECOUNT_H_
#define SATISFACTION_SERVICES_ANALYTICS_CONTEXT_RECOUNT_H_

#include <string>

#include "services/storage/transaction.h"

namespace satisfaction::analytics {

// Replaces a questionnaire's aggregates by business context
// (response_context_rollups) of days `first` to `last` (YYYYMMDD) with counts
// from its raw responses and their events, in slot 0, as ResponseStore adds
// them: responses whose event carried context. The raw rows are read, not
// locked; the caller holds the aggregate rows (see RebuildAggregates).
void RecountContextRollups(storage::Transaction& tx, const std::string& questionnaire_id, int first, int last);

}  // namespace satisfaction::analytics

#endif  // SATISFACTION_SERVICES_ANALYTICS_CONTEXT_RECOUNT_H_
