#include "services/analytics/satisfaction_reports.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "services/analytics/aggregate_rebuild.h"
#include "services/analytics/change_tests.h"
#include "services/analytics/response_export.h"
#include "services/analytics/response_funnel.h"
#include "services/analytics/satisfaction_figures.h"
#include "services/common/report_days.h"
#include "services/customers/customer_store.h"
#include "services/customers/customer_validation.h"
#include "services/invitations/invitations.h"
#include "services/questionnaires/questionnaire_store.h"
#include "services/responses/response_rows.h"
#include "services/responses/response_store.h"
#include "services/revisits/revisit_store.h"
#include "services/storage/migrations.h"
#include "services/storage/transaction.h"
#include "services/storage/write_batch.h"
#include "tests/storage/satisfaction_reports_fixture.h"
#include "tests/support/backend_test.h"
#include "tests/support/reference_values.h"
#include "tests/support/sample_questionnaires.h"
#include "tests/support/test_database.h"

namespace satisfaction::analytics {
namespace {

using google::protobuf::util::TimeUtil;

// The figures by day and customer type equal what plain SQL over the raw
// answers gives, for random responses.
TEST_P(SatisfactionReportsTest, FiguresFromTheAggregatesEqualPlainSqlOverTheRawAnswers) {
  std::mt19937 random(7);
  const v1::CustomerType types[] = {v1::CUSTOMER_TYPE_NEW, v1::CUSTOMER_TYPE_ACTIVE, v1::CUSTOMER_TYPE_LOYAL};
  const v1::Channel channels[] = {v1::CHANNEL_SMS, v1::CHANNEL_IM, v1::CHANNEL_EMAIL};
  for (int i = 0; i < 90; ++i) {
    std::string token = Survey(types[random() % 3], channels[random() % 3]);
    std::vector<int> scores = {1 + static_cast<int>(random() % 5), 1 + static_cast<int>(random() % 5),
                               1 + static_cast<int>(random() % 5)};
    Answer(token, scores, start_ + absl::Hours(24 * static_cast<int>(random() % 4)) + absl::Minutes(i));
  }

  absl::StatusOr<v1::GetSatisfactionResponse> report =
      reports_->Get(Request("2026-11-22", "2026-11-27", {v1::GROUPING_DAY, v1::GROUPING_CUSTOMER_TYPE}));
  ASSERT_TRUE(report.ok()) << report.status();

  // Straight from the raw rows: per day, type and item, the count, sum and sum of squares, 4-5s and 1-2s.
  struct Raw {
    long long n = 0, sum = 0, squares = 0, satisfied = 0, dissatisfied = 0;
  };
  std::map<std::tuple<int, int>, std::map<std::string, Raw>> raw;
  std::map<std::tuple<int, int>, long long> raw_responses;
  ASSERT_TRUE(database_
                  ->InTransaction(storage::Access::kRead,
                                  [&](storage::Transaction& tx) {
                                    soci::session& session = tx.session();
                                    int day = 0, type = 0;
                                    std::string code;
                                    Raw row;
                                    soci::statement answers =
                                        (session.prepare
                                             << "SELECT r.report_day, r.customer_type, a.item_code, COUNT(*),"
                                                " SUM(a.score), SUM(a.score * a.score),"
                                                " SUM(CASE WHEN a.score >= 4 THEN 1 ELSE 0 END),"
                                                " SUM(CASE WHEN a.score <= 2 THEN 1 ELSE 0 END)"
                                                " FROM responses r JOIN response_answers a ON a.response_id = r.id"
                                                " GROUP BY r.report_day, r.customer_type, a.item_code",
                                         soci::into(day), soci::into(type), soci::into(code), soci::into(row.n),
                                         soci::into(row.sum), soci::into(row.squares), soci::into(row.satisfied),
                                         soci::into(row.dissatisfied));
                                    answers.execute();
                                    while (answers.fetch()) raw[{day, type}][code] = row;
                                    long long count = 0;
                                    soci::statement responses =
                                        (session.prepare << "SELECT report_day, customer_type, COUNT(*) FROM"
                                                            " responses GROUP BY report_day, customer_type",
                                         soci::into(day), soci::into(type), soci::into(count));
                                    responses.execute();
                                    while (responses.fetch()) raw_responses[{day, type}] = count;
                                    return absl::OkStatus();
                                  })
                  .ok());
  ASSERT_FALSE(raw.empty());

  int groups_with_answers = 0;
  for (const v1::SatisfactionGroup& group : report->groups()) {
    int day = 0;
    ASSERT_EQ(group.period_start().size(), 10u);
    day = std::stoi(group.period_start().substr(0, 4) + group.period_start().substr(5, 2) +
                    group.period_start().substr(8, 2));
    auto key = std::make_tuple(day, static_cast<int>(group.customer_type()));
    auto found = raw.find(key);
    if (found == raw.end()) {
      EXPECT_EQ(group.figures().answers(), 0) << group.period_start();
      EXPECT_FALSE(group.figures().has_mean_score());
      continue;
    }
    ++groups_with_answers;
    Raw all;
    double weights = 0, weighted = 0;
    for (const auto& [code, item] : found->second) {
      all.n += item.n;
      all.sum += item.sum;
      all.squares += item.squares;
      all.satisfied += item.satisfied;
      all.dissatisfied += item.dissatisfied;
      weights += kWeights.at(code);
      weighted += kWeights.at(code) * 100.0 * (static_cast<double>(item.sum) / item.n - 1) / 4;
    }
    EXPECT_EQ(group.responses(), raw_responses[key]);
    EXPECT_EQ(group.figures().answers(), all.n);
    EXPECT_NEAR(group.figures().mean_score(), static_cast<double>(all.sum) / all.n, 1e-9);
    EXPECT_NEAR(group.figures().csat_percent(), 100.0 * all.satisfied / all.n, 1e-9);
    EXPECT_NEAR(group.figures().dissatisfied_percent(), 100.0 * all.dissatisfied / all.n, 1e-9);
    EXPECT_NEAR(group.figures().index(), weighted / weights, 1e-9);
    if (all.n >= 2) {
      double variance = (all.squares - static_cast<double>(all.sum) * all.sum / all.n) / (all.n - 1);
      EXPECT_NEAR(group.figures().mean_score_interval().high() - group.figures().mean_score(),
                  1.96 * std::sqrt(variance / all.n), 1e-9);
    }
    EXPECT_TRUE(group.too_small());  // fewer than 30 responses each
  }
  EXPECT_EQ(groups_with_answers, static_cast<int>(raw.size()));
  // Every day of the range for each type seen, empty days included.
  EXPECT_EQ(report->groups_size(), 6 * 3);
}

// Each group beside the week before, with the tests of its changes checked
// against SciPy over the same answers.
TEST_P(SatisfactionReportsTest, AComparisonTestsEachGroupsChangesAsSciPyDoes) {
  std::mt19937 random(11);
  // By customer type and week (0 this one, 1 the one before): counts of 1s to 5s over every answer.
  std::map<std::pair<int, int>, ScoreCounts> counts;
  auto answer_week = [&](v1::CustomerType type, int week, int responses, int lowest) {
    for (int i = 0; i < responses; ++i) {
      std::vector<int> scores;
      for (int item = 0; item < 3; ++item) scores.push_back(lowest + static_cast<int>(random() % (6 - lowest)));
      for (int score : scores) counts[{type, week}].Add(score, 1);
      Answer(Survey(type, v1::CHANNEL_SMS), scores, start_ - absl::Hours(24 * 7 * week) + absl::Minutes(i));
    }
  };
  answer_week(v1::CUSTOMER_TYPE_NEW, 0, 14, 1);
  answer_week(v1::CUSTOMER_TYPE_NEW, 1, 12, 3);  // a drop
  answer_week(v1::CUSTOMER_TYPE_LOYAL, 0, 12, 2);
  answer_week(v1::CUSTOMER_TYPE_LOYAL, 1, 13, 2);
  answer_week(v1::CUSTOMER_TYPE_ACTIVE, 0, 6, 1);
  answer_week(v1::CUSTOMER_TYPE_ACTIVE, 1, 2, 1);  // too few to test

  v1::GetSatisfactionRequest request = Request("2026-11-23", "2026-11-29", {v1::GROUPING_CUSTOMER_TYPE});
  request.set_compare_first_day("2026-11-16");
  request.set_compare_last_day("2026-11-22");
  request.set_min_responses(5);
  ASSERT_TRUE(ValidateSatisfactionRequest(request).ok());
  absl::StatusOr<v1::GetSatisfactionResponse> report = reports_->Get(request);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->groups_size(), 3);

