#include "services/analytics/stored_span.h"

#include <algorithm>

#include "services/storage/query.h"

namespace satisfaction::analytics {

std::optional<std::pair<long long, long long>> StoredSpan(storage::Transaction& tx, const std::string& id,
                                                          const std::vector<const char*>& queries) {
  std::optional<std::pair<long long, long long>> span;
  for (const char* sql : queries) {
    long long first = 0, last = 0;
    soci::indicator found = soci::i_null, found_last = soci::i_null;
    storage::Query(tx, sql).Bind("id", id).Into(first, found).Into(last, found_last).Execute();
    if (found != soci::i_ok) continue;
    span =
        span ? std::make_pair(std::min(span->first, first), std::max(span->second, last)) : std::make_pair(first, last);
  }
  return span;
}

}  // namespace satisfaction::analytics
