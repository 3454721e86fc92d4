#include "services/settings/classification_settings.h"

#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace satisfaction::settings {
namespace {

constexpr absl::Duration kDay = absl::Hours(24);

TEST(ClassificationSettings, TheDefaultsAreTheSchedulersDefaults) {
  absl::StatusOr<ClassificationRules> rules = ParseClassificationSettings(DefaultClassificationSettings());
  ASSERT_TRUE(rules.ok()) << rules.status();
  scheduler::ClassificationThresholds t;
  scheduler::RfmThresholds rfm;
  EXPECT_EQ(rules->thresholds.active_period, t.active_period);
  EXPECT_EQ(rules->thresholds.active_min_orders, t.active_min_orders);
  EXPECT_EQ(rules->thresholds.dormant_after, t.dormant_after);
  EXPECT_EQ(rules->thresholds.churned_after, t.churned_after);
  EXPECT_EQ(rules->thresholds.loyal_min_orders, t.loyal_min_orders);
  EXPECT_EQ(rules->thresholds.loyal_min_tenure, t.loyal_min_tenure);
  EXPECT_EQ(rules->thresholds.loyal_min_amount, t.loyal_min_amount);
  EXPECT_EQ(rules->rfm.recency, rfm.recency);
  EXPECT_EQ(rules->rfm.frequency, rfm.frequency);
  EXPECT_EQ(rules->rfm.monetary, rfm.monetary);
}

TEST(ClassificationSettings, AmountsAreInMinorUnits) {
  v1::ClassificationSettings settings = DefaultClassificationSettings();
  settings.set_loyal_min_amount_minor(123456);
  *settings.mutable_dormant_after() = ToProtoDuration(kDay * 60);
  absl::StatusOr<ClassificationRules> rules = ParseClassificationSettings(settings);
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_DOUBLE_EQ(rules->thresholds.loyal_min_amount, 1234.56);
  EXPECT_EQ(rules->thresholds.dormant_after, kDay * 60);
  EXPECT_DOUBLE_EQ(rules->rfm.monetary[0], 200.0);
}

struct BadCase {
  std::string name;
  void (*spoil)(v1::ClassificationSettings&);
  std::string field;
};

class ClassificationSettingsBadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(ClassificationSettingsBadInput, IsRefusedNamingTheField) {
  v1::ClassificationSettings settings = DefaultClassificationSettings();
  GetParam().spoil(settings);
  absl::StatusOr<ClassificationRules> parsed = ParseClassificationSettings(settings);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(parsed.status().message(), GetParam().field + ":")) << parsed.status();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ClassificationSettingsBadInput,
    ::testing::Values(
        BadCase{"MissingPeriod", [](v1::ClassificationSettings& s) { s.clear_active_period(); },
                "settings.active_period"},
        BadCase{"NegativeSpan", [](v1::ClassificationSettings& s) { s.mutable_dormant_after()->set_seconds(-1); },
                "settings.dormant_after"},
        BadCase{"ChurnBeforeDormancy",
                [](v1::ClassificationSettings& s) { *s.mutable_churned_after() = s.dormant_after(); },
                "settings.churned_after"},
        BadCase{"NoOrdersToBeActive", [](v1::ClassificationSettings& s) { s.set_active_min_orders(0); },
                "settings.active_min_orders"},
        BadCase{"NoOrdersToBeLoyal", [](v1::ClassificationSettings& s) { s.set_loyal_min_orders(-2); },
                "settings.loyal_min_orders"},
        BadCase{"NegativeAmount", [](v1::ClassificationSettings& s) { s.set_loyal_min_amount_minor(-1); },
                "settings.loyal_min_amount_minor"},
        BadCase{"NoRfm", [](v1::ClassificationSettings& s) { s.clear_rfm(); }, "settings.rfm"},
        BadCase{"ThreeRecencyCuts",
                [](v1::ClassificationSettings& s) { s.mutable_rfm()->mutable_recency()->RemoveLast(); },
                "settings.rfm.recency"},
        BadCase{"RecencyNotAscending",
                [](v1::ClassificationSettings& s) { *s.mutable_rfm()->mutable_recency(2) = s.rfm().recency(1); },
                "settings.rfm.recency[2]"},
        BadCase{"FrequencyNotAscending", [](v1::ClassificationSettings& s) { s.mutable_rfm()->set_frequency(1, 1); },
                "settings.rfm.frequency[1]"},
        BadCase{"FrequencyOfNone", [](v1::ClassificationSettings& s) { s.mutable_rfm()->set_frequency(0, 0); },
                "settings.rfm.frequency[0]"},
        BadCase{"MonetaryNegative", [](v1::ClassificationSettings& s) { s.mutable_rfm()->set_monetary_minor(0, -5); },
                "settings.rfm.monetary_minor[0]"},
        BadCase{"FiveMonetaryCuts",
                [](v1::ClassificationSettings& s) { s.mutable_rfm()->add_monetary_minor(10'000'000); },
                "settings.rfm.monetary_minor"}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return info.param.name; });

}  // namespace
}  // namespace satisfaction::settings