  const v1::CustomerType tested[] = {v1::CUSTOMER_TYPE_NEW, v1::CUSTOMER_TYPE_LOYAL};
  std::string cases = R"({"proportions": [)";
  for (int type : tested) {
    for (bool satisfied : {true, false}) {
      auto of = [&](int week) {
        const ScoreCounts& c = counts[{type, week}];
        return absl::StrCat(satisfied ? c.of_score[3] + c.of_score[4] : c.of_score[0] + c.of_score[1], ", ",
                            c.answers());
      };
      absl::StrAppend(&cases, type == tested[0] && satisfied ? "" : ", ", "[", of(0), ", ", of(1), "]");
    }
  }
  absl::StrAppend(&cases, R"(], "means": [)");
  for (int type : tested) {
    absl::StrAppend(&cases, type == tested[0] ? "" : ", ", "[[", absl::StrJoin(counts[{type, 0}].of_score, ", "),
                    "], [", absl::StrJoin(counts[{type, 1}].of_score, ", "), "]]");
  }
  absl::StrAppend(&cases, R"(], "p_values": []})");
  std::vector<double> reference = test_support::ChangeTestReferences(cases);
  ASSERT_EQ(reference.size(), 2u * 2 * 2 + 3u * 2) << cases;
  auto close = [](double actual, double expected) {
    return std::abs(actual - expected) <= 1e-9 * std::max(1.0, std::abs(expected));
  };

