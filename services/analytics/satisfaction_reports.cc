#include "services/analytics/satisfaction_reports.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "satisfaction/v1/questionnaire.pb.h"
#include "services/analytics/change_tests.h"
#include "services/analytics/report_questionnaire.h"
#include "services/analytics/satisfaction_figures.h"
#include "services/analytics/weighted_figures.h"
#include "services/analytics/weighting_target.h"
#include "services/common/enum_bridges.h"
#include "services/common/field_checks.h"
#include "services/common/report_days.h"
#include "services/common/text_checks.h"
#include "services/common/text_limits.h"
#include "services/customers/customer_validation.h"
#include "services/questionnaires/questionnaire_validation.h"
#include "services/storage/query.h"
#include "services/storage/sql_text.h"
#include "services/storage/transaction.h"

namespace satisfaction::analytics {

namespace {

using storage::Access;

// The parts of a business context figures are grouped by, in the order of
// the aggregates' columns: platform, store, product category, courier, cause.
constexpr int kContextParts = 5;
using ContextParts = std::array<std::string, kContextParts>;
constexpr const char* kContextColumns[kContextParts] = {"platform", "store", "product_category", "courier", "cause"};
constexpr v1::Grouping kContextGroupings[kContextParts] = {
    v1::GROUPING_PLATFORM, v1::GROUPING_STORE, v1::GROUPING_PRODUCT_CATEGORY, v1::GROUPING_COURIER, v1::GROUPING_CAUSE};

// What the request groups by, and whether it weights by customer type.
struct Groupings {
  v1::Grouping period = v1::GROUPING_UNSPECIFIED;
  bool customer_type = false, channel = false, agent = false, dimension = false, item = false;
  std::array<bool, kContextParts> context = {};
  bool weighted = false;

  explicit Groupings(const v1::GetSatisfactionRequest& request)
      : weighted(request.weighting().target() != v1::WEIGHTING_TARGET_UNSPECIFIED) {
    for (int grouping : request.group_by()) {
      switch (grouping) {
        case v1::GROUPING_DAY:
        case v1::GROUPING_WEEK:
        case v1::GROUPING_MONTH:
          period = static_cast<v1::Grouping>(grouping);
          break;
        case v1::GROUPING_CUSTOMER_TYPE:
          customer_type = true;
          break;
        case v1::GROUPING_CHANNEL:
          channel = true;
          break;
        case v1::GROUPING_AGENT:
          agent = true;
          break;
        case v1::GROUPING_DIMENSION:
          dimension = true;
          break;
        case v1::GROUPING_ITEM:
          item = true;
          break;
        default:
          for (int part = 0; part < kContextParts; ++part) {
            if (grouping == kContextGroupings[part]) context[part] = true;
          }
      }
    }
  }

  bool AnyContext() const { return std::find(context.begin(), context.end(), true) != context.end(); }
  // The aggregates are read apart by customer type: to group or to weight by it.
  bool ReadsCustomerType() const { return customer_type || weighted; }

  // The first day of the period `day` falls in (0 when not grouped by one).
  int PeriodOf(int day) const {
    absl::CivilDay civil = CivilDayOf(day);
    switch (period) {
      case v1::GROUPING_DAY:
        return day;
      case v1::GROUPING_WEEK:
        return ReportDayNumber(absl::PrevWeekday(civil + 1, absl::Weekday::monday));
      case v1::GROUPING_MONTH:
        return ReportDayNumber(absl::CivilDay(absl::CivilMonth(civil)));
      default:
        return 0;
    }
  }
};

// A group's key; the parts not grouped by stay empty.
struct GroupKey {
  int period = 0, customer_type = 0, channel = 0;
  std::string agent;
  ContextParts context;
  int dimension = 0;
  std::string item;

