#include "services/analytics/context_recount.h"

#include <algorithm>
#include <array>
#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "satisfaction/v1/questionnaire.pb.h"
#include "services/revisits/business_context.h"
#include "services/storage/query.h"
#include "services/storage/sql_text.h"

namespace satisfaction::analytics {

namespace {

// The responses, and their 5-point answers, of events that carried context,
// counted by what the aggregates are keyed by.
constexpr char kContextKey[] =
    "r.questionnaire_version, r.report_day, r.customer_type, e.platform, e.store, e.product_category, e.courier,"
    " e.cause";
std::string WithContext() {
  return absl::StrCat(
      " JOIN revisits v ON v.id = r.revisit_id JOIN events e ON e.event_id = v.event_id WHERE r.questionnaire_id = :id"
      " AND r.report_day >= :first AND r.report_day <= :last AND ",
      revisits::StoredContext::kHasGroupingParts);
}
constexpr size_t kRowsAStatement = 500;

// version, day, customer type, platform, store, product category, courier, cause, item
using Key = std::tuple<int, int, int, std::string, std::string, std::string, std::string, std::string, std::string>;
// responses, then answers scored 1 to 5
using Counts = std::array<long long, 6>;

}  // namespace

void RecountContextRollups(storage::Transaction& tx, const std::string& questionnaire_id, int first, int last) {
  std::map<Key, Counts> counts;
  Key key;
  auto& [version, day, type, platform, store, category, courier, cause, item] = key;
  long long count = 0;
  int score = 0, scale = v1::ITEM_KIND_SCALE;
  {
    storage::Query responses(tx, absl::StrCat("SELECT ", kContextKey, ", COUNT(*) FROM responses r", WithContext(),
                                              " GROUP BY ", kContextKey));
    responses.Bind("id", questionnaire_id).Bind("first", first).Bind("last", last);
    responses.Into(version).Into(day).Into(type).Into(platform).Into(store).Into(category).Into(courier).Into(cause);
    responses.Into(count).Start();
    item.clear();
    while (responses.Next()) counts[key][0] += count;
  }
  {
    storage::Query answers(
        tx, absl::StrCat("SELECT ", kContextKey,
                         ", a.item_code, a.score, COUNT(*) FROM responses r"
                         " JOIN response_answers a ON a.response_id = r.id JOIN questionnaire_items i"
                         " ON i.questionnaire_id = r.questionnaire_id AND i.version = r.questionnaire_version"
                         " AND i.code = a.item_code",
                         WithContext(), " AND i.kind = :scale GROUP BY ", kContextKey, ", a.item_code, a.score"));
    answers.Bind("id", questionnaire_id).Bind("first", first).Bind("last", last).Bind("scale", scale);
    answers.Into(version).Into(day).Into(type).Into(platform).Into(store).Into(category).Into(courier).Into(cause);
    answers.Into(item).Into(score).Into(count).Start();
    while (answers.Next()) {
      if (score >= 1 && score <= 5) counts[key][score] += count;
    }
  }
  storage::Query remove(tx,
                        "DELETE FROM response_context_rollups WHERE questionnaire_id = :id AND day >= :first"
                        " AND day <= :last");
  remove.Bind("id", questionnaire_id).Bind("first", first).Bind("last", last).Execute();
  std::vector<std::pair<const Key, Counts>*> rows;
  for (auto& row : counts) rows.push_back(&row);
  constexpr size_t kColumns = 17;
  for (size_t start = 0; start < rows.size(); start += kRowsAStatement) {
    size_t stop = std::min(rows.size(), start + kRowsAStatement);
    std::string sql =
        "INSERT INTO response_context_rollups (questionnaire_id, questionnaire_version, day, customer_type, platform,"
        " store, product_category, courier, cause, item_code, slot, responses, scored_1, scored_2, scored_3,"
        " scored_4, scored_5) VALUES ";
    for (size_t i = start; i < stop; ++i) {
      absl::StrAppend(&sql, i > start ? ", " : "", "(", storage::Placeholders(absl::StrCat("c", i, "_"), kColumns),
                      ")");
    }
    storage::Query insert(tx, sql);
    int slot = 0;
    for (size_t i = start; i < stop; ++i) {
      const auto& [row_key, sums] = *rows[i];
      size_t column = 0;
      auto bind = [&](const auto& value) { insert.Bind(absl::StrCat("c", i, "_", column++), value); };
      bind(questionnaire_id);
      std::apply([&](const auto&... part) { (bind(part), ...); }, row_key);
      bind(slot);
      for (const long long& sum : sums) bind(sum);
    }
    insert.Execute();
  }
}

}  // namespace satisfaction::analytics
