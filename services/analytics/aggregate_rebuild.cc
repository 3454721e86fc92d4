#include "services/analytics/aggregate_rebuild.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "satisfaction/v1/questionnaire.pb.h"
#include "services/analytics/context_recount.h"
#include "services/analytics/funnel_recount.h"
#include "services/analytics/report_questionnaire.h"
#include "services/analytics/stored_span.h"
#include "services/common/report_days.h"
#include "services/revisits/funnel_counts.h"
#include "services/storage/query.h"
#include "services/storage/sql_text.h"

namespace satisfaction::analytics {

namespace {

constexpr char kInsert[] =
    "INSERT INTO response_rollups (questionnaire_id, questionnaire_version, day, item_code, customer_type, channel,"
    " agent_id, score, slot, answers) ";
// The counts as ResponseStore adds them: one per response (item '' and score
// 0) and one per 5-point answer by its score. A rebuild writes them all in
// slot 0, after it removed every slot's rows (ResponseStore adds to the slot
// of its node; readers sum over slots).
constexpr char kResponseCounts[] =
    "SELECT questionnaire_id, questionnaire_version, report_day, '', customer_type, channel, agent_id, 0, 0,"
    " COUNT(*) FROM responses WHERE questionnaire_id = :id AND report_day >= :first AND report_day <= :last"
    " GROUP BY questionnaire_id, questionnaire_version, report_day, customer_type, channel, agent_id";
constexpr char kAnswerCounts[] =
    "SELECT r.questionnaire_id, r.questionnaire_version, r.report_day, a.item_code, r.customer_type, r.channel,"
    " r.agent_id, a.score, 0, COUNT(*) FROM responses r JOIN response_answers a ON a.response_id = r.id"
    " JOIN questionnaire_items i ON i.questionnaire_id = r.questionnaire_id AND i.version = r.questionnaire_version"
    " AND i.code = a.item_code WHERE r.questionnaire_id = :id AND r.report_day >= :first AND r.report_day <= :last"
    " AND i.kind = :scale GROUP BY r.questionnaire_id, r.questionnaire_version, r.report_day, a.item_code,"
    " r.customer_type, r.channel, r.agent_id, a.score";
constexpr int kDaysAChunk = 31;
// The funnel's counts are recounted 31 days of planning at a time.
constexpr long long kFunnelChunkMicros = kDaysAChunk * 96 * revisits::kFunnelBucketMicros;
constexpr size_t kRowsAStatement = 500;

// One response_rollups row, in the column order of kInsert (the counts'
// results read into it, and the inserts bind from it).
struct Bucket {
  static constexpr size_t kColumns = 10;

  std::string questionnaire;
  int version = 0, day = 0, customer_type = 0, channel = 0, score = 0, slot = 0;
  std::string item, agent;
  long long answers = 0;