  auto Tie() const { return std::tie(period, customer_type, channel, agent, context, dimension, item); }
  bool operator<(const GroupKey& other) const { return Tie() < other.Tie(); }
  // The part responses are counted by: period, customer type, channel, agent, context.
  GroupKey Cell() const { return {period, customer_type, channel, agent, context, 0, ""}; }
  GroupKey WithoutPeriod() const { return {0, customer_type, channel, agent, context, dimension, item}; }
};

// Where a bucket of the aggregates falls: the parts not read stay empty.
struct BucketPlace {
  int day = 0, customer_type = 0, channel = 0;
  std::string agent;
  ContextParts context;
};

struct Group {
  std::map<std::string, ItemTally> items;  // by code
  // The same by customer type, when weighting.
  std::map<std::string, StratifiedItem> stratified;
};

// Each value must be one the API defines, and not its _UNSPECIFIED (0).
template <typename Values>
absl::Status CheckEnumValues(absl::string_view field, const Values& values, bool (*is_valid)(int)) {
  for (int i = 0; i < values.size(); ++i) {
    if (values[i] == 0 || !is_valid(values[i])) {
      return FieldError(absl::StrCat(field, "[", i, "]"), absl::StrCat("unknown value ", values[i]));
    }
  }
  return absl::OkStatus();
}

// "col IN (:prefix0, ...)" for a filter's values, or nothing when it keeps all.
template <typename T>
std::string InFilter(const char* column, const char* prefix, const std::vector<T>& values) {
  if (values.empty()) return "";
  return absl::StrCat(" AND ", column, " IN (", storage::Placeholders(prefix, values.size()), ")");
}

// Folds aggregate buckets into the request's groups.
class Groups {
 public:
  Groups(const v1::GetSatisfactionRequest& request, const ReportQuestionnaire& questionnaire)
      : groupings_(request),
        questionnaire_(questionnaire),
        dimensions_(request.filter().dimensions().begin(), request.filter().dimensions().end()) {}

  const Groupings& groupings() const { return groupings_; }
  // Already more groups than a reply may hold: reading on would only use memory
  // for a refusal (Complete refuses).
  bool TooMany() const { return groups_.size() > kMaxGroups; }

  // A bucket: `answers` scoring `score` on item `code`, or for code "" the
  // number of responses.
  void Add(const BucketPlace& place, const std::string& code, int score, long long answers) {
    GroupKey cell{groupings_.PeriodOf(place.day),
                  groupings_.customer_type ? place.customer_type : 0,
                  groupings_.channel ? place.channel : 0,
                  groupings_.agent ? place.agent : "",
                  {},
                  0,
                  ""};
    for (int part = 0; part < kContextParts; ++part) {
      if (groupings_.context[part]) cell.context[part] = place.context[part];
    }
    if (code.empty()) {
      responses_[cell] += answers;
      return;
    }
    auto item = questionnaire_.by_code.find(code);
    if (item == questionnaire_.by_code.end() || item->second.kind != v1::ITEM_KIND_SCALE) return;
    if (!dimensions_.empty() && !dimensions_.count(item->second.dimension)) return;
    GroupKey key = cell;
    if (groupings_.dimension) key.dimension = item->second.dimension;
    if (groupings_.item) key.item = code;
    Group& group = groups_[key];
    ItemTally& tally = group.items[code];
    tally.weight = item->second.weight;
    tally.dimension = item->second.dimension;
    tally.scores.Add(score, answers);
    if (groupings_.weighted) {
      StratifiedItem& stratified = group.stratified[code];
      stratified.weight = item->second.weight;
      stratified.by_type[place.customer_type].Add(score, answers);
    }
  }

  // Adds what shows though nothing was answered: cells with responses, every
  // period of the range for each other key seen, one group when ungrouped.
  // INVALID_ARGUMENT naming group_by beyond kMaxGroups.
  absl::Status Complete(absl::CivilDay first, absl::CivilDay last, bool ungrouped) {
    if (!groupings_.dimension && !groupings_.item) {
      for (const auto& [cell, count] : responses_) groups_[cell];
    }
    if (groupings_.period) {
      std::set<GroupKey> others;
      for (const auto& [key, group] : groups_) others.insert(key.WithoutPeriod());
      if (others.empty() && !groupings_.dimension && !groupings_.item && !groupings_.customer_type &&
          !groupings_.channel && !groupings_.agent && !groupings_.AnyContext()) {
        others.insert(GroupKey{});
      }
      for (absl::CivilDay day = first; day <= last && groups_.size() <= kMaxGroups; ++day) {
        for (GroupKey key : others) {
          key.period = groupings_.PeriodOf(ReportDayNumber(day));
          groups_[key];
        }
      }
    }
    if (ungrouped && groups_.empty()) groups_[GroupKey{}];
    if (groups_.size() > kMaxGroups) {
      return FieldError(
          "group_by", absl::StrCat("more than ", kMaxGroups, " groups; narrow the range, the filter or the grouping"));
    }
    return absl::OkStatus();
  }

