#ifndef SATISFACTION_SERVICES_AGENTS_AGENT_COUNTS_H_
#define SATISFACTION_SERVICES_AGENTS_AGENT_COUNTS_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "services/storage/transaction.h"

// What agents hold and did, counted from the leases and call attempts
// themselves (indexes of migration step 21), so that no counter can drift.
namespace satisfaction::agents {

// Callbacks each of `ids` holds now (leased in its name, lease not lapsed);
// agents holding none are absent.
absl::flat_hash_map<std::string, int> CountHeld(storage::Transaction& tx, const std::vector<std::string>& ids,
                                                absl::Time now);

// Calls each of `ids` reported since `since`; agents with none are absent.
absl::flat_hash_map<std::string, int> CountHandledSince(storage::Transaction& tx, const std::vector<std::string>& ids,
                                                        absl::Time since);

// Calls each of `ids` reported since it last signed in.
absl::flat_hash_map<std::string, int> CountHandledThisShift(storage::Transaction& tx,
                                                            const std::vector<std::string>& ids);

// Midnight of `now`'s day in `zone`: where "today" starts for the operator.
absl::Time StartOfDay(absl::Time now, absl::TimeZone zone);

}  // namespace satisfaction::agents

#endif  // SATISFACTION_SERVICES_AGENTS_AGENT_COUNTS_H_