  std::vector<double> csat_p, mean_p;
  for (const v1::SatisfactionGroup& group : report->groups()) {
    const v1::Comparison& comparison = group.comparison();
    if (group.customer_type() == v1::CUSTOMER_TYPE_ACTIVE) {
      EXPECT_EQ(group.responses(), 6);
      EXPECT_EQ(comparison.responses(), 2);
      EXPECT_TRUE(comparison.too_small());
      EXPECT_FALSE(comparison.has_mean_score() || comparison.has_csat() || comparison.has_dissatisfied());
      EXPECT_TRUE(comparison.figures().has_mean_score()) << "the figures show, untested";
      continue;
    }
    size_t index = group.customer_type() == v1::CUSTOMER_TYPE_NEW ? 0 : 1;
    EXPECT_FALSE(comparison.too_small());
    EXPECT_EQ(comparison.responses(), index == 0 ? 12 : 13);
    const double* z = &reference[index * 4];
    EXPECT_TRUE(close(comparison.csat().statistic() * comparison.csat().statistic(), z[0])) << comparison.DebugString();
    EXPECT_TRUE(close(comparison.csat().p_value(), z[1])) << comparison.DebugString();
    EXPECT_TRUE(close(comparison.dissatisfied().statistic() * comparison.dissatisfied().statistic(), z[2]));
    EXPECT_TRUE(close(comparison.dissatisfied().p_value(), z[3]));
    const double* t = &reference[8 + index * 3];
    EXPECT_TRUE(close(comparison.mean_score().statistic(), t[0])) << comparison.DebugString();
    EXPECT_TRUE(close(comparison.mean_score().degrees_of_freedom(), t[1]));
    EXPECT_TRUE(close(comparison.mean_score().p_value(), t[2]));
    EXPECT_DOUBLE_EQ(comparison.mean_score().change(),
                     group.figures().mean_score() - comparison.figures().mean_score());
    csat_p.push_back(comparison.csat().p_value());
    mean_p.push_back(comparison.mean_score().p_value());
  }
  // Each test adjusted over the two groups it was made for (the adjustment
  // itself is checked against its definition in change_tests_test).
  std::vector<double> csat_adjusted = BenjaminiHochberg(csat_p), mean_adjusted = BenjaminiHochberg(mean_p);
  size_t tested_index = 0;
  for (const v1::SatisfactionGroup& group : report->groups()) {
    if (group.comparison().too_small()) continue;
    EXPECT_DOUBLE_EQ(group.comparison().csat().adjusted_p_value(), csat_adjusted[tested_index]);
    EXPECT_DOUBLE_EQ(group.comparison().mean_score().adjusted_p_value(), mean_adjusted[tested_index]);
    EXPECT_EQ(group.comparison().mean_score().significant(), mean_adjusted[tested_index] < 0.05);
    ++tested_index;
  }
  EXPECT_EQ(tested_index, 2u);
}

TEST_P(SatisfactionReportsTest, DaysAreTheOperatorsDaysAndPeriodsStartOnMondaysAndFirsts) {
  // 23:59 and 00:01 in Shanghai: 15:59 and 16:01 UTC, one calendar day in UTC.
  absl::Time monday_night = absl::FromCivil(absl::CivilSecond(2026, 11, 23, 23, 59, 0), kShanghai);
  Answer(Survey(v1::CUSTOMER_TYPE_NEW, v1::CHANNEL_SMS), {5, 5, 5}, monday_night);
  Answer(Survey(v1::CUSTOMER_TYPE_NEW, v1::CHANNEL_SMS), {1, 1, 1}, monday_night + absl::Minutes(2));
  Answer(Survey(v1::CUSTOMER_TYPE_NEW, v1::CHANNEL_SMS), {3, 3, 3},
         absl::FromCivil(absl::CivilSecond(2026, 12, 1, 0, 30, 0), kShanghai));

  absl::StatusOr<v1::GetSatisfactionResponse> by_day =
      reports_->Get(Request("2026-11-23", "2026-11-24", {v1::GROUPING_DAY}));
  ASSERT_TRUE(by_day.ok()) << by_day.status();
  ASSERT_EQ(by_day->groups_size(), 2);
  EXPECT_EQ(by_day->time_zone(), "Asia/Shanghai");
  EXPECT_EQ(by_day->groups(0).period_start(), "2026-11-23");
  EXPECT_DOUBLE_EQ(by_day->groups(0).figures().index(), 100);
  EXPECT_EQ(by_day->groups(1).period_start(), "2026-11-24");
  EXPECT_DOUBLE_EQ(by_day->groups(1).figures().index(), 0);

  absl::StatusOr<v1::GetSatisfactionResponse> by_week =
      reports_->Get(Request("2026-11-22", "2026-12-01", {v1::GROUPING_WEEK}));
  ASSERT_TRUE(by_week.ok()) << by_week.status();
  ASSERT_EQ(by_week->groups_size(), 3);  // the weeks of Mon 11-16 (for Sun 11-22), 11-23 and 11-30
  EXPECT_EQ(by_week->groups(0).period_start(), "2026-11-16");
  EXPECT_EQ(by_week->groups(0).responses(), 0);
  EXPECT_EQ(by_week->groups(1).period_start(), "2026-11-23");
  EXPECT_EQ(by_week->groups(1).responses(), 2);
  EXPECT_DOUBLE_EQ(by_week->groups(1).figures().mean_score(), 3);
  EXPECT_EQ(by_week->groups(2).period_start(), "2026-11-30");
  EXPECT_EQ(by_week->groups(2).responses(), 1);

  absl::StatusOr<v1::GetSatisfactionResponse> by_month =
      reports_->Get(Request("2026-11-01", "2026-12-31", {v1::GROUPING_MONTH}));
  ASSERT_TRUE(by_month.ok()) << by_month.status();
  ASSERT_EQ(by_month->groups_size(), 2);
  EXPECT_EQ(by_month->groups(0).period_start(), "2026-11-01");
  EXPECT_EQ(by_month->groups(0).responses(), 2);
  EXPECT_EQ(by_month->groups(1).period_start(), "2026-12-01");
  EXPECT_EQ(by_month->groups(1).responses(), 1);
}

TEST_P(SatisfactionReportsTest, DimensionsFiltersAndSmallGroups) {
  Answer(Survey(v1::CUSTOMER_TYPE_NEW, v1::CHANNEL_SMS), {5, 1, 2}, start_);
  Answer(Survey(v1::CUSTOMER_TYPE_LOYAL, v1::CHANNEL_EMAIL), {4, 3, 3}, start_);

  v1::GetSatisfactionRequest request = Request("2026-11-23", "2026-11-23", {v1::GROUPING_DIMENSION});
  absl::StatusOr<v1::GetSatisfactionResponse> by_dimension = reports_->Get(request);
  ASSERT_TRUE(by_dimension.ok()) << by_dimension.status();
  ASSERT_EQ(by_dimension->groups_size(), 2);
  EXPECT_EQ(by_dimension->groups(0).dimension(), v1::DIMENSION_LOGISTICS);
  EXPECT_EQ(by_dimension->groups(0).figures().answers(), 4);
  EXPECT_DOUBLE_EQ(by_dimension->groups(0).figures().mean_score(), 9.0 / 4);
  EXPECT_EQ(by_dimension->groups(1).dimension(), v1::DIMENSION_OVERALL);
  EXPECT_DOUBLE_EQ(by_dimension->groups(1).figures().index(), 100 * (4.5 - 1) / 4);
  EXPECT_EQ(by_dimension->groups(1).responses(), 2);

  // No grouping: one group, its index weighted 2:1:1, with a line per dimension.
  absl::StatusOr<v1::GetSatisfactionResponse> overall = reports_->Get(Request("2026-11-23", "2026-11-23", {}));
  ASSERT_TRUE(overall.ok());
  ASSERT_EQ(overall->groups_size(), 1);
  double expected = (2 * 25 * (4.5 - 1) + 25 * (2 - 1) + 25 * (2.5 - 1)) / 4;  // item means 4.5, 2, 2.5
  EXPECT_NEAR(overall->groups(0).figures().index(), expected, 1e-9);
  ASSERT_EQ(overall->groups(0).dimensions_size(), 2);
  EXPECT_NEAR(overall->groups(0).dimensions(0).figures().index(), (25 * (2 - 1) + 25 * (2.5 - 1)) / 2, 1e-9);
  EXPECT_TRUE(overall->groups(0).too_small());

  request.clear_group_by();
  request.mutable_filter()->add_customer_types(v1::CUSTOMER_TYPE_LOYAL);
  request.mutable_filter()->add_dimensions(v1::DIMENSION_OVERALL);
  request.set_min_responses(1);
  absl::StatusOr<v1::GetSatisfactionResponse> loyal = reports_->Get(request);
  ASSERT_TRUE(loyal.ok());
  ASSERT_EQ(loyal->groups_size(), 1);
  EXPECT_EQ(loyal->groups(0).responses(), 1);
  EXPECT_EQ(loyal->groups(0).figures().answers(), 1);
  EXPECT_DOUBLE_EQ(loyal->groups(0).figures().mean_score(), 4);
  EXPECT_FALSE(loyal->groups(0).too_small());

  // Nothing in the range: one empty group.
  absl::StatusOr<v1::GetSatisfactionResponse> empty = reports_->Get(Request("2025-01-01", "2025-01-31", {}));
  ASSERT_TRUE(empty.ok());
  ASSERT_EQ(empty->groups_size(), 1);
  EXPECT_EQ(empty->groups(0).responses(), 0);
  EXPECT_FALSE(empty->groups(0).figures().has_index());
}

TEST_P(SatisfactionReportsTest, AGroupingWithTooManyGroupsIsRefusedNamingIt) {
  Answer(Survey(v1::CUSTOMER_TYPE_NEW, v1::CHANNEL_SMS), {5, 4, 3}, start_);
  Answer(Survey(v1::CUSTOMER_TYPE_LOYAL, v1::CHANNEL_EMAIL), {4, 3, 3}, start_);
  Answer(Survey(v1::CUSTOMER_TYPE_NEW, v1::CHANNEL_EMAIL), {4, 3, 3}, start_);
  Answer(Survey(v1::CUSTOMER_TYPE_LOYAL, v1::CHANNEL_SMS), {4, 3, 3}, start_);
  // 1,100 days for each of 3 items × 4 pairs of type and channel seen: 13,200 groups.
  v1::GetSatisfactionRequest request =
      Request("2024-01-01", "2027-01-04",
              {v1::GROUPING_DAY, v1::GROUPING_ITEM, v1::GROUPING_CUSTOMER_TYPE, v1::GROUPING_CHANNEL});
  absl::StatusOr<v1::GetSatisfactionResponse> report = reports_->Get(request);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(report.status().message(), "group_by")) << report.status();
  request.clear_group_by();
  request.add_group_by(v1::GROUPING_WEEK);
  request.add_group_by(v1::GROUPING_ITEM);
  EXPECT_TRUE(reports_->Get(request).ok());
}

// Stores beyond what one reply may hold: 10,001 stores with a response each,
// as their aggregate rows stand.
TEST_P(SatisfactionReportsTest, TooManyStoresAreRefusedNamingTheGrouping) {
  ASSERT_TRUE(database_
                  ->InTransaction(storage::Access::kWrite,
                                  [&](storage::Transaction& tx) {
                                    for (int first = 0; first <= 10'000; first += 500) {
                                      std::string rows =
                                          "INSERT INTO response_context_rollups (questionnaire_id,"
                                          " questionnaire_version, day, customer_type, platform, store,"
                                          " product_category, courier, cause, item_code, slot, responses, scored_1,"
                                          " scored_2, scored_3, scored_4, scored_5) VALUES ";
                                      for (int i = first; i < std::min(first + 500, 10'001); ++i) {
                                        absl::StrAppend(&rows, i > first ? ", " : "",
                                                        "('post-delivery', 1, 20261123, 1, '淘宝', 'store-", i,
                                                        "', '', '', '', '', 0, 1, 0, 0, 0, 0, 0)");
                                      }
                                      tx.session() << rows;
                                    }
                                    return absl::OkStatus();
                                  })
                  .ok());
  v1::GetSatisfactionRequest request = Request("2026-11-23", "2026-11-23", {v1::GROUPING_STORE});
  absl::StatusOr<v1::GetSatisfactionResponse> report = reports_->Get(request);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(report.status().message(), "group_by")) << report.status();

  // Narrowed to a few stores, or grouped by the platform, it answers.
  request.mutable_filter()->add_stores("store-7");
  request.mutable_filter()->add_stores("store-10000");
  report = reports_->Get(request);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->groups_size(), 2);
  EXPECT_EQ(report->groups(0).store(), "store-10000");
  EXPECT_EQ(report->groups(1).responses(), 1);
  request = Request("2026-11-23", "2026-11-23", {v1::GROUPING_PLATFORM});
  report = reports_->Get(request);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->groups_size(), 1);
  EXPECT_EQ(report->groups(0).platform(), "淘宝");
  EXPECT_EQ(report->groups(0).responses(), 10'001);
}

