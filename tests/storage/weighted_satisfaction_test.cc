// GetSatisfaction's weighting by customer type over real aggregates, on each
// backend: the weighted figures of every group against NumPy's over the same
// answers (tests/reference/weighted_figures.py), to the registry's mix and to
// one given.
#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/analytics/satisfaction_reports.h"
#include "services/analytics/weighted_figures.h"
#include "tests/storage/satisfaction_reports_fixture.h"
#include "tests/support/reference_values.h"

namespace satisfaction::analytics {
namespace {

using test_support::WeightedReference;
using test_support::WeightingCase;

// Counts of 1s to 5s by item code and customer type.
using ItemCounts = std::map<std::string, std::map<int, std::array<long long, 5>>>;

class WeightedSatisfactionTest : public SatisfactionReportsTest {
 protected:
  // `responses` customers of `type` answer on `channel`, `weeks_ago` weeks
  // before start_, each item at random from `lowest` to 5.
  void AnswerMany(v1::CustomerType type, v1::Channel channel, int responses, int lowest, int weeks_ago = 0) {
    for (int i = 0; i < responses; ++i) {
      std::vector<int> scores;
      for (int item = 0; item < 3; ++item) {
        scores.push_back(lowest + static_cast<int>(random_() % (6 - lowest)));
        ++answered_[{weeks_ago, channel}][absl::StrCat("item_", item)][type][scores.back() - 1];
      }
      Answer(Survey(type, channel), scores, start_ - absl::Hours(24 * 7 * weeks_ago) + absl::Minutes(i));
      ++registered_[type];
    }
  }

  // Customers of `type` who answered nothing.
  void Register(v1::CustomerType type, int customers) {
    customers::CustomerStore store(*database_);
    for (int i = 0; i < customers; ++i) {
      v1::Customer customer;
      customer.set_external_id(absl::StrCat("silent-", type, "-", i));
      customer.set_name("李雷");
      customer.set_phone("+8613800138000");
      customer.set_type_override(type);
      ASSERT_TRUE(customers::NormalizeAndValidateCustomer("customer", customer).ok());
      ASSERT_TRUE(store.Upsert(customer, start_).ok());
    }
    registered_[type] += customers;
  }

  // The answers of the week `weeks_ago` on `channels`, of the types `kept`
  // (all when empty), weighted to `target`.
  WeightingCase CaseOf(int weeks_ago, const std::vector<v1::Channel>& channels, const TypeShares& target,
                       const std::vector<int>& kept = {}) {
    ItemCounts merged;
    for (v1::Channel channel : channels) {
      for (const auto& [code, by_type] : answered_[{weeks_ago, channel}]) {
        for (const auto& [type, counts] : by_type) {
          if (!kept.empty() && std::find(kept.begin(), kept.end(), type) == kept.end()) continue;
          for (int score = 0; score < 5; ++score) merged[code][type][score] += counts[score];
        }
      }
    }
    WeightingCase weighting_case{.target = target};
    for (const auto& [code, by_type] : merged) weighting_case.items.emplace_back(kWeights.at(code), by_type);
    return weighting_case;
  }

  TypeShares Registry() const {
    TypeShares mix;
    for (const auto& [type, customers] : registered_) mix[type] = customers;
    return mix;
  }

