#include "services/analytics/funnel_recount.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/analytics/stored_span.h"
#include "services/revisits/funnel_counts.h"
#include "services/storage/query.h"
#include "services/storage/sql_text.h"

namespace satisfaction::analytics {

namespace {

constexpr size_t kRowsAStatement = 500;

// One revisit_funnel_rollups row.
struct FunnelBucket {
  long long quarter_start_us = 0, planned = 0, reached = 0, responded = 0;
};

// Marks the survey revisits planned in [from_us, to_us) that reached their
// customer by the raw rows but are not marked (rows written behind the
// server's back). The ids are read first, from the snapshot, so that the
// answers, calls and deliveries are not locked.
void MarkReachedFromRawRows(storage::Transaction& tx, const std::string& questionnaire_id, long long from_us,
                            long long to_us) {
  std::vector<long long> unmarked;
  long long id = 0;
  storage::Query query(tx, absl::StrCat("SELECT v.id FROM revisits v WHERE v.created_at_us >= :from AND"
                                        " v.created_at_us < :to AND v.questionnaire_id = :id AND v.survey = 1 AND"
                                        " v.reached = 0 AND ",
                                        revisits::ReachedInRawRows("v")));
  query.Bind("from", from_us).Bind("to", to_us).Bind("id", questionnaire_id).Into(id).Start();
  while (query.Next()) unmarked.push_back(id);
  for (size_t start = 0; start < unmarked.size(); start += kRowsAStatement) {
    std::vector<long long> some(unmarked.begin() + start,
                                unmarked.begin() + std::min(unmarked.size(), start + kRowsAStatement));
    storage::Query(
        tx, absl::StrCat("UPDATE revisits SET reached = 1 WHERE id IN (", storage::Placeholders("r", some.size()), ")"))
        .BindEach("r", some)
        .Execute();
  }
}

}  // namespace

long long RecountFunnel(storage::Transaction& tx, const std::string& questionnaire_id, long long from_us,
                        long long to_us) {
  long long locked = 0;
  storage::Query lock(tx, absl::StrCat("SELECT COUNT(*) FROM revisit_funnel_rollups WHERE questionnaire_id = :id"
                                       " AND quarter_start_us >= :from AND quarter_start_us < :to",
                                       tx.ForUpdate()));
  lock.Bind("id", questionnaire_id).Bind("from", from_us).Bind("to", to_us).Into(locked).Execute();
  storage::Query remove(tx,
                        "DELETE FROM revisit_funnel_rollups WHERE questionnaire_id = :id AND quarter_start_us >= :from"
                        " AND quarter_start_us < :to");
  remove.Bind("id", questionnaire_id).Bind("from", from_us).Bind("to", to_us).Execute();

  MarkReachedFromRawRows(tx, questionnaire_id, from_us, to_us);

  // Read into memory, then written: an INSERT ... SELECT would lock the
  // revisits it reads on MariaDB.
  std::vector<FunnelBucket> buckets;
  FunnelBucket bucket;
  std::string quarter = absl::StrCat("v.created_at_us - v.created_at_us % ", revisits::kFunnelBucketMicros);
  storage::Query counts(
      tx, absl::StrCat("SELECT ", quarter,
                       ", COUNT(*), SUM(v.reached), SUM(CASE WHEN x.id IS NULL THEN 0 ELSE 1"
                       " END) FROM revisits v LEFT JOIN responses x ON x.revisit_id = v.id WHERE v.created_at_us >="
                       " :from AND v.created_at_us < :to AND v.questionnaire_id = :id AND v.survey = 1 GROUP BY ",
                       quarter));
  counts.Bind("from", from_us).Bind("to", to_us).Bind("id", questionnaire_id);
  counts.Into(bucket.quarter_start_us).Into(bucket.planned).Into(bucket.reached).Into(bucket.responded).Start();
  long long revisits = 0;
  while (counts.Next()) {
    buckets.push_back(bucket);
    revisits += bucket.planned;
  }
  for (size_t start = 0; start < buckets.size(); start += kRowsAStatement) {
    size_t stop = std::min(buckets.size(), start + kRowsAStatement);
    std::string sql =
        "INSERT INTO revisit_funnel_rollups (questionnaire_id, quarter_start_us, planned, reached, responded, slot)"
        " VALUES ";
    for (size_t i = start; i < stop; ++i) {
      absl::StrAppend(&sql, i > start ? ", " : "", "(", storage::Placeholders(absl::StrCat("b", i, "_"), 5), ", 0)");
    }
    storage::Query insert(tx, sql);
    for (size_t i = start; i < stop; ++i) {
      const FunnelBucket& b = buckets[i];
      std::string prefix = absl::StrCat("b", i, "_");
      insert.Bind(prefix + "0", questionnaire_id).Bind(prefix + "1", b.quarter_start_us);
      insert.Bind(prefix + "2", b.planned).Bind(prefix + "3", b.reached).Bind(prefix + "4", b.responded);
    }
    insert.Execute();
  }
  return revisits;
}

std::optional<std::pair<long long, long long>> FunnelSpan(storage::Transaction& tx,
                                                          const std::string& questionnaire_id) {
  std::optional<std::pair<long long, long long>> planned = StoredSpan(
      tx, questionnaire_id,
      {"SELECT MIN(created_at_us), MAX(created_at_us) FROM revisits WHERE questionnaire_id = :id AND survey = 1",
       "SELECT MIN(quarter_start_us), MAX(quarter_start_us) FROM revisit_funnel_rollups WHERE questionnaire_id = :id"});
  if (!planned) return std::nullopt;
  return std::make_pair(revisits::FunnelBucketOf(planned->first),
                        revisits::FunnelBucketOf(planned->second) + revisits::kFunnelBucketMicros);
}

}  // namespace satisfaction::analytics