// The rollup rows summed over slots, in key order, as text: what the figures
// are read from, whichever slots the counts were added to.
std::vector<std::string> RollupRows(storage::Database& database) {
  std::vector<std::string> rows;
  EXPECT_TRUE(database
                  .InTransaction(storage::Access::kRead,
                                 [&](storage::Transaction& tx) {
                                   soci::session& session = tx.session();
                                   std::string questionnaire, item, agent;
                                   int version = 0, day = 0, type = 0, channel = 0, score = 0;
                                   long long answers = 0;
                                   soci::statement statement =
                                       (session.prepare << "SELECT questionnaire_id, questionnaire_version, day,"
                                                           " item_code, customer_type, channel, agent_id, score,"
                                                           " SUM(answers) FROM response_rollups GROUP BY"
                                                           " questionnaire_id, questionnaire_version, day, item_code,"
                                                           " customer_type, channel, agent_id, score ORDER BY"
                                                           " questionnaire_id, questionnaire_version, day, item_code,"
                                                           " customer_type, channel, agent_id, score",
                                        soci::into(questionnaire), soci::into(version), soci::into(day),
                                        soci::into(item), soci::into(type), soci::into(channel), soci::into(agent),
                                        soci::into(score), soci::into(answers));
                                   statement.execute();
                                   while (statement.fetch()) {
                                     rows.push_back(absl::StrCat(questionnaire, "/", version, "/", day, "/", item, "/",
                                                                 type, "/", channel, "/", agent, "/", score, "=",
                                                                 answers));
                                   }
                                   return absl::OkStatus();
                                 })
                  .ok());
  return rows;
}

// The by-day rollup rows summed over slots, in key order, as text.
std::vector<std::string> DayRollupRows(storage::Database& database) {
  std::vector<std::string> rows;
  EXPECT_TRUE(database
                  .InTransaction(storage::Access::kRead,
                                 [&](storage::Transaction& tx) {
                                   soci::session& session = tx.session();
                                   std::string questionnaire, item;
                                   int version = 0, day = 0, type = 0;
                                   std::vector<long long> sums(6);
                                   soci::statement statement =
                                       (session.prepare << "SELECT questionnaire_id, questionnaire_version, day,"
                                                           " customer_type, item_code, SUM(responses), SUM(scored_1),"
                                                           " SUM(scored_2), SUM(scored_3), SUM(scored_4),"
                                                           " SUM(scored_5) FROM response_day_rollups GROUP BY"
                                                           " questionnaire_id, questionnaire_version, day,"
                                                           " customer_type, item_code ORDER BY questionnaire_id,"
                                                           " questionnaire_version, day, customer_type, item_code",
                                        soci::into(questionnaire), soci::into(version), soci::into(day),
                                        soci::into(type), soci::into(item), soci::into(sums[0]), soci::into(sums[1]),
                                        soci::into(sums[2]), soci::into(sums[3]), soci::into(sums[4]),
                                        soci::into(sums[5]));
                                   statement.execute();
                                   while (statement.fetch()) {
                                     rows.push_back(absl::StrCat(questionnaire, "/", version, "/", day, "/", type, "/",
                                                                 item, "=", absl::StrJoin(sums, ",")));
                                   }
                                   return absl::OkStatus();
                                 })
                  .ok());
  return rows;
}

TEST_P(SatisfactionReportsTest, ARebuildRecomputesTheAggregatesFromTheRawResponses) {
  std::mt19937 random(11);
  for (int i = 0; i < 30; ++i) {
    Answer(Survey(i % 2 ? v1::CUSTOMER_TYPE_NEW : v1::CUSTOMER_TYPE_DORMANT, i % 3 ? v1::CHANNEL_SMS : v1::CHANNEL_IM),
           {1 + static_cast<int>(random() % 5), 1 + static_cast<int>(random() % 5), 1 + static_cast<int>(random() % 5)},
           start_ - absl::Hours(24 * (i * 7 % 75)));  // 75 days: three months of a MariaDB rebuild
  }
  std::vector<std::string> kept = RollupRows(*database_), kept_days = DayRollupRows(*database_);
  ASSERT_FALSE(kept.empty());
  // Figures by channel read the aggregates by channel and agent.
  auto by_channel = [&] {
    absl::StatusOr<v1::GetSatisfactionResponse> report =
        reports_->Get(Request("2026-08-01", "2026-11-30", {v1::GROUPING_MONTH, v1::GROUPING_CHANNEL}));
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? report->DebugString() : report.status().ToString();
  };
  std::string kept_by_channel = by_channel();
  // Other nodes of a cluster added to their own slots; and the aggregates
  // drift from the responses: a bucket lost, one miscounted, a slot's by-day
  // row too many.
  ASSERT_TRUE(database_
                  ->InTransaction(storage::Access::kWrite,
                                  [&](storage::Transaction& tx) {
                                    soci::session& session = tx.session();
                                    session << "UPDATE response_rollups SET slot = 1 WHERE item_code = 'item_0'";
                                    session << "UPDATE response_day_rollups SET slot = 2 WHERE customer_type = 3";
                                    session << "DELETE FROM response_rollups WHERE item_code = 'item_1' AND score = 3";
                                    session << "UPDATE response_rollups SET answers = answers + 7 WHERE item_code = ''";
                                    session << "INSERT INTO response_day_rollups (questionnaire_id,"
                                               " questionnaire_version, day, customer_type, item_code, slot,"
                                               " responses, scored_1, scored_2, scored_3, scored_4, scored_5)"
                                               " SELECT questionnaire_id, questionnaire_version, day, customer_type,"
                                               " item_code, 1, responses, 0, 0, 0, 0, 0 FROM response_day_rollups"
                                               " WHERE item_code = '' AND slot = 0";
                                    session << "UPDATE response_channel_rollups SET slot = 2 WHERE channel = 3";
                                    session << "UPDATE response_channel_rollups SET scored_5 = scored_5 + 4";
                                    return absl::OkStatus();
                                  })
                  .ok());
  ASSERT_NE(RollupRows(*database_), kept);
  ASSERT_NE(DayRollupRows(*database_), kept_days);
  ASSERT_NE(by_channel(), kept_by_channel);

  absl::StatusOr<RebuildCounts> counts = RebuildAggregates(*database_, "post-delivery");
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->responses, 30);
  EXPECT_EQ(counts->buckets, static_cast<long long>(kept.size()));
  EXPECT_EQ(RollupRows(*database_), kept);
  EXPECT_EQ(DayRollupRows(*database_), kept_days);
  EXPECT_EQ(by_channel(), kept_by_channel);
  // Every slot's rows were replaced by rows in slot 0.
  EXPECT_EQ(test_support::QueryNumber(*database_, "SELECT COUNT(*) FROM response_rollups WHERE slot <> 0"), 0);
  EXPECT_EQ(test_support::QueryNumber(*database_, "SELECT COUNT(*) FROM response_day_rollups WHERE slot <> 0"), 0);
  EXPECT_EQ(test_support::QueryNumber(*database_, "SELECT COUNT(*) FROM response_channel_rollups WHERE slot <> 0"), 0);
  // Submissions go on as before.
  Answer(Survey(v1::CUSTOMER_TYPE_NEW, v1::CHANNEL_SMS), {5, 5, 5}, start_);
  EXPECT_EQ(RebuildAggregates(*database_, "no-such-survey").status().code(), absl::StatusCode::kNotFound);
}