  std::mt19937 random_{19};
  std::map<std::pair<int, int>, ItemCounts> answered_;  // by weeks ago and channel
  std::map<int, long long> registered_;                 // customers by type
};

void ExpectClose(double actual, double expected, const std::string& what) {
  EXPECT_NEAR(actual, expected, 1e-9 * std::max(1.0, std::abs(expected))) << what;
}

// Grouped by channel (the full aggregates, read by customer type for the
// weighting), each group and its comparison weighted to the registry now.
TEST_P(WeightedSatisfactionTest, TheRegistrysMixWeighsEachGroupAndItsComparisonAsNumPyDoes) {
  AnswerMany(v1::CUSTOMER_TYPE_NEW, v1::CHANNEL_SMS, 20, 1);
  AnswerMany(v1::CUSTOMER_TYPE_LOYAL, v1::CHANNEL_SMS, 6, 3);
  AnswerMany(v1::CUSTOMER_TYPE_ACTIVE, v1::CHANNEL_SMS, 8, 2);
  AnswerMany(v1::CUSTOMER_TYPE_NEW, v1::CHANNEL_IM, 10, 2);
  AnswerMany(v1::CUSTOMER_TYPE_LOYAL, v1::CHANNEL_IM, 12, 4);
  AnswerMany(v1::CUSTOMER_TYPE_NEW, v1::CHANNEL_SMS, 10, 1, /*weeks_ago=*/1);
  AnswerMany(v1::CUSTOMER_TYPE_LOYAL, v1::CHANNEL_SMS, 9, 2, /*weeks_ago=*/1);
  AnswerMany(v1::CUSTOMER_TYPE_NEW, v1::CHANNEL_IM, 5, 3, /*weeks_ago=*/1);
  AnswerMany(v1::CUSTOMER_TYPE_ACTIVE, v1::CHANNEL_IM, 4, 1, /*weeks_ago=*/1);
  ASSERT_NO_FATAL_FAILURE(Register(v1::CUSTOMER_TYPE_LOYAL, 40));
  ASSERT_NO_FATAL_FAILURE(Register(v1::CUSTOMER_TYPE_DORMANT, 10));

  v1::GetSatisfactionRequest request = Request("2026-11-23", "2026-11-29", {v1::GROUPING_CHANNEL});
  request.set_compare_first_day("2026-11-16");
  request.set_compare_last_day("2026-11-22");
  request.set_min_responses(5);
  request.mutable_weighting()->set_target(v1::WEIGHTING_TARGET_REGISTRY);
  ASSERT_TRUE(ValidateSatisfactionRequest(request).ok());
  absl::StatusOr<v1::GetSatisfactionResponse> report = reports_->Get(request);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->groups_size(), 2);