  void Into(storage::Query& query) {
    query.Into(questionnaire).Into(version).Into(day).Into(item).Into(customer_type).Into(channel).Into(agent);
    query.Into(score).Into(slot).Into(answers);
  }
  // Binds :<prefix>0 to :<prefix>9 (see storage::Placeholders) in kInsert's column order.
  void Bind(storage::Query& query, const std::string& prefix) const {
    auto at = [&prefix](int k) { return absl::StrCat(prefix, k); };
    query.Bind(at(0), questionnaire).Bind(at(1), version).Bind(at(2), day).Bind(at(3), item);
    query.Bind(at(4), customer_type).Bind(at(5), channel).Bind(at(6), agent).Bind(at(7), score).Bind(at(8), slot);
    query.Bind(at(9), answers);
  }
};

// An aggregate derived from response_rollups: its counts summed over the
// columns it leaves out, a row per item with its responses (item '') and
// each score's count. `key_columns` are its columns besides the
// questionnaire, version, day and item.
struct DerivedRollups {
  const char* table;
  const char* key_columns;
};
// By day and customer type (migration 15 first filled it), and by day,
// channel and agent (migration 25).
constexpr DerivedRollups kDerivedRollups[] = {{"response_day_rollups", "customer_type"},
                                              {"response_channel_rollups", "channel, agent_id"}};

// Each derived aggregate's rows of days `first` to `last`, summed from the
// full ones of every slot, into slot 0.
void RebuildDerivedRollups(storage::Transaction& tx, const std::string& id, int version, int first, int last) {
  for (const DerivedRollups& derived : kDerivedRollups) {
    storage::Query remove(tx, absl::StrCat("DELETE FROM ", derived.table,
                                           " WHERE questionnaire_id = :id AND questionnaire_version = :version"
                                           " AND day >= :first AND day <= :last"));
    remove.Bind("id", id).Bind("version", version).Bind("first", first).Bind("last", last).Execute();
    storage::Query insert(
        tx, absl::StrCat(
                "INSERT INTO ", derived.table, " (questionnaire_id, questionnaire_version, day, ", derived.key_columns,
                ", item_code, slot, responses, scored_1, scored_2, scored_3, scored_4, scored_5) SELECT"
                " questionnaire_id, questionnaire_version, day, ",
                derived.key_columns,
                ", item_code, 0, SUM(CASE WHEN item_code = '' THEN answers ELSE 0 END), SUM(CASE WHEN score = 1 THEN"
                " answers ELSE 0 END), SUM(CASE WHEN score = 2 THEN answers ELSE 0 END), SUM(CASE WHEN score = 3"
                " THEN answers ELSE 0 END), SUM(CASE WHEN score = 4 THEN answers ELSE 0 END), SUM(CASE WHEN score ="
                " 5 THEN answers ELSE 0 END) FROM response_rollups WHERE questionnaire_id = :id AND"
                " questionnaire_version = :version AND day >= :first AND day <= :last GROUP BY questionnaire_id,"
                " questionnaire_version, day, ",
                derived.key_columns, ", item_code"));
    insert.Bind("id", id).Bind("version", version).Bind("first", first).Bind("last", last).Execute();
  }
}

// Every version of the questionnaire, drafts too (a version published during
// a rebuild is then covered).
std::vector<int> VersionsOf(storage::Transaction& tx, const std::string& id) {
  std::vector<int> versions;
  int version = 0;
  storage::Query query(tx, "SELECT version FROM questionnaire_versions WHERE questionnaire_id = :id ORDER BY version");
  query.Bind("id", id).Into(version).Start();
  while (query.Next()) versions.push_back(version);
  return versions;
}

RebuildCounts CountWritten(storage::Transaction& tx, const std::string& id) {
  RebuildCounts counts;
  storage::Query query(tx,
                       "SELECT COALESCE(SUM(CASE WHEN item_code = '' THEN answers ELSE 0 END), 0), COUNT(*)"
                       " FROM response_rollups WHERE questionnaire_id = :id");
  query.Bind("id", id).Into(counts.responses).Into(counts.buckets).Execute();
  return counts;
}

// SQLite: the write transaction keeps every writer out, so the database can
// count and write in one statement each.
absl::StatusOr<RebuildCounts> RecountInPlace(storage::Transaction& tx, const std::string& id) {
  if (absl::Status s = RequireQuestionnaire(tx, id); !s.ok()) return s;
  int first = 0, last = 99991231, scale = v1::ITEM_KIND_SCALE;
  storage::Query(tx, "DELETE FROM response_rollups WHERE questionnaire_id = :id").Bind("id", id).Execute();
  storage::Query responses(tx, absl::StrCat(kInsert, kResponseCounts));
  responses.Bind("id", id).Bind("first", first).Bind("last", last).Execute();
  storage::Query answers(tx, absl::StrCat(kInsert, kAnswerCounts));
  answers.Bind("id", id).Bind("first", first).Bind("last", last).Bind("scale", scale).Execute();
  for (int version : VersionsOf(tx, id)) RebuildDerivedRollups(tx, id, version, 0, 99991231);
  RecountContextRollups(tx, id, 0, 99991231);
  RebuildCounts counts = CountWritten(tx, id);
  counts.funnel_revisits = RecountFunnel(tx, id, 0, std::numeric_limits<long long>::max());
  return counts;
}

// The days from the first to the last that the responses or the aggregates
// name; nullopt when neither names any.
std::optional<std::pair<absl::CivilDay, absl::CivilDay>> DaysOf(storage::Transaction& tx, const std::string& id) {
  std::optional<std::pair<long long, long long>> days =
      StoredSpan(tx, id,
                 {"SELECT MIN(report_day), MAX(report_day) FROM responses WHERE questionnaire_id = :id",
                  "SELECT MIN(day), MAX(day) FROM response_rollups WHERE questionnaire_id = :id"});
  if (!days) return std::nullopt;
  return std::make_pair(CivilDayOf(static_cast<int>(days->first)), CivilDayOf(static_cast<int>(days->second)));
}

// MariaDB, one chunk of days in a transaction of its own at REPEATABLE READ.
// The locking reads take the chunk's aggregate rows and the gaps between
// them, version by version (so other days stay free), and a submission for
// those days waits at its aggregate update until the chunk commits (and then
// adds itself to the new counts). The counts are read from the snapshot taken
// after the locks, which holds exactly the responses committed before them.
// The raw rows are only read, not locked, so no submission and the rebuild
// wait on each other both ways.
void RecountChunk(storage::Transaction& tx, const std::string& id, std::vector<int>& versions, int first, int last) {
  long long locked = 0;
  for (int& version : versions) {
    for (const char* table :
         {"response_rollups", "response_day_rollups", "response_channel_rollups", "response_context_rollups"}) {
      storage::Query lock(
          tx, absl::StrCat("SELECT COUNT(*) FROM ", table, " WHERE questionnaire_id = :id",
                           " AND questionnaire_version = :version AND day >= :first AND day <= :last", tx.ForUpdate()));
      lock.Bind("id", id).Bind("version", version).Bind("first", first).Bind("last", last).Into(locked).Execute();
    }
    storage::Query remove(tx,
                          "DELETE FROM response_rollups WHERE questionnaire_id = :id AND questionnaire_version ="
                          " :version AND day >= :first AND day <= :last");
    remove.Bind("id", id).Bind("version", version).Bind("first", first).Bind("last", last).Execute();
  }
  std::vector<Bucket> buckets;
  Bucket bucket;
  int scale = v1::ITEM_KIND_SCALE;
  for (const char* counts : {kResponseCounts, kAnswerCounts}) {
    storage::Query query(tx, counts);
    query.Bind("id", id).Bind("first", first).Bind("last", last);
    if (counts == kAnswerCounts) query.Bind("scale", scale);
    query.IntoRow(bucket).Start();
    while (query.Next()) {
      buckets.push_back(bucket);
      buckets.back().questionnaire = id;  // written under the id asked for
    }
  }
  for (size_t start = 0; start < buckets.size(); start += kRowsAStatement) {
    size_t stop = std::min(buckets.size(), start + kRowsAStatement);
    std::string sql = absl::StrCat(kInsert, "VALUES ");
    for (size_t i = start; i < stop; ++i) {
      absl::StrAppend(&sql, i > start ? ", " : "", "(",
                      storage::Placeholders(absl::StrCat("b", i, "_"), Bucket::kColumns), ")");
    }
    storage::Query insert(tx, sql);
    for (size_t i = start; i < stop; ++i) buckets[i].Bind(insert, absl::StrCat("b", i, "_"));
    insert.Execute();
  }
  for (int version : versions) RebuildDerivedRollups(tx, id, version, first, last);
  RecountContextRollups(tx, id, first, last);
}

// MariaDB: a chunk of days a transaction (each reading one snapshot), so submissions wait only while
// their own days are recounted (today's comes last).
absl::StatusOr<RebuildCounts> RecountInChunks(storage::Database& database, const std::string& id) {
  std::vector<int> versions;
  std::optional<std::pair<absl::CivilDay, absl::CivilDay>> days;
  absl::Status status = database.InTransaction(storage::Access::kRead, [&](storage::Transaction& tx) -> absl::Status {
    if (absl::Status s = RequireQuestionnaire(tx, id); !s.ok()) return s;
    versions = VersionsOf(tx, id);
    days = DaysOf(tx, id);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  for (absl::CivilDay day = days ? days->first : absl::CivilDay(); days && day <= days->second; day += kDaysAChunk) {
    int first = ReportDayNumber(day), last = ReportDayNumber(std::min(days->second, day + (kDaysAChunk - 1)));
    status = database.InTransaction(storage::Access::kWriteFromSnapshot, [&](storage::Transaction& tx) {
      RecountChunk(tx, id, versions, first, last);
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
  }
  std::optional<std::pair<long long, long long>> span;
  status = database.InTransaction(storage::Access::kRead, [&](storage::Transaction& tx) -> absl::Status {
    span = FunnelSpan(tx, id);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  long long funnel_revisits = 0;
  for (long long from = span ? span->first : 0; span && from < span->second; from += kFunnelChunkMicros) {
    long long to = std::min(span->second, from + kFunnelChunkMicros);
    status = database.InTransaction(storage::Access::kWriteFromSnapshot, [&](storage::Transaction& tx) {
      funnel_revisits += RecountFunnel(tx, id, from, to);
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
  }
  absl::StatusOr<RebuildCounts> counts = database.InTransaction<RebuildCounts>(
      storage::Access::kRead, [&](storage::Transaction& tx) { return CountWritten(tx, id); });
  if (counts.ok()) counts->funnel_revisits = funnel_revisits;
  return counts;
}

}  // namespace

absl::StatusOr<RebuildCounts> RebuildAggregates(storage::Database& database, const std::string& questionnaire_id) {
  if (database.dialect().serialises_writers()) {
    // The write transaction keeps every writer out: one transaction does.
    return database.InTransaction<RebuildCounts>(
        storage::Access::kWrite, [&](storage::Transaction& tx) { return RecountInPlace(tx, questionnaire_id); });
  }
  return RecountInChunks(database, questionnaire_id);
}

}  // namespace satisfaction::analytics