// Each node of a Galera cluster adds to the aggregate rows of its own slot
// (so that nodes do not collide at commit), and readers sum over the slots:
// the same responses counted in three slots give the figures of one.
TEST_P(SatisfactionReportsTest, CountsAddedInSeveralSlotsGiveTheFiguresOfOneSlot) {
  responses::QuestionnaireShape shape{.id = "post-delivery", .version = 1};
  for (const char* code : {"item_0", "item_1", "item_2"}) {
    shape.items.push_back({.code = code, .kind = v1::ITEM_KIND_SCALE});
  }
  shape.items.push_back({.code = "comment", .kind = v1::ITEM_KIND_COMMENT});
  const v1::CustomerType types[] = {v1::CUSTOMER_TYPE_NEW, v1::CUSTOMER_TYPE_ACTIVE, v1::CUSTOMER_TYPE_LOYAL};
  const v1::Channel channels[] = {v1::CHANNEL_SMS, v1::CHANNEL_IM, v1::CHANNEL_PHONE};
  const char* agents[] = {"", "agent-li", "agent-wang"};
  std::mt19937 random(13);
  std::vector<v1::SubmitResponseRequest> requests(120);
  std::vector<responses::ResponseRow> rows;
  for (v1::SubmitResponseRequest& request : requests) {
    for (const char* code : {"item_0", "item_1", "item_2"}) {
      v1::Answer& answer = *request.add_answers();
      answer.set_item_code(code);
      answer.set_score(1 + static_cast<int>(random() % 5));
    }
    request.add_answers()->set_item_code("comment");
    rows.push_back({.request = &request,
                    .shape = &shape,
                    .questionnaire_id = "post-delivery",
                    .agent_id = agents[random() % 3],
                    .questionnaire_version = 1,
                    .customer_type = types[random() % 3],
                    .channel = channels[random() % 3],
                    .report_day = ReportDayNumber(absl::CivilDay(2026, 11, 23) + static_cast<int>(random() % 10))});
  }
  // Adds every row's counts, a transaction for each batch of 8, batch b in slot `slot_of(b)`.
  auto add_in_slots = [&](const std::function<int(size_t)>& slot_of) {
    for (size_t first = 0, batch = 0; first < rows.size(); first += 8, ++batch) {
      std::vector<responses::ResponseRow> some(rows.begin() + first, rows.begin() + std::min(rows.size(), first + 8));
      ASSERT_TRUE(database_
                      ->InTransaction(storage::Access::kWrite,
                                      [&](storage::Transaction& tx) {
                                        storage::WriteBatch writes(tx);
                                        responses::AddToRollups(writes, some, slot_of(batch));
                                        writes.Execute();
                                        return absl::OkStatus();
                                      })
                      .ok());
    }
  };
  // The figures as GetSatisfaction gives them, read from the by-day
  // aggregates (the first four), from the by-channel ones (the next two) and
  // from the full ones (the last).
  auto figures = [&] {
    std::vector<v1::GetSatisfactionRequest> asked = {
        Request("2026-11-23", "2026-12-02", {}),
        Request("2026-11-23", "2026-12-02", {v1::GROUPING_DAY, v1::GROUPING_CUSTOMER_TYPE}),
        Request("2026-11-23", "2026-12-02", {v1::GROUPING_WEEK, v1::GROUPING_ITEM}),
        Request("2026-11-23", "2026-12-02", {v1::GROUPING_DIMENSION}),
        Request("2026-11-23", "2026-12-02", {v1::GROUPING_CHANNEL, v1::GROUPING_AGENT}),
        Request("2026-11-23", "2026-12-02", {v1::GROUPING_DAY, v1::GROUPING_ITEM}),
        Request("2026-11-23", "2026-12-02", {v1::GROUPING_CHANNEL, v1::GROUPING_CUSTOMER_TYPE}),
    };
    asked[5].mutable_filter()->add_channels(v1::CHANNEL_IM);
    std::vector<std::string> given;
    for (const v1::GetSatisfactionRequest& request : asked) {
      absl::StatusOr<v1::GetSatisfactionResponse> report = reports_->Get(request);
      EXPECT_TRUE(report.ok()) << report.status();
      given.push_back(report.ok() ? report->DebugString() : report.status().ToString());
    }
    return given;
  };

  add_in_slots([](size_t) { return 0; });
  std::vector<std::string> one_slot = figures(), one_slot_rows = RollupRows(*database_),
                           one_slot_days = DayRollupRows(*database_);
  absl::StatusOr<v1::GetSatisfactionResponse> all = reports_->Get(Request("2026-11-23", "2026-12-02", {}));
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->groups_size(), 1);
  EXPECT_EQ(all->groups(0).responses(), 120);
  EXPECT_EQ(all->groups(0).figures().answers(), 360);

  ASSERT_TRUE(test_support::ExecuteSql(*database_, "DELETE FROM response_rollups").ok());
  ASSERT_TRUE(test_support::ExecuteSql(*database_, "DELETE FROM response_day_rollups").ok());
  ASSERT_TRUE(test_support::ExecuteSql(*database_, "DELETE FROM response_channel_rollups").ok());
  // Batches through three nodes: rows of one key in every slot.
  add_in_slots([](size_t batch) { return static_cast<int>(batch % 3); });
  EXPECT_EQ(test_support::QueryNumber(*database_, "SELECT COUNT(DISTINCT slot) FROM response_rollups"), 3);
  EXPECT_EQ(test_support::QueryNumber(*database_, "SELECT COUNT(DISTINCT slot) FROM response_day_rollups"), 3);
  EXPECT_EQ(test_support::QueryNumber(*database_, "SELECT COUNT(DISTINCT slot) FROM response_channel_rollups"), 3);
  EXPECT_GT(test_support::QueryNumber(*database_, "SELECT COUNT(*) FROM response_day_rollups"),
            static_cast<long long>(one_slot_days.size()))
      << "keys counted in more than one slot";
  EXPECT_EQ(figures(), one_slot);
  EXPECT_EQ(RollupRows(*database_), one_slot_rows);
  EXPECT_EQ(DayRollupRows(*database_), one_slot_days);
}

