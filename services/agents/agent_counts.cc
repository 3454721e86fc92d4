#include "services/agents/agent_counts.h"

#include <functional>

#include "absl/strings/str_cat.h"
#include "satisfaction/v1/revisit.pb.h"
#include "services/storage/query.h"
#include "services/storage/sql_text.h"

namespace satisfaction::agents {
namespace {

// Runs `sql` (with an IN list of `ids` named :id0, ...; `bind` binds the rest)
// whose rows are (agent id, count).
absl::flat_hash_map<std::string, int> CountsByAgent(storage::Transaction& tx, const std::string& sql,
                                                    const std::vector<std::string>& ids,
                                                    const std::function<void(storage::Query&)>& bind) {
  absl::flat_hash_map<std::string, int> counts;
  if (ids.empty()) return counts;
  std::string agent_id;
  long long count = 0;
  storage::Query query(tx, sql);
  query.BindEach("id", ids);
  bind(query);
  query.Into(agent_id).Into(count).Start();
  while (query.Next()) counts[agent_id] = static_cast<int>(count);
  return counts;
}

}  // namespace

absl::flat_hash_map<std::string, int> CountHeld(storage::Transaction& tx, const std::vector<std::string>& ids,
                                                absl::Time now) {
  int leased = v1::REVISIT_STATE_LEASED;
  long long now_us = absl::ToUnixMicros(now);
  return CountsByAgent(
      tx,
      absl::StrCat("SELECT lease_holder, COUNT(*) FROM revisits WHERE state = :leased AND"
                   " lease_holder IN (",
                   storage::Placeholders("id", ids.size()), ") AND lease_expires_at_us > :now GROUP BY lease_holder"),
      ids, [&](storage::Query& query) { query.Bind("leased", leased).Bind("now", now_us); });
}

absl::flat_hash_map<std::string, int> CountHandledSince(storage::Transaction& tx, const std::vector<std::string>& ids,
                                                        absl::Time since) {
  long long since_us = absl::ToUnixMicros(since);
  return CountsByAgent(
      tx,
      absl::StrCat("SELECT agent_id, COUNT(*) FROM call_attempts WHERE agent_id IN (",
                   storage::Placeholders("id", ids.size()), ") AND reported_at_us >= :since GROUP BY agent_id"),
      ids, [&](storage::Query& query) { query.Bind("since", since_us); });
}

absl::flat_hash_map<std::string, int> CountHandledThisShift(storage::Transaction& tx,
                                                            const std::vector<std::string>& ids) {
  return CountsByAgent(tx,
                       absl::StrCat("SELECT c.agent_id, COUNT(*) FROM call_attempts c JOIN agents a ON a.id ="
                                    " c.agent_id WHERE c.agent_id IN (",
                                    storage::Placeholders("id", ids.size()),
                                    ") AND c.reported_at_us >= a.signed_in_at_us GROUP BY c.agent_id"),
                       ids, [](storage::Query&) {});
}

absl::Time StartOfDay(absl::Time now, absl::TimeZone zone) {
  return absl::FromCivil(absl::ToCivilDay(now, zone), zone);
}

}  // namespace satisfaction::agents