  const TypeShares registry = Registry();
  const std::vector<v1::Channel> channels = {report->groups(0).channel(), report->groups(1).channel()};
  std::vector<WeightedReference> reference =
      test_support::WeightedFigureReferences({CaseOf(0, {channels[0]}, registry), CaseOf(1, {channels[0]}, registry),
                                              CaseOf(0, {channels[1]}, registry), CaseOf(1, {channels[1]}, registry)});
  ASSERT_EQ(reference.size(), 4u);
  double registered = 0;
  for (const auto& [type, customers] : registry) registered += customers;
  for (int g = 0; g < 2; ++g) {
    const v1::SatisfactionGroup& group = report->groups(g);
    std::string what = v1::Channel_Name(group.channel());
    ASSERT_TRUE(group.has_weighted()) << what;
    test_support::ExpectAsReference(group.weighted(), reference[2 * g], what);
    test_support::ExpectAsReference(group.comparison().weighted(), reference[2 * g + 1], what + " a week before");
    for (const v1::StratumWeight& stratum : group.weighted().strata()) {
      EXPECT_DOUBLE_EQ(stratum.target_share(), registry.at(stratum.customer_type()) / registered) << what;
    }
    // The weighting leaves the plain figures and the tests as they were.
    EXPECT_EQ(group.figures().answers(), 3 * group.responses()) << what;
    EXPECT_TRUE(group.comparison().has_mean_score()) << what;
  }
  // Dormant customers answered nowhere; active ones not by IM this week.
  const v1::SatisfactionGroup& im = report->groups(channels[0] == v1::CHANNEL_IM ? 0 : 1);
  ExpectClose(im.weighted().uncovered_share(),
              (registry.at(v1::CUSTOMER_TYPE_DORMANT) + registry.at(v1::CUSTOMER_TYPE_ACTIVE)) / registered,
              "uncovered by IM");
}

// By day and customer type (the aggregates read when nothing else is asked):
// the shares given, then narrowed to the types the filter keeps.
TEST_P(WeightedSatisfactionTest, GivenSharesWeighAndAFilterNarrowsThem) {
  AnswerMany(v1::CUSTOMER_TYPE_NEW, v1::CHANNEL_SMS, 15, 1);
  AnswerMany(v1::CUSTOMER_TYPE_LOYAL, v1::CHANNEL_SMS, 8, 3);
  AnswerMany(v1::CUSTOMER_TYPE_ACTIVE, v1::CHANNEL_SMS, 6, 2);

  v1::GetSatisfactionRequest request = Request("2026-11-23", "2026-11-29", {});
  absl::StatusOr<v1::GetSatisfactionResponse> plain = reports_->Get(request);
  ASSERT_TRUE(plain.ok()) << plain.status();
  ASSERT_EQ(plain->groups_size(), 1);
  EXPECT_FALSE(plain->groups(0).has_weighted()) << "none asked for";

  // Percentages: churned customers answered nothing, active ones are not in the mix.
  const TypeShares given = {
      {v1::CUSTOMER_TYPE_NEW, 50}, {v1::CUSTOMER_TYPE_LOYAL, 30}, {v1::CUSTOMER_TYPE_CHURNED, 20}};
  v1::Weighting& weighting = *request.mutable_weighting();
  weighting.set_target(v1::WEIGHTING_TARGET_GIVEN);
  for (const auto& [type, share] : given) {
    v1::CustomerTypeShare& added = *weighting.add_shares();
    added.set_customer_type(static_cast<v1::CustomerType>(type));
    added.set_share(share);
  }
  v1::GetSatisfactionRequest narrowed = request;
  narrowed.mutable_filter()->add_customer_types(v1::CUSTOMER_TYPE_NEW);
  narrowed.mutable_filter()->add_customer_types(v1::CUSTOMER_TYPE_LOYAL);
  ASSERT_TRUE(ValidateSatisfactionRequest(request).ok());
  ASSERT_TRUE(ValidateSatisfactionRequest(narrowed).ok());
  absl::StatusOr<v1::GetSatisfactionResponse> weighted = reports_->Get(request);
  ASSERT_TRUE(weighted.ok()) << weighted.status();
  absl::StatusOr<v1::GetSatisfactionResponse> filtered = reports_->Get(narrowed);
  ASSERT_TRUE(filtered.ok()) << filtered.status();
  ASSERT_EQ(weighted->groups_size(), 1);
  ASSERT_EQ(filtered->groups_size(), 1);

  const TypeShares kept = {{v1::CUSTOMER_TYPE_NEW, 50}, {v1::CUSTOMER_TYPE_LOYAL, 30}};
  std::vector<WeightedReference> reference = test_support::WeightedFigureReferences(
      {CaseOf(0, {v1::CHANNEL_SMS}, given),
       CaseOf(0, {v1::CHANNEL_SMS}, kept, {v1::CUSTOMER_TYPE_NEW, v1::CUSTOMER_TYPE_LOYAL})});
  ASSERT_EQ(reference.size(), 2u);
  test_support::ExpectAsReference(weighted->groups(0).weighted(), reference[0], "given");
  test_support::ExpectAsReference(filtered->groups(0).weighted(), reference[1], "given, filtered");
  EXPECT_DOUBLE_EQ(weighted->groups(0).weighted().uncovered_share(), 0.2);
  EXPECT_EQ(filtered->groups(0).weighted().uncovered_share(), 0);
  EXPECT_EQ(filtered->groups(0).weighted().strata_size(), 2) << "churned customers are filtered out";
  EXPECT_EQ(weighted->groups(0).figures().DebugString(), plain->groups(0).figures().DebugString());

  // The registry has no dormant customer: nothing to weight to.
  v1::GetSatisfactionRequest dormant = Request("2026-11-23", "2026-11-29", {});
  dormant.mutable_filter()->add_customer_types(v1::CUSTOMER_TYPE_DORMANT);
  dormant.mutable_weighting()->set_target(v1::WEIGHTING_TARGET_REGISTRY);
  ASSERT_TRUE(ValidateSatisfactionRequest(dormant).ok());
  absl::StatusOr<v1::GetSatisfactionResponse> refused = reports_->Get(dormant);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StartsWith(refused.status().message(), "weighting.target")) << refused.status();
}