  // A group's 5-point tallies (none when the group has no answers).
  std::vector<const ItemTally*> TalliesOf(const GroupKey& key) const {
    std::vector<const ItemTally*> tallies;
    if (auto group = groups_.find(key); group != groups_.end()) {
      for (const auto& [code, tally] : group->second.items) tallies.push_back(&tally);
    }
    return tallies;
  }

  // The group's figures reweighted to `target`; nothing when it has no
  // answers, or there is no target (no weighting).
  std::optional<v1::WeightedFigures> WeightedFiguresIn(const GroupKey& key, const TypeShares& target) const {
    auto group = groups_.find(key);
    if (target.empty() || group == groups_.end() || group->second.stratified.empty()) return std::nullopt;
    std::vector<const StratifiedItem*> items;
    for (const auto& [code, item] : group->second.stratified) items.push_back(&item);
    return WeightedFiguresOf(items, target);
  }

  long long ResponsesIn(const GroupKey& key) const {
    auto counted = responses_.find(key.Cell());
    return counted == responses_.end() ? 0 : counted->second;
  }

  // With `compared`, the same groups over the comparison range: each group
  // gets its comparison and the tests of its changes. With a `target` mix
  // (not empty), each group and comparison also gets its weighted figures.
  void Reply(int min_responses, const Groups* compared, const TypeShares& target,
             v1::GetSatisfactionResponse& reply) const {
    for (const auto& [key, group] : groups_) {
      v1::SatisfactionGroup& out = *reply.add_groups();
      if (groupings_.period) out.set_period_start(absl::FormatCivilTime(CivilDayOf(key.period)));
      out.set_customer_type(ProtoEnumOrUnspecified<v1::CustomerType>(key.customer_type));
      out.set_channel(ProtoEnumOrUnspecified<v1::Channel>(key.channel));
      out.set_agent_id(key.agent);
      out.set_dimension(ProtoEnumOrUnspecified<v1::Dimension>(key.dimension));
      out.set_item_code(key.item);
      out.set_platform(key.context[0]);
      out.set_store(key.context[1]);
      out.set_product_category(key.context[2]);
      out.set_courier(key.context[3]);
      out.set_cause(key.context[4]);
      out.set_responses(ResponsesIn(key));
      out.set_too_small(out.responses() < min_responses);
      if (compared != nullptr) {
        *out.mutable_comparison() = CompareWith(*compared, key, out.responses(), min_responses, target);
      }
      if (auto weighted = WeightedFiguresIn(key, target)) *out.mutable_weighted() = *std::move(weighted);
      std::vector<const ItemTally*> all;
      std::map<int, std::vector<const ItemTally*>> by_dimension;
      for (const auto& [code, tally] : group.items) {
        all.push_back(&tally);
        by_dimension[tally.dimension].push_back(&tally);
      }
      *out.mutable_figures() = FiguresOf(all);
      for (const auto& [dimension, tallies] : by_dimension) {
        v1::DimensionFigures& figures = *out.add_dimensions();
        figures.set_dimension(ProtoEnumOrUnspecified<v1::Dimension>(dimension));
        *figures.mutable_figures() = FiguresOf(tallies);
      }
    }
  }