// A database whose aggregates were counted before they had slots, migrated
// on: the counts are kept, in slot 0, and read as before. On MariaDB, whose
// DDL commits statement by statement, the step may run again after a crash.
TEST_P(SatisfactionReportsTest, AggregatesCountedBeforeSlotsAreKeptByTheMigration) {
  std::unique_ptr<test_support::TestDatabase> old = test_support::TestDatabase::Create(GetParam());
  absl::StatusOr<std::unique_ptr<storage::Database>> database =
      storage::Database::Connect({.url = old->url(), .pool_size = 2});
  ASSERT_TRUE(database.ok()) << database.status();
  ASSERT_TRUE(storage::ApplyMigrations(**database, storage::SchemaMigrations().first(19)).ok());
  ASSERT_TRUE(
      questionnaires::QuestionnaireStore(**database)
          .CreatePublishedFromTemplate("post-delivery", test_support::SampleQuestionnaire("收货", 3), "", start_)
          .ok());
  // Four responses on two days, counted as step 19's schema had them.
  for (const char* sql : {
           "INSERT INTO response_rollups (questionnaire_id, questionnaire_version, day, item_code, customer_type,"
           " channel, agent_id, score, answers) VALUES ('post-delivery', 1, 20261123, '', 1, 2, '', 0, 3),"
           " ('post-delivery', 1, 20261123, 'item_0', 1, 2, '', 5, 2),"
           " ('post-delivery', 1, 20261123, 'item_0', 1, 2, '', 2, 1),"
           " ('post-delivery', 1, 20261123, 'item_1', 1, 2, '', 4, 3),"
           " ('post-delivery', 1, 20261124, '', 5, 3, 'agent-li', 0, 1),"
           " ('post-delivery', 1, 20261124, 'item_0', 5, 3, 'agent-li', 1, 1)",
           "INSERT INTO response_day_rollups (questionnaire_id, questionnaire_version, day, customer_type,"
           " item_code, responses, scored_1, scored_2, scored_3, scored_4, scored_5) VALUES"
           " ('post-delivery', 1, 20261123, 1, '', 3, 0, 0, 0, 0, 0),"
           " ('post-delivery', 1, 20261123, 1, 'item_0', 0, 0, 1, 0, 0, 2),"
           " ('post-delivery', 1, 20261123, 1, 'item_1', 0, 0, 0, 0, 3, 0),"
           " ('post-delivery', 1, 20261124, 5, '', 1, 0, 0, 0, 0, 0),"
           " ('post-delivery', 1, 20261124, 5, 'item_0', 0, 1, 0, 0, 0, 0)",
       }) {
    ASSERT_TRUE(test_support::ExecuteSql(**database, sql).ok()) << sql;
  }
  SatisfactionReports reports(**database, kShanghai);
  auto figures = [&] {
    std::vector<std::string> given;
    for (const std::vector<v1::Grouping>& group_by : std::vector<std::vector<v1::Grouping>>{
             {v1::GROUPING_DAY, v1::GROUPING_CUSTOMER_TYPE}, {v1::GROUPING_AGENT, v1::GROUPING_CUSTOMER_TYPE}}) {
      absl::StatusOr<v1::GetSatisfactionResponse> report = reports.Get(Request("2026-11-23", "2026-11-24", group_by));
      EXPECT_TRUE(report.ok()) << report.status();
      given.push_back(report.ok() ? report->DebugString() : report.status().ToString());
    }
    return given;
  };
  std::vector<std::string> before = figures(), rows = RollupRows(**database), days = DayRollupRows(**database);
  ASSERT_NE(before[0].find("responses: 3"), std::string::npos) << before[0];

  ASSERT_TRUE(storage::ApplyMigrations(**database, storage::SchemaMigrations()).ok());
  if (GetParam() == test_support::TestBackend::kMariaDb) {
    for (absl::string_view statement : storage::SchemaMigrations()[19].mysql_statements) {
      ASSERT_TRUE(test_support::ExecuteSql(**database, std::string(statement)).ok()) << statement;
    }
  }
  EXPECT_EQ(figures(), before);
  EXPECT_EQ(RollupRows(**database), rows);
  EXPECT_EQ(DayRollupRows(**database), days);
  // Step 25 filled the aggregates by channel and agent, which figures by
  // agent alone read: each agent's answers are of one customer type here.
  absl::StatusOr<v1::GetSatisfactionResponse> by_agent =
      reports.Get(Request("2026-11-23", "2026-11-24", {v1::GROUPING_AGENT}));
  absl::StatusOr<v1::GetSatisfactionResponse> by_agent_and_type =
      reports.Get(Request("2026-11-23", "2026-11-24", {v1::GROUPING_AGENT, v1::GROUPING_CUSTOMER_TYPE}));
  ASSERT_TRUE(by_agent.ok() && by_agent_and_type.ok());
  ASSERT_EQ(by_agent->groups_size(), 2);
  ASSERT_EQ(by_agent_and_type->groups_size(), 2);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(by_agent->groups(i).agent_id(), by_agent_and_type->groups(i).agent_id());
    EXPECT_EQ(by_agent->groups(i).responses(), by_agent_and_type->groups(i).responses());
    EXPECT_EQ(by_agent->groups(i).figures().SerializeAsString(),
              by_agent_and_type->groups(i).figures().SerializeAsString());
  }
  EXPECT_EQ(test_support::QueryNumber(**database, "SELECT SUM(responses) FROM response_channel_rollups"), 4);
  EXPECT_EQ(test_support::QueryNumber(**database, "SELECT COUNT(*) FROM response_rollups WHERE slot = 0"), 6);
  EXPECT_EQ(test_support::QueryNumber(**database, "SELECT COUNT(*) FROM response_day_rollups WHERE slot = 0"), 5);
  // The slot is part of the key: another node's row of the same key beside it.
  EXPECT_TRUE(test_support::ExecuteSql(**database,
                                       "INSERT INTO response_day_rollups (questionnaire_id, questionnaire_version,"
                                       " day, customer_type, item_code, slot, responses, scored_1, scored_2, scored_3,"
                                       " scored_4, scored_5) VALUES ('post-delivery', 1, 20261124, 5, '', 2, 1, 0, 0,"
                                       " 0, 0, 0)")
                  .ok());
  EXPECT_EQ(test_support::QueryNumber(**database, "SELECT SUM(responses) FROM response_day_rollups"), 5);
}

TEST_P(SatisfactionReportsTest, SubmissionsDuringARebuildAreCountedOnce) {
  std::vector<std::string> tokens;
  for (int i = 0; i < 40; ++i) tokens.push_back(Survey(v1::CUSTOMER_TYPE_NEW, v1::CHANNEL_SMS));
  std::atomic<bool> submitting{true};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < 40; i += 4) Answer(tokens[i], {1 + i % 5, 2, 3}, start_ + absl::Hours(i % 2 * 24));
    });
  }
  std::thread rebuilding([&] {
    while (submitting) EXPECT_TRUE(RebuildAggregates(*database_, "post-delivery").ok());
  });
  for (std::thread& thread : threads) thread.join();
  submitting = false;
  rebuilding.join();

  std::vector<std::string> kept = RollupRows(*database_);
  ASSERT_TRUE(RebuildAggregates(*database_, "post-delivery").ok());
  EXPECT_EQ(RollupRows(*database_), kept);
  EXPECT_EQ(test_support::QueryNumber(*database_, "SELECT SUM(answers) FROM response_rollups WHERE item_code = ''"),
            40);
}

TEST_P(SatisfactionReportsTest, AgentsAreReadFromTheAggregatesThatKeepThem) {
  Answer(Survey(v1::CUSTOMER_TYPE_NEW, v1::CHANNEL_SMS, "agent-li"), {5, 5, 5}, start_);
  Answer(Survey(v1::CUSTOMER_TYPE_NEW, v1::CHANNEL_SMS, "agent-li"), {4, 4, 4}, start_ + absl::Hours(24));
  Answer(Survey(v1::CUSTOMER_TYPE_LOYAL, v1::CHANNEL_IM, "agent-wang"), {1, 2, 3}, start_);
  Answer(Survey(v1::CUSTOMER_TYPE_LOYAL, v1::CHANNEL_IM), {3, 3, 3}, start_);

  absl::StatusOr<v1::GetSatisfactionResponse> by_agent =
      reports_->Get(Request("2026-11-23", "2026-11-24", {v1::GROUPING_AGENT}));
  ASSERT_TRUE(by_agent.ok()) << by_agent.status();
  ASSERT_EQ(by_agent->groups_size(), 3);
  EXPECT_EQ(by_agent->groups(0).agent_id(), "");
  EXPECT_DOUBLE_EQ(by_agent->groups(0).figures().mean_score(), 3);
  EXPECT_EQ(by_agent->groups(1).agent_id(), "agent-li");
  EXPECT_EQ(by_agent->groups(1).responses(), 2);
  EXPECT_DOUBLE_EQ(by_agent->groups(1).figures().mean_score(), 4.5);
  EXPECT_EQ(by_agent->groups(2).agent_id(), "agent-wang");
  EXPECT_DOUBLE_EQ(by_agent->groups(2).figures().mean_score(), 2);

  v1::GetSatisfactionRequest request = Request("2026-11-23", "2026-11-24", {v1::GROUPING_CHANNEL});
  request.mutable_filter()->add_agent_ids("agent-wang");
  request.mutable_filter()->add_agent_ids("");
  absl::StatusOr<v1::GetSatisfactionResponse> filtered = reports_->Get(request);
  ASSERT_TRUE(filtered.ok()) << filtered.status();
  ASSERT_EQ(filtered->groups_size(), 1);
  EXPECT_EQ(filtered->groups(0).channel(), v1::CHANNEL_IM);
  EXPECT_EQ(filtered->groups(0).responses(), 2);
  EXPECT_DOUBLE_EQ(filtered->groups(0).figures().mean_score(), 2.5);

  // The same totals from either table.
  absl::StatusOr<v1::GetSatisfactionResponse> all = reports_->Get(Request("2026-11-23", "2026-11-24", {}));
  request.clear_group_by();
  request.mutable_filter()->clear_agent_ids();
  request.mutable_filter()->add_agent_ids("");
  request.mutable_filter()->add_agent_ids("agent-li");
  request.mutable_filter()->add_agent_ids("agent-wang");
  absl::StatusOr<v1::GetSatisfactionResponse> every_agent = reports_->Get(request);
  ASSERT_TRUE(all.ok() && every_agent.ok());
  EXPECT_EQ(all->groups(0).DebugString(), every_agent->groups(0).DebugString());
}