// Grouped by platform (the aggregates by business context, read by customer
// type for the weighting): the weighted mean is each type's mean at its share.
TEST_P(WeightedSatisfactionTest, TheContextAggregatesAreWeighedByType) {
  ASSERT_TRUE(database_
                  ->InTransaction(storage::Access::kWrite,
                                  [&](storage::Transaction& tx) {
                                    // New customers: 4 answers of 2 and 4 of 4 (mean 3); loyal: 2 of 5.
                                    tx.session() << "INSERT INTO response_context_rollups (questionnaire_id,"
                                                    " questionnaire_version, day, customer_type, platform, store,"
                                                    " product_category, courier, cause, item_code, slot, responses,"
                                                    " scored_1, scored_2, scored_3, scored_4, scored_5) VALUES"
                                                    " ('post-delivery', 1, 20261123, 1, '淘宝', '', '', '', '', '',"
                                                    " 0, 8, 0, 0, 0, 0, 0),"
                                                    " ('post-delivery', 1, 20261123, 1, '淘宝', '', '', '', '',"
                                                    " 'item_0', 0, 0, 0, 4, 0, 4, 0),"
                                                    " ('post-delivery', 1, 20261124, 5, '淘宝', '', '', '', '', '',"
                                                    " 0, 2, 0, 0, 0, 0, 0),"
                                                    " ('post-delivery', 1, 20261124, 5, '淘宝', '', '', '', '',"
                                                    " 'item_0', 0, 0, 0, 0, 0, 0, 2)";
                                    return absl::OkStatus();
                                  })
                  .ok());
  v1::GetSatisfactionRequest request = Request("2026-11-23", "2026-11-29", {v1::GROUPING_PLATFORM});
  v1::Weighting& weighting = *request.mutable_weighting();
  weighting.set_target(v1::WEIGHTING_TARGET_GIVEN);
  v1::CustomerTypeShare& loyal = *weighting.add_shares();
  loyal.set_customer_type(v1::CUSTOMER_TYPE_LOYAL);
  loyal.set_share(0.25);
  v1::CustomerTypeShare& fresh = *weighting.add_shares();
  fresh.set_customer_type(v1::CUSTOMER_TYPE_NEW);
  fresh.set_share(0.75);
  ASSERT_TRUE(ValidateSatisfactionRequest(request).ok());
  absl::StatusOr<v1::GetSatisfactionResponse> report = reports_->Get(request);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->groups_size(), 1);
  const v1::SatisfactionGroup& group = report->groups(0);
  EXPECT_EQ(group.platform(), "淘宝");
  EXPECT_EQ(group.responses(), 10);
  EXPECT_DOUBLE_EQ(group.figures().mean_score(), (8 * 3 + 2 * 5) / 10.0);
  EXPECT_DOUBLE_EQ(group.weighted().mean_score(), 0.75 * 3 + 0.25 * 5);
  EXPECT_DOUBLE_EQ(group.weighted().csat_percent(), 100 * (0.75 * 0.5 + 0.25 * 1));
  EXPECT_DOUBLE_EQ(group.weighted().index(), 25 * (0.75 * 3 + 0.25 * 5 - 1));
  EXPECT_DOUBLE_EQ(group.weighted().effective_answers(), 1 / (0.75 * 0.75 / 8 + 0.25 * 0.25 / 2));
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(WeightedSatisfactionTest);

}  // namespace
}  // namespace satisfaction::analytics