 private:
  // The group `key` in the comparison range, and the tests of its changes
  // unless either side is too small.
  v1::Comparison CompareWith(const Groups& compared, const GroupKey& key, long long responses, int min_responses,
                             const TypeShares& target) const {
    v1::Comparison comparison;
    comparison.set_responses(compared.ResponsesIn(key));
    std::vector<const ItemTally*> base = compared.TalliesOf(key);
    *comparison.mutable_figures() = FiguresOf(base);
    if (auto weighted = compared.WeightedFiguresIn(key, target)) *comparison.mutable_weighted() = *std::move(weighted);
    comparison.set_too_small(responses < min_responses || comparison.responses() < min_responses);
    if (comparison.too_small()) return comparison;
    ScoreCounts now_counts = Pooled(TalliesOf(key)), base_counts = Pooled(base);
    auto top = [](const ScoreCounts& c) { return c.of_score[3] + c.of_score[4]; };
    auto bottom = [](const ScoreCounts& c) { return c.of_score[0] + c.of_score[1]; };
    if (auto test = WelchTTest(now_counts, base_counts)) *comparison.mutable_mean_score() = *test;
    if (auto test =
            TwoProportionZTest(top(now_counts), now_counts.answers(), top(base_counts), base_counts.answers())) {
      *comparison.mutable_csat() = *test;
    }
    if (auto test =
            TwoProportionZTest(bottom(now_counts), now_counts.answers(), bottom(base_counts), base_counts.answers())) {
      *comparison.mutable_dissatisfied() = *test;
    }
    return comparison;
  }

  static ScoreCounts Pooled(const std::vector<const ItemTally*>& tallies) {
    ScoreCounts pooled;
    for (const ItemTally* tally : tallies) {
      for (int score = 1; score <= 5; ++score) pooled.Add(score, tally->scores.of_score[score - 1]);
    }
    return pooled;
  }

  const Groupings groupings_;
  const ReportQuestionnaire& questionnaire_;
  const std::set<int> dimensions_;
  std::map<GroupKey, Group> groups_;
  std::map<GroupKey, long long> responses_;  // by cell
};

// A response_day_rollups row: a day's counts of an item for a customer type,
// of one version and one slot.
struct DayBucket {
  int day = 0, customer_type = 0;
  std::string item;
  long long sums[6] = {};  // responses, scored_1..5

  static constexpr char kColumns[] =
      "day, customer_type, item_code, responses, scored_1, scored_2, scored_3, scored_4, scored_5";

  // Reads the columns of kColumns, in their order.
  void Into(storage::Query& query) {
    query.Into(day).Into(customer_type).Into(item);
    for (long long& sum : sums) query.Into(sum);
  }
};

// A response_rollups row summed over what is not grouped by (those columns
// read as 0 or ''), slots included.
struct Bucket {
  int day = 0, customer_type = 0, channel = 0, score = 0;
  std::string item, agent;
  long long answers = 0;

  // Reads day, customer_type, item_code, channel, agent_id, score, answers.
  void Into(storage::Query& query) {
    query.Into(day).Into(customer_type).Into(item).Into(channel).Into(agent).Into(score).Into(answers);
  }
};

// The buckets of a request's range and filters, read row by row (there can
// be tens of thousands) and added to `groups`.
class BucketReader {
 public:
  BucketReader(const v1::GetSatisfactionRequest& request, const ReportQuestionnaire& questionnaire, int first_day,
               int last_day)
      : questionnaire_id_(request.questionnaire_id()),
        versions_(questionnaire.versions),
        first_day_(first_day),
        last_day_(last_day),
        types_(request.filter().customer_types().begin(), request.filter().customer_types().end()),
        channels_(request.filter().channels().begin(), request.filter().channels().end()),
        agents_(request.filter().agent_ids().begin(), request.filter().agent_ids().end()),
        contexts_(ContextFilterOf(request.filter())) {}

  void Read(storage::Transaction& tx, Groups& groups) {
    const Groupings& by = groups.groupings();
    bool context_filtered = std::any_of(contexts_.begin(), contexts_.end(), [](const auto& v) { return !v.empty(); });
    if (by.AnyContext() || context_filtered) {
      ReadByContext(tx, groups);
    } else if (!by.agent && !by.channel && agents_.empty() && channels_.empty()) {
      ReadByDay(tx, groups);
    } else if (!by.ReadsCustomerType() && types_.empty()) {
      ReadByChannel(tx, groups);
    } else {
      ReadAll(tx, groups);
    }
  }

