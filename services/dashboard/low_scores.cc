#include "services/dashboard/low_scores.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "services/access/contact_masking.h"
#include "services/common/enum_bridges.h"
#include "services/responses/stored_response.h"
#include "services/storage/query.h"
#include "services/storage/sql_text.h"
#include "services/storage/transaction.h"

namespace satisfaction::dashboard {

absl::StatusOr<std::vector<LowScore>> LatestLowScores(storage::Database& database, const std::string& questionnaire_id,
                                                      absl::Time start, absl::Time end, int limit) {
  return database.InTransaction<std::vector<LowScore>>(
      storage::Access::kRead, [&](storage::Transaction& tx) -> absl::StatusOr<std::vector<LowScore>> {
        long long start_us = absl::ToUnixMicros(start), end_us = absl::ToUnixMicros(end), id = 0;
        int fetch = limit;
        // First the ids alone, newest first along ix_responses_questionnaire
        // and stopping at the limit, so that a range of millions of responses
        // costs a few index steps (joined, the planner may sort the range).
        std::vector<long long> ids;
        storage::Query latest(tx,
                              "SELECT r.id FROM responses r WHERE r.questionnaire_id = :questionnaire"
                              " AND r.submitted_at_us >= :start AND r.submitted_at_us < :end AND EXISTS (SELECT 1"
                              " FROM response_answers a WHERE a.response_id = r.id AND a.score BETWEEN 1 AND 2)"
                              " ORDER BY r.submitted_at_us DESC, r.id DESC LIMIT :fetch");
        latest.Bind("questionnaire", questionnaire_id).Bind("start", start_us).Bind("end", end_us);
        latest.Bind("fetch", fetch).Into(id).Start();
        while (latest.Next()) ids.push_back(id);
        if (ids.empty()) return std::vector<LowScore>();

        long long submitted_us = 0;
        int customer_type = 0, channel = 0, recovery_state = 0;
        soci::indicator recovery_indicator = soci::i_null;
        LowScore row;
        // responses.customer_id has no foreign key, so a response whose
        // customer row is missing (rows loaded by hand) still lists, unnamed.
        storage::Query query(
            tx, absl::StrCat("SELECT r.id, r.submitted_at_us, COALESCE(c.external_id, ''), COALESCE(c.phone, ''),"
                             " r.customer_type, r.channel, r.agent_id, v.state FROM responses r"
                             " LEFT JOIN customers c ON c.id = r.customer_id"
                             " LEFT JOIN revisits v ON v.id = r.recovery_revisit_id WHERE r.id IN (",
                             storage::Placeholders("id", ids.size()), ") ORDER BY r.submitted_at_us DESC, r.id DESC"));
        query.BindEach("id", ids);
        query.Into(row.response_id).Into(submitted_us).Into(row.customer_external_id).Into(row.masked_phone);
        query.Into(customer_type).Into(channel).Into(row.agent_id).Into(recovery_state, recovery_indicator).Start();
        std::vector<LowScore> rows;
        while (query.Next()) {
          row.submitted = absl::FromUnixMicros(submitted_us);
          row.masked_phone = access::MaskPhone(row.masked_phone);
          row.customer_type = ProtoEnumOrUnspecified<v1::CustomerType>(customer_type);
          row.channel = ProtoEnumOrUnspecified<v1::Channel>(channel);
          row.recovery_state = recovery_indicator == soci::i_null
                                   ? v1::REVISIT_STATE_UNSPECIFIED
                                   : ProtoEnumOrUnspecified<v1::RevisitState>(recovery_state);
          rows.push_back(row);
        }
        absl::flat_hash_map<long long, LowScore*> by_id;
        for (LowScore& low : rows) by_id[low.response_id] = &low;
        responses::ForEachAnswer(tx, ids, [&](long long response_id, v1::Answer answer) {
          LowScore& low = *by_id[response_id];
          if (answer.score() >= 1 && (low.lowest_score == 0 || answer.score() < low.lowest_score)) {
            low.lowest_score = answer.score();
          }
          if (!answer.text().empty()) absl::StrAppend(&low.comment, low.comment.empty() ? "" : " / ", answer.text());
        });
        return rows;
      });
}

}  // namespace satisfaction::dashboard
