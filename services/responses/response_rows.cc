#include "services/responses/response_rows.h"

#include <google/protobuf/util/time_util.h>
#include <soci/soci.h>

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "satisfaction/v1/questionnaire.pb.h"
#include "services/common/enum_bridges.h"
#include "services/responses/stored_response.h"
#include "services/storage/counts_upsert.h"
#include "services/storage/query.h"
#include "services/storage/sql_text.h"
#include "services/storage/transaction.h"

namespace satisfaction::responses {

using google::protobuf::util::TimeUtil;

void InsertResponses(storage::Transaction& tx, std::vector<ResponseRow>& rows) {
  if (rows.empty()) return;
  const size_t n = rows.size();
  std::vector<long long> invitation_ids(n);
  std::vector<std::string> keys(n);
  std::vector<soci::indicator> invitation_set(n), key_set(n);
  for (size_t i = 0; i < n; ++i) {
    invitation_ids[i] = rows[i].invitation_id.value_or(0);
    invitation_set[i] = rows[i].invitation_id ? soci::i_ok : soci::i_null;
    keys[i] = rows[i].request->idempotency_key();
    key_set[i] = keys[i].empty() ? soci::i_null : soci::i_ok;
  }
  std::string sql =
      "INSERT INTO responses (revisit_id, invitation_id, customer_id, questionnaire_id, questionnaire_version,"
      " customer_type, channel, agent_id, idempotency_key, submitted_at_us, report_day) VALUES ";
  for (size_t i = 0; i < n; ++i) {
    absl::StrAppend(&sql, i ? ", " : "", "(:revisit", i, ", :invitation", i, ", :customer", i, ", :survey", i,
                    ", :version", i, ", :type", i, ", :channel", i, ", :agent", i, ", :key", i, ", :at", i, ", :day",
                    i, ")");
  }
  // The new ids come back with the insert (MariaDB 10.5 and SQLite 3.35 on).
  absl::StrAppend(&sql, tx.dialect().Returning("revisit_id, id"));
  storage::Query insert(tx, std::move(sql));
  for (size_t i = 0; i < n; ++i) {
    const ResponseRow& row = rows[i];
    insert.Bind(absl::StrCat("revisit", i), row.revisit_id)
        .Bind(absl::StrCat("invitation", i), invitation_ids[i], invitation_set[i])
        .Bind(absl::StrCat("customer", i), row.customer_id)
        .Bind(absl::StrCat("survey", i), row.questionnaire_id)
        .Bind(absl::StrCat("version", i), row.questionnaire_version)
        .Bind(absl::StrCat("type", i), row.customer_type)
        .Bind(absl::StrCat("channel", i), row.channel)
        .Bind(absl::StrCat("agent", i), row.agent_id)
        .Bind(absl::StrCat("key", i), keys[i], key_set[i])
        .Bind(absl::StrCat("at", i), row.submitted_at_us)
        .Bind(absl::StrCat("day", i), row.report_day);
  }
  long long revisit_id = 0, id = 0;
  insert.Into(revisit_id).Into(id).Start();
  // One response per revisit: each id is found by its revisit.
  absl::flat_hash_map<long long, ResponseRow*> by_revisit;
  for (ResponseRow& row : rows) by_revisit[row.revisit_id] = &row;
  while (insert.Next()) by_revisit.at(revisit_id)->id = id;
}

void AddAnswers(storage::WriteBatch& writes, const std::vector<ResponseRow>& rows) {
  // What each placeholder binds (by reference, so kept with the statement).
  struct Answer {
    long long response_id;
    std::string code, text;
    int score;
  };
  auto answers = std::make_shared<std::vector<Answer>>();
  for (const ResponseRow& row : rows) {
    for (const v1::Answer& answer : row.request->answers()) {
      answers->push_back({row.id, answer.item_code(), answer.text(), answer.score()});
    }
  }
  if (answers->empty()) return;
  std::string sql = "INSERT INTO response_answers (response_id, item_code, score, text) VALUES ";
  for (size_t i = 0; i < answers->size(); ++i) {
    absl::StrAppend(&sql, i ? ", " : "", "(:a", i, "_response, :a", i, "_item, :a", i, "_score, :a", i, "_text)");
  }
  writes.Add(std::move(sql), [answers](storage::Query& query) {
    for (size_t i = 0; i < answers->size(); ++i) {
      const Answer& answer = (*answers)[i];
      query.Bind(absl::StrCat("a", i, "_response"), answer.response_id)
          .Bind(absl::StrCat("a", i, "_item"), answer.code)
          .Bind(absl::StrCat("a", i, "_score"), answer.score)
          .Bind(absl::StrCat("a", i, "_text"), answer.text);
    }
  });
}

void AddToRollups(storage::WriteBatch& writes, const std::vector<ResponseRow>& rows, int slot) {
  // questionnaire, version, day, item, customer type, channel, agent, score, slot
  using Key = std::tuple<std::string, int, int, std::string, int, int, std::string, int, int>;
  // questionnaire, version, day, customer type, item, slot: the by-day table's rows, each
  // with its responses (item '') and its answers of each score
  using DayKey = std::tuple<std::string, int, int, int, std::string, int>;
  // questionnaire, version, day, customer type, platform, store, product
  // category, courier, cause, item, slot: the by-context table's rows, as the
  // by-day table's
  using ContextKey = std::tuple<std::string, int, int, int, std::string, std::string, std::string, std::string,
                                std::string, std::string, int>;
  // questionnaire, version, day, channel, agent, item, slot: the by-channel
  // table's rows, as the by-day table's
  using ChannelKey = std::tuple<std::string, int, int, int, std::string, std::string, int>;
  auto counts = std::make_shared<std::map<Key, std::array<long long, 1>>>();
  auto day_counts = std::make_shared<std::map<DayKey, std::array<long long, 6>>>();
  auto context_counts = std::make_shared<std::map<ContextKey, std::array<long long, 6>>>();
  auto channel_counts = std::make_shared<std::map<ChannelKey, std::array<long long, 6>>>();
  for (const ResponseRow& row : rows) {
    const revisits::StoredContext& context = row.context;
    bool by_context = context.HasGroupingParts();
    auto add = [&](const std::string& item, int score) {
      ++(*counts)[Key{row.questionnaire_id, row.questionnaire_version, row.report_day, item, row.customer_type,
                      row.channel, row.agent_id, score, slot}][0];
      ++(*day_counts)[DayKey{row.questionnaire_id, row.questionnaire_version, row.report_day, row.customer_type, item,
                             slot}][score];
      ++(*channel_counts)[ChannelKey{row.questionnaire_id, row.questionnaire_version, row.report_day, row.channel,
                                     row.agent_id, item, slot}][score];
      if (by_context) {
        ++(*context_counts)[ContextKey{row.questionnaire_id, row.questionnaire_version, row.report_day,
                                       row.customer_type, context.platform, context.store, context.product_category,
                                       context.courier, context.cause, item, slot}][score];
      }
    };
    add("", 0);
    for (const v1::Answer& answer : row.request->answers()) {
      const ItemShape* item = row.shape->Find(answer.item_code());
      if (item != nullptr && item->kind == v1::ITEM_KIND_SCALE) add(answer.item_code(), answer.score());
    }
  }
  storage::AddCountsUpsert<Key, 1>(
      writes, "response_rollups",
      "questionnaire_id, questionnaire_version, day, item_code, customer_type, channel, agent_id, score,"
      " slot",
      std::array<const char*, 1>{"answers"}, "g", counts);
  storage::AddCountsUpsert<DayKey, 6>(
      writes, "response_day_rollups", "questionnaire_id, questionnaire_version, day, customer_type, item_code, slot",
      std::array<const char*, 6>{"responses", "scored_1", "scored_2", "scored_3", "scored_4", "scored_5"}, "d",
      day_counts);
  storage::AddCountsUpsert<ChannelKey, 6>(
      writes, "response_channel_rollups",
      "questionnaire_id, questionnaire_version, day, channel, agent_id, item_code, slot",
      std::array<const char*, 6>{"responses", "scored_1", "scored_2", "scored_3", "scored_4", "scored_5"}, "ch",
      channel_counts);
  storage::AddCountsUpsert<ContextKey, 6>(
      writes, "response_context_rollups",
      "questionnaire_id, questionnaire_version, day, customer_type, platform, store, product_category,"
      " courier, cause, item_code, slot",
      std::array<const char*, 6>{"responses", "scored_1", "scored_2", "scored_3", "scored_4", "scored_5"}, "x",
      context_counts);
}

v1::Response ResponseOf(const ResponseRow& row) {
  v1::Response response;
  response.set_id(absl::StrCat(row.id));
  response.set_questionnaire_id(row.questionnaire_id);
  response.set_questionnaire_version(row.questionnaire_version);
  response.set_customer_external_id(row.customer_external_id);
  response.set_customer_type(ProtoEnumOrUnspecified<v1::CustomerType>(row.customer_type));
  response.set_channel(ProtoEnumOrUnspecified<v1::Channel>(row.channel));
  response.set_agent_id(row.agent_id);
  response.set_revisit_id(absl::StrCat(row.revisit_id));
  // In the questionnaire's order, as LoadResponse reads them (answers are
  // validated: each names an item of the shape once).
  for (const ItemShape& item : row.shape->items) {
    for (const v1::Answer& answer : row.request->answers()) {
      if (answer.item_code() == item.code) *response.add_answers() = answer;
    }
  }
  *response.mutable_submit_time() = TimeUtil::MicrosecondsToTimestamp(row.submitted_at_us);
  if (row.recovery_revisit_id) response.set_recovery_revisit_id(absl::StrCat(*row.recovery_revisit_id));
  *response.mutable_context() = row.context.ToProto();
  return response;
}

absl::StatusOr<v1::Response> LoadResponse(storage::Transaction& tx, long long id) {
  absl::flat_hash_map<long long, v1::Response> found = LoadResponses(tx, {id});
  if (found.empty()) return absl::NotFoundError(absl::StrCat("response '", id, "' not found"));
  return std::move(found.begin()->second);
}

}  // namespace satisfaction::responses