 private:
  std::string Where() const {
    std::string where = absl::StrCat(" WHERE questionnaire_id = :q AND questionnaire_version IN (",
                                     storage::Placeholders("v", versions_.size()),
                                     ") AND day >= :first AND day <= :last", InFilter("customer_type", "t", types_),
                                     InFilter("channel", "c", channels_), InFilter("agent_id", "a", agents_));
    for (int part = 0; part < kContextParts; ++part) {
      absl::StrAppend(&where, InFilter(kContextColumns[part], ContextPrefix(part).c_str(), contexts_[part]));
    }
    return where;
  }

  // Binds the placeholders of Where().
  void BindWhere(storage::Query& query) const {
    query.Bind("q", questionnaire_id_).BindEach("v", versions_).Bind("first", first_day_).Bind("last", last_day_);
    query.BindEach("t", types_).BindEach("c", channels_).BindEach("a", agents_);
    for (int part = 0; part < kContextParts; ++part) query.BindEach(ContextPrefix(part), contexts_[part]);
  }

  static std::string ContextPrefix(int part) { return absl::StrCat("x", part, "_"); }

  // A row of counts: item '' counts responses (sums[0]); an item, its answers
  // of each score (sums[1..5]).
  static void AddCounts(Groups& groups, const BucketPlace& place, const std::string& item, const long long sums[6]) {
    for (int score = 0; score <= 5; ++score) {
      if (sums[score] > 0 && (score > 0) != item.empty()) groups.Add(place, item, score, sums[score]);
    }
  }

  // By day and customer type: a row per item with its counts of each score,
  // read as stored; versions and slots are summed here. (A GROUP BY in the
  // database cost a tenth more: one node's rows are all of one slot.)
  void ReadByDay(storage::Transaction& tx, Groups& groups) const {
    DayBucket row;
    storage::Query query(tx, absl::StrCat("SELECT ", DayBucket::kColumns, " FROM response_day_rollups", Where()));
    BindWhere(query);
    query.IntoRow(row).Start();
    while (!groups.TooMany() && query.Next()) {
      AddCounts(groups, {.day = row.day, .customer_type = row.customer_type}, row.item, row.sums);
    }
  }

  // By channel or agent, without customer types: the aggregates by channel
  // and agent, summed by the database over what is not grouped by, a row per
  // item with its counts of each score.
  void ReadByChannel(storage::Transaction& tx, Groups& groups) const {
    const Groupings& by = groups.groupings();
    std::string group_by = "item_code";
    if (by.period) absl::StrAppend(&group_by, ", day");
    if (by.channel) absl::StrAppend(&group_by, ", channel");
    if (by.agent) absl::StrAppend(&group_by, ", agent_id");
    BucketPlace place;
    std::string item;
    long long sums[6] = {};
    storage::Query query(
        tx, absl::StrCat("SELECT ", by.period ? "day" : "0", ", ", by.channel ? "channel" : "0", ", ",
                         by.agent ? "agent_id" : "''",
                         ", item_code, SUM(responses), SUM(scored_1), SUM(scored_2), SUM(scored_3), SUM(scored_4),"
                         " SUM(scored_5) FROM response_channel_rollups",
                         Where(), " GROUP BY ", group_by));
    BindWhere(query);
    query.Into(place.day).Into(place.channel).Into(place.agent).Into(item);
    for (long long& sum : sums) query.Into(sum);
    query.Start();
    while (!groups.TooMany() && query.Next()) AddCounts(groups, place, item, sums);
  }