// The pages an export writes.
std::vector<v1::ExportResponsesPage> ExportAll(storage::Database& database, const v1::ExportResponsesRequest& request,
                                               absl::Status* status) {
  std::vector<v1::ExportResponsesPage> pages;
  EXPECT_TRUE(ValidateExportRequest(request).ok()) << ValidateExportRequest(request);
  *status = ResponseExport(database).Export(request, [&](const v1::ExportResponsesPage& page) {
    pages.push_back(page);
    return true;
  });
  return pages;
}

TEST_P(SatisfactionReportsTest, AnExportIsInSubmitTimeOrderAndGoesOnFromItsCursor) {
  // Committed in id order, submitted out of it (as a slow commit would be).
  Answer(Survey(v1::CUSTOMER_TYPE_NEW, v1::CHANNEL_SMS), {5, 5, 5}, start_ + absl::Milliseconds(7));
  Answer(Survey(v1::CUSTOMER_TYPE_NEW, v1::CHANNEL_SMS), {4, 4, 4}, start_ + absl::Milliseconds(2));
  Answer(Survey(v1::CUSTOMER_TYPE_NEW, v1::CHANNEL_SMS), {3, 3, 3}, start_ + absl::Milliseconds(5));
  v1::ExportResponsesRequest request;
  request.set_questionnaire_id("post-delivery");
  request.set_first_day("2026-11-23");
  request.set_last_day("2026-11-23");
  request.set_format(v1::EXPORT_FORMAT_MESSAGES);
  request.set_page_size(1);
  absl::Status status;
  // The milliseconds past start_ of each response exported, in order.
  auto millis_of = [](const std::vector<v1::ExportResponsesPage>& pages) {
    std::vector<long long> times;
    for (const v1::ExportResponsesPage& page : pages) {
      EXPECT_TRUE(page.has_complete_through());
      for (const v1::Response& response : page.responses()) times.push_back(response.submit_time().nanos() / 1000000);
    }
    return times;
  };
  std::vector<v1::ExportResponsesPage> pages = ExportAll(*database_, request, &status);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(millis_of(pages), (std::vector<long long>{2, 5, 7})) << "oldest first, across pages";
  absl::Time complete = absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(pages.back().complete_through()));
  EXPECT_LE(complete, absl::Now() - absl::Minutes(2));
  EXPECT_GE(complete, absl::Now() - absl::Minutes(3));

  // Going on from a time: only what was submitted since.
  *request.mutable_submitted_since() =
      TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(start_ + absl::Milliseconds(5)));
  pages = ExportAll(*database_, request, &status);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(millis_of(pages), (std::vector<long long>{5, 7}));
  request.mutable_submitted_since()->set_nanos(-1);
  EXPECT_TRUE(absl::StartsWith(ValidateExportRequest(request).message(), "submitted_since"))
      << ValidateExportRequest(request);
}

