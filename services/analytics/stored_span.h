#ifndef SATISFACTION_SERVICES_ANALYTICS_STORED_SPAN_H_
#define SATISFACTION_SERVICES_ANALYTICS_STORED_SPAN_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "services/storage/transaction.h"

namespace satisfaction::analytics {

// The smallest and the largest value that `queries` find, each a
// "SELECT MIN(column), MAX(column) FROM ... WHERE ... = :id" (say, over raw
// rows and over the aggregates kept from them), with `id` bound; nullopt when
// none finds any. What a rebuild must cover.
std::optional<std::pair<long long, long long>> StoredSpan(storage::Transaction& tx, const std::string& id,
                                                          const std::vector<const char*>& queries);

}  // namespace satisfaction::analytics

#endif  // SATISFACTION_SERVICES_ANALYTICS_STORED_SPAN_H_