  // By channel or agent with customer types: the full aggregates, summed by
  // the database over what is not grouped by.
  void ReadAll(storage::Transaction& tx, Groups& groups) const {
    const Groupings& by = groups.groupings();
    std::string group_by = "item_code, score";
    if (by.period) absl::StrAppend(&group_by, ", day");
    if (by.ReadsCustomerType()) absl::StrAppend(&group_by, ", customer_type");
    if (by.channel) absl::StrAppend(&group_by, ", channel");
    if (by.agent) absl::StrAppend(&group_by, ", agent_id");
    Bucket row;
    storage::Query query(
        tx, absl::StrCat("SELECT ", by.period ? "day" : "0", ", ", by.ReadsCustomerType() ? "customer_type" : "0",
                         ", item_code, ", by.channel ? "channel" : "0", ", ", by.agent ? "agent_id" : "''",
                         ", score, SUM(answers) FROM response_rollups", Where(), " GROUP BY ", group_by));
    BindWhere(query);
    query.IntoRow(row).Start();
    while (!groups.TooMany() && query.Next()) {
      groups.Add({.day = row.day, .customer_type = row.customer_type, .channel = row.channel, .agent = row.agent},
                 row.item, row.score, row.answers);
    }
  }

  // By business context: the aggregates by context, summed by the database
  // over what is not grouped by, a row per item with its counts of each score.
  void ReadByContext(storage::Transaction& tx, Groups& groups) const {
    const Groupings& by = groups.groupings();
    std::string columns = absl::StrCat(by.period ? "day" : "0", ", ", by.ReadsCustomerType() ? "customer_type" : "0");
    std::string group_by = "item_code";
    if (by.period) absl::StrAppend(&group_by, ", day");
    if (by.ReadsCustomerType()) absl::StrAppend(&group_by, ", customer_type");
    for (int part = 0; part < kContextParts; ++part) {
      absl::StrAppend(&columns, ", ", by.context[part] ? kContextColumns[part] : "''");
      if (by.context[part]) absl::StrAppend(&group_by, ", ", kContextColumns[part]);
    }
    BucketPlace place;
    std::string item;
    long long sums[6] = {};
    storage::Query query(tx, absl::StrCat("SELECT ", columns,
                                          ", item_code, SUM(responses), SUM(scored_1), SUM(scored_2), SUM(scored_3),"
                                          " SUM(scored_4), SUM(scored_5) FROM response_context_rollups",
                                          Where(), " GROUP BY ", group_by));
    BindWhere(query);
    query.Into(place.day).Into(place.customer_type);
    for (std::string& part : place.context) query.Into(part);
    query.Into(item);
    for (long long& sum : sums) query.Into(sum);
    query.Start();
    while (!groups.TooMany() && query.Next()) AddCounts(groups, place, item, sums);
  }