TEST_P(SatisfactionReportsTest, AnExportComesInPagesAsCsvOrMessages) {
  for (int i = 0; i < 6; ++i) {
    Answer(Survey(i % 2 ? v1::CUSTOMER_TYPE_NEW : v1::CUSTOMER_TYPE_LOYAL, v1::CHANNEL_SMS), {1 + i % 5, 4, 5},
           start_ + absl::Minutes(i));
  }
  Answer(Survey(v1::CUSTOMER_TYPE_NEW, v1::CHANNEL_IM, "agent-li"), {5, 5, 5}, start_ + absl::Hours(15),
         "快递很快, 包装\"很好\"\n谢谢");
  Answer(Survey(v1::CUSTOMER_TYPE_NEW, v1::CHANNEL_IM), {2, 2, 2}, start_ + absl::Hours(16), "=HYPERLINK(\"x\")");

  v1::ExportResponsesRequest request;
  request.set_questionnaire_id("post-delivery");
  request.set_first_day("2026-11-23");
  request.set_last_day("2026-11-24");
  request.set_format(v1::EXPORT_FORMAT_CSV);
  request.set_page_size(3);
  absl::Status status;
  std::vector<v1::ExportResponsesPage> pages = ExportAll(*database_, request, &status);
  ASSERT_TRUE(status.ok()) << status;
  ASSERT_EQ(pages.size(), 3u);  // 3, 3 and 2
  std::string csv;
  for (const v1::ExportResponsesPage& page : pages) csv += page.csv();
  EXPECT_TRUE(absl::StartsWith(csv,
                               "id,submit_time,day,questionnaire_id,questionnaire_version,customer_external_id,"
                               "customer_type,channel,agent_id,order_id,platform,store,product_category,courier,"
                               "amount_minor,case_id,cause,item_0,item_1,item_2,comment\r\n"))
      << csv;
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\r'), 9);  // the header and 8 responses
  EXPECT_TRUE(absl::StrContains(csv, ",2026-11-23,post-delivery,1,customer-1,loyal,sms,,,,,,,,,,1,4,5,\r\n")) << csv;
  // 10:00 + 15 h in Shanghai is 01:00 the next day there, 17:00 UTC.
  EXPECT_TRUE(absl::StrContains(csv,
                                "2026-11-23T17:00:00.000Z,2026-11-24,post-delivery,1,customer-7,new,im,agent-li,"
                                ",,,,,,,,5,5,5,\"快递很快, 包装\"\"很好\"\"\n谢谢\"\r\n"))
      << csv;
  EXPECT_TRUE(absl::StrContains(csv, ",2,2,2,\"'=HYPERLINK(\"\"x\"\")\"\r\n")) << csv;

  request.set_format(v1::EXPORT_FORMAT_MESSAGES);
  request.set_page_size(5);
  request.mutable_filter()->add_customer_types(v1::CUSTOMER_TYPE_NEW);
  request.mutable_filter()->add_dimensions(v1::DIMENSION_OVERALL);
  pages = ExportAll(*database_, request, &status);
  ASSERT_TRUE(status.ok()) << status;
  ASSERT_EQ(pages.size(), 1u);
  ASSERT_EQ(pages[0].responses_size(), 5);  // customers 2, 4, 6, 7 and 8
  EXPECT_EQ(pages[0].responses(0).customer_external_id(), "customer-2");
  EXPECT_EQ(pages[0].responses(4).customer_external_id(), "customer-8");
  ASSERT_EQ(pages[0].responses(4).answers_size(), 1);  // overall only: no comment, no logistics
  EXPECT_EQ(pages[0].responses(4).answers(0).item_code(), "item_0");
  EXPECT_EQ(pages[0].responses(4).answers(0).score(), 2);
  EXPECT_EQ(pages[0].csv(), "");

  // Nothing in range: the header alone.
  request.set_format(v1::EXPORT_FORMAT_CSV);
  request.set_first_day("2025-01-01");
  request.set_last_day("2025-01-02");
  pages = ExportAll(*database_, request, &status);
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_EQ(pages[0].csv(),
            "id,submit_time,day,questionnaire_id,questionnaire_version,customer_external_id,"
            "customer_type,channel,agent_id,order_id,platform,store,product_category,courier,amount_minor,"
            "case_id,cause,item_0\r\n");

  // A reader that goes away stops the export.
  request.set_first_day("2026-11-23");
  request.set_last_day("2026-11-24");
  request.set_page_size(1);
  int written = 0;
  status = ResponseExport(*database_).Export(request, [&](const v1::ExportResponsesPage&) { return ++written < 2; });
  EXPECT_EQ(status.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(written, 2);
}

TEST_P(SatisfactionReportsTest, TheFunnelCountsPlannedContactedAndAnsweredAndTheRecoveryRate) {
  std::vector<std::string> sms;
  for (int i = 0; i < 5; ++i) sms.push_back(Survey(v1::CUSTOMER_TYPE_NEW, v1::CHANNEL_SMS));
  Answer(sms[0], {5, 5, 5}, start_);
  Answer(Survey(v1::CUSTOMER_TYPE_LOYAL, v1::CHANNEL_IM), {4, 4, 4}, start_);
  Survey(v1::CUSTOMER_TYPE_LOYAL, v1::CHANNEL_PHONE);
  Survey(v1::CUSTOMER_TYPE_LOYAL, v1::CHANNEL_PHONE);
  long long low_score = v1::TRIGGER_LOW_SCORE;
  ASSERT_TRUE(
      database_
          ->InTransaction(
              storage::Access::kWrite,
              [&](storage::Transaction& tx) {
                soci::session& session = tx.session();
                // SMS to customers 1 to 5: answered; delivered; failed; not sent yet; planned two days
                // before the range. Calls to 7 and 8: refused (reached), no answer.
                session << "INSERT INTO message_attempts (revisit_id, number, channel, outcome, provider_message_id,"
                           " error_text, lease_token_hash, reported_at_us) SELECT id, 1, 2, outcome, '', '', '', 0"
                           " FROM revisits JOIN (SELECT 2 AS customer, 1 AS outcome UNION ALL SELECT 3, 2) o"
                           " ON o.customer = revisits.customer_id";
                session << "INSERT INTO call_attempts (revisit_id, number, outcome, agent_id, notes,"
                           " lease_token_hash, reported_at_us) SELECT id, 1, outcome, 'agent-li', '', '', 0"
                           " FROM revisits JOIN (SELECT 7 AS customer, 5 AS outcome UNION ALL SELECT 8, 2) o"
                           " ON o.customer = revisits.customer_id";
                long long earlier = absl::ToUnixMicros(start_ - absl::Hours(48));
                session << "UPDATE revisits SET created_at_us = :earlier WHERE customer_id = 5", soci::use(earlier);
                // Three recovery calls: completed, given up, still planned.
                for (int state : {4, 5, 1}) {
                  long long now_us = absl::ToUnixMicros(start_);
                  std::string event = absl::StrCat("low-", state);
                  session << "INSERT INTO revisits (customer_id, event_id, rule_id, trigger_kind, channel, due_at_us,"
                             " expires_at_us, questionnaire_id, survey, priority, max_attempts, attempts,"
                             " reserved_agent_id, state, created_at_us, updated_at_us, queue) VALUES (1, :event, 'r',"
                             " :trigger, 1, :due, :expires, '', 0, 100, 3, 1, '', :state, :created, :updated,"
                             " 'default')",
                      soci::use(event), soci::use(low_score), soci::use(now_us), soci::use(now_us), soci::use(state),
                      soci::use(now_us), soci::use(now_us);
                }
                return absl::OkStatus();
              })
          .ok());

  ResponseFunnel funnel(*database_, kShanghai);
  v1::GetResponseFunnelRequest request;
  request.set_first_day("2026-11-23");
  request.set_last_day("2026-11-23");
  ASSERT_TRUE(ValidateFunnelRequest(request).ok());
  absl::StatusOr<v1::GetResponseFunnelResponse> report = funnel.Get(request);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->rows_size(), 3);
  const v1::FunnelRow& loyal_by_phone = report->rows(0);
  EXPECT_EQ(loyal_by_phone.channel(), v1::CHANNEL_PHONE);
  EXPECT_EQ(loyal_by_phone.customer_type(), v1::CUSTOMER_TYPE_LOYAL);
  EXPECT_EQ(loyal_by_phone.planned(), 2);
  EXPECT_EQ(loyal_by_phone.contacted(), 1);
  EXPECT_EQ(loyal_by_phone.responded(), 0);
  const v1::FunnelRow& new_by_sms = report->rows(1);
  EXPECT_EQ(new_by_sms.channel(), v1::CHANNEL_SMS);
  EXPECT_EQ(new_by_sms.customer_type(), v1::CUSTOMER_TYPE_NEW);
  EXPECT_EQ(new_by_sms.planned(), 4);
  EXPECT_EQ(new_by_sms.contacted(), 2);
  EXPECT_EQ(new_by_sms.responded(), 1);
  EXPECT_DOUBLE_EQ(new_by_sms.response_rate_percent(), 25);
  EXPECT_EQ(report->rows(2).channel(), v1::CHANNEL_IM);
  EXPECT_EQ(report->rows(2).responded(), 1);
  EXPECT_EQ(report->total().planned(), 7);
  EXPECT_EQ(report->total().contacted(), 4);
  EXPECT_EQ(report->total().responded(), 2);
  EXPECT_NEAR(report->total().contact_rate_percent(), 400.0 / 7, 1e-9);
  EXPECT_EQ(report->recovery().opened(), 3);
  EXPECT_EQ(report->recovery().completed(), 1);
  EXPECT_EQ(report->recovery().open(), 1);
  EXPECT_DOUBLE_EQ(report->recovery().recovery_rate_percent(), 50);

  request.set_questionnaire_id("no-such-survey");
  EXPECT_EQ(funnel.Get(request).status().code(), absl::StatusCode::kNotFound);
  request.set_questionnaire_id("post-delivery");
  request.set_first_day("2026-11-24");
  request.set_last_day("2026-11-30");
  report = funnel.Get(request);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->rows_size(), 0);
  EXPECT_FALSE(report->total().has_contact_rate_percent());
  EXPECT_FALSE(report->recovery().has_recovery_rate_percent());
}

TEST_P(SatisfactionReportsTest, UnknownQuestionnairesAndVersionsAreNotFound) {
  v1::GetSatisfactionRequest request = Request("2026-11-23", "2026-11-23", {});
  request.set_questionnaire_id("nope");
  EXPECT_EQ(reports_->Get(request).status().code(), absl::StatusCode::kNotFound);
  request.set_questionnaire_id("post-delivery");
  request.set_questionnaire_version(9);
  EXPECT_EQ(reports_->Get(request).status().code(), absl::StatusCode::kNotFound);
  request.set_questionnaire_version(1);
  EXPECT_TRUE(reports_->Get(request).ok());
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(SatisfactionReportsTest);

}  // namespace
}  // namespace satisfaction::analytics