  const std::string questionnaire_id_;
  const std::vector<int> versions_;
  const int first_day_, last_day_;
  const std::vector<int> types_, channels_;
  const std::vector<std::string> agents_;
  const ContextFilter contexts_;
};

// Adjusts each test's p-values over the groups it was made for
// (Benjamini–Hochberg) and flags the changes that stay below 0.05.
void AdjustForManyGroups(v1::GetSatisfactionResponse& reply) {
  using TestOf = v1::ChangeTest* (*)(v1::Comparison&);
  const TestOf tests[] = {[](v1::Comparison& c) { return c.has_mean_score() ? c.mutable_mean_score() : nullptr; },
                          [](v1::Comparison& c) { return c.has_csat() ? c.mutable_csat() : nullptr; },
                          [](v1::Comparison& c) { return c.has_dissatisfied() ? c.mutable_dissatisfied() : nullptr; }};
  for (TestOf test_of : tests) {
    std::vector<v1::ChangeTest*> made;
    std::vector<double> p_values;
    for (v1::SatisfactionGroup& group : *reply.mutable_groups()) {
      if (v1::ChangeTest* test = test_of(*group.mutable_comparison())) {
        made.push_back(test);
        p_values.push_back(test->p_value());
      }
    }
    std::vector<double> adjusted = BenjaminiHochberg(p_values);
    for (size_t i = 0; i < made.size(); ++i) {
      made[i]->set_adjusted_p_value(adjusted[i]);
      made[i]->set_significant(adjusted[i] < 0.05);
    }
  }
}

}  // namespace

ContextFilter ContextFilterOf(const v1::SatisfactionFilter& filter) {
  auto values = [](const auto& field) { return std::vector<std::string>(field.begin(), field.end()); };
  return {values(filter.platforms()), values(filter.stores()), values(filter.product_categories()),
          values(filter.couriers()), values(filter.causes())};
}

absl::Status ValidateReportQuestionnaire(const std::string& id, int version) {
  if (absl::Status s = questionnaires::ValidateQuestionnaireRef("questionnaire_id", id); !s.ok()) return s;
  if (version < 0) return FieldError("questionnaire_version", "0 (all) or a version");
  return absl::OkStatus();
}

namespace {

// A range of days whose fields are named `first_field` and `last_field`.
absl::Status ValidateDays(absl::string_view first_field, const std::string& first_day, absl::string_view last_field,
                          const std::string& last_day) {
  absl::CivilDay first, last;
  if (first_day.empty()) return FieldError(first_field, "required: the range's first day, YYYY-MM-DD");
  if (last_day.empty()) return FieldError(last_field, "required: the range's last day, YYYY-MM-DD");
  if (!ParseReportDay(first_day, &first)) {
    return FieldError(first_field, absl::StrCat("not a day (YYYY-MM-DD): ", Quote(first_day)));
  }
  if (!ParseReportDay(last_day, &last)) {
    return FieldError(last_field, absl::StrCat("not a day (YYYY-MM-DD): ", Quote(last_day)));
  }
  if (last < first) return FieldError(last_field, absl::StrCat("before ", first_field));
  if (last - first + 1 > kMaxReportDays) {
    return FieldError(last_field, absl::StrCat(last - first + 1, " days; at most ", kMaxReportDays));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateReportDays(const std::string& first_day, const std::string& last_day) {
  return ValidateDays("first_day", first_day, "last_day", last_day);
}

absl::Status ValidateSatisfactionFilter(const v1::SatisfactionFilter& filter) {
  const std::pair<const char*, int> sizes[] = {{"filter.customer_types", filter.customer_types_size()},
                                               {"filter.channels", filter.channels_size()},
                                               {"filter.agent_ids", filter.agent_ids_size()},
                                               {"filter.dimensions", filter.dimensions_size()},
                                               {"filter.platforms", filter.platforms_size()},
                                               {"filter.stores", filter.stores_size()},
                                               {"filter.product_categories", filter.product_categories_size()},
                                               {"filter.couriers", filter.couriers_size()},
                                               {"filter.causes", filter.causes_size()}};
  for (const auto& [field, size] : sizes) {
    if (size > kMaxFilterValues) return FieldError(field, absl::StrCat("at most ", kMaxFilterValues, " values"));
  }
  if (absl::Status s = CheckEnumValues("filter.customer_types", filter.customer_types(), v1::CustomerType_IsValid);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckEnumValues("filter.channels", filter.channels(), v1::Channel_IsValid); !s.ok()) return s;
  if (absl::Status s = CheckEnumValues("filter.dimensions", filter.dimensions(), v1::Dimension_IsValid); !s.ok()) {
    return s;
  }
  for (int i = 0; i < filter.agent_ids_size(); ++i) {
    if (absl::Status s = customers::ValidateId(absl::StrCat("filter.agent_ids[", i, "]"), filter.agent_ids(i), 64);
        !s.ok()) {
      return s;
    }
  }
  const ContextFilter contexts = ContextFilterOf(filter);
  const char* const fields[kContextParts] = {"filter.platforms", "filter.stores", "filter.product_categories",
                                             "filter.couriers", "filter.causes"};
  for (int part = 0; part < kContextParts; ++part) {
    for (size_t i = 0; i < contexts[part].size(); ++i) {
      if (absl::Status s = CheckText(absl::StrCat(fields[part], "[", i, "]"), contexts[part][i], part == 0 ? 32 : 64,
                                     LineBreaks::kForbidden);
          !s.ok()) {
        return s;
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateSatisfactionRequest(const v1::GetSatisfactionRequest& request) {
  if (absl::Status s = ValidateReportQuestionnaire(request.questionnaire_id(), request.questionnaire_version());
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateReportDays(request.first_day(), request.last_day()); !s.ok()) return s;
  std::set<int> seen;
  int periods = 0;
  for (int i = 0; i < request.group_by_size(); ++i) {
    int grouping = request.group_by(i);
    std::string field = absl::StrCat("group_by[", i, "]");
    if (grouping <= v1::GROUPING_UNSPECIFIED || grouping > v1::GROUPING_CAUSE) {
      return FieldError(field, absl::StrCat("unknown grouping ", grouping));
    }
    if (!seen.insert(grouping).second) return FieldError(field, "grouped by twice");
    if (grouping <= v1::GROUPING_MONTH && ++periods > 1) return FieldError(field, "one period (day, week or month)");
  }
  if (absl::Status s = ValidateSatisfactionFilter(request.filter()); !s.ok()) return s;
  // The aggregates by context have no channel or agent.
  Groupings groupings(request);
  const v1::SatisfactionFilter& filter = request.filter();
  bool context_filtered = filter.platforms_size() + filter.stores_size() + filter.product_categories_size() +
                              filter.couriers_size() + filter.causes_size() >
                          0;
  if ((groupings.AnyContext() || context_filtered) &&
      (groupings.channel || groupings.agent || filter.channels_size() > 0 || filter.agent_ids_size() > 0)) {
    return FieldError("group_by",
                      "figures by business context are kept by customer type and day, not by channel or agent:"
                      " group or filter by one of the two");
  }
  if (request.min_responses() < 0) return FieldError("min_responses", "0 (30) or more");
  if (!request.compare_first_day().empty() || !request.compare_last_day().empty()) {
    if (absl::Status s = ValidateDays("compare_first_day", request.compare_first_day(), "compare_last_day",
                                      request.compare_last_day());
        !s.ok()) {
      return s;
    }
    if (groupings.period != v1::GROUPING_UNSPECIFIED) {
      return FieldError("group_by",
                        "a comparison range has no day, week or month matching this range's: group by"
                        " something else, or ask for each period's figures without a comparison");
    }
  }
  return ValidateWeighting(request);
}

absl::StatusOr<v1::GetSatisfactionResponse> SatisfactionReports::Get(const v1::GetSatisfactionRequest& request) {
  absl::CivilDay first, last;
  ParseReportDay(request.first_day(), &first);
  ParseReportDay(request.last_day(), &last);
  bool comparing = !request.compare_first_day().empty();
  absl::CivilDay compare_first, compare_last;
  ParseReportDay(request.compare_first_day(), &compare_first);
  ParseReportDay(request.compare_last_day(), &compare_last);
  std::optional<ReportQuestionnaire> questionnaire;
  std::optional<Groups> groups, compared;
  TypeShares target;
  absl::Status status = database_.InTransaction(Access::kRead, [&](storage::Transaction& tx) -> absl::Status {
    absl::StatusOr<ReportQuestionnaire> loaded =
        LoadReportQuestionnaire(tx, request.questionnaire_id(), request.questionnaire_version());
    if (!loaded.ok()) return loaded.status();
    questionnaire = *std::move(loaded);
    absl::StatusOr<TypeShares> mix = LoadTargetMix(tx, request);
    if (!mix.ok()) return mix.status();
    target = *std::move(mix);
    groups.emplace(request, *questionnaire);
    BucketReader(request, *questionnaire, ReportDayNumber(first), ReportDayNumber(last)).Read(tx, *groups);
    if (comparing) {
      compared.emplace(request, *questionnaire);
      BucketReader(request, *questionnaire, ReportDayNumber(compare_first), ReportDayNumber(compare_last))
          .Read(tx, *compared);
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (absl::Status s = groups->Complete(first, last, request.group_by_size() == 0); !s.ok()) return s;
  v1::GetSatisfactionResponse reply;
  reply.set_time_zone(zone_.name());
  groups->Reply(request.min_responses() > 0 ? request.min_responses() : kDefaultMinResponses,
                compared ? &*compared : nullptr, target, reply);
  if (comparing) AdjustForManyGroups(reply);
  return reply;
}

}  // namespace satisfaction::analytics
