#include "services/dashboard/dashboard_query.h"

#include "gtest/gtest.h"

namespace satisfaction::dashboard {
namespace {

const absl::CivilDay kToday(2026, 12, 7);

absl::StatusOr<DashboardQuery> Parse(const std::string& query) {
  absl::StatusOr<http::FormFields> fields = http::ParseFormFields(query);
  EXPECT_TRUE(fields.ok()) << fields.status();
  return ParseDashboardQuery(*fields, kToday, "zh-CN");
}

TEST(DashboardQueryTest, DefaultsToTheLast28DaysAgainstThe28Before) {
  absl::StatusOr<DashboardQuery> query = Parse("");
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(DayText(query->first_day), "2026-11-10");
  EXPECT_EQ(DayText(query->last_day), "2026-12-07");
  EXPECT_TRUE(query->comparing());
  EXPECT_EQ(DayText(query->compare_first_day), "2026-10-13");
  EXPECT_EQ(DayText(query->compare_last_day), "2026-11-09");
  EXPECT_EQ(query->period, v1::GROUPING_DAY);
  EXPECT_EQ(query->language, "zh-CN");
}

TEST(DashboardQueryTest, ReadsEachParameter) {
  absl::StatusOr<DashboardQuery> query = Parse("from=2024-01-01&to=2024-12-31&compare=year&by=month&lang=en");
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(DayText(query->compare_first_day), "2023-01-01");
  EXPECT_EQ(DayText(query->compare_last_day), "2023-12-31");
  EXPECT_EQ(query->period, v1::GROUPING_MONTH);
  EXPECT_EQ(query->language, "en");
  EXPECT_EQ(query->QueryString(), "from=2024-01-01&to=2024-12-31&compare=year&by=month&lang=en");
  EXPECT_EQ(query->QueryString("zh-CN"), "from=2024-01-01&to=2024-12-31&compare=year&by=month&lang=zh-CN");

  // A leap day's year before is the 28th.
  query = Parse("from=2024-02-29&to=2024-02-29&compare=year");
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(DayText(query->compare_first_day), "2023-02-28");

  query = Parse("weight=registry");
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_TRUE(query->weighted);
  EXPECT_EQ(query->QueryString(), "from=2026-11-10&to=2026-12-07&compare=previous&by=day&weight=registry&lang=zh-CN");

  query = Parse("from=2026-01-01&to=2026-03-31&compare=none");
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_FALSE(query->comparing());
  EXPECT_EQ(query->period, v1::GROUPING_WEEK) << "90 days are by week unless asked";
  query = Parse("from=2024-01-01&to=2026-01-01");
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(query->period, v1::GROUPING_MONTH);
}

TEST(DashboardQueryTest, RefusesBadParametersNamingThem) {
  const std::pair<const char*, const char*> kBad[] = {
      {"from=2026-12-08&to=2026-12-01", "from:"},
      {"from=2020-01-01&to=2026-01-01", "to: the range is over 1100 days"},
      {"from=2026-13-01", "from:"},
      {"to=yesterday", "to:"},
      {"from=1999-12-31", "from:"},
      {"from=2000-01-01&to=2000-01-31", "compare:"},  // the month before 2000
      {"compare=last", "compare:"},
      {"by=hour", "by:"},
      {"lang=fr", "lang:"},
      {"weight=everyone", "weight:"},
      {"group_by=agent", "group_by: unknown parameter"},
  };
  for (const auto& [query, prefix] : kBad) {
    absl::StatusOr<DashboardQuery> parsed = Parse(query);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << query;
    EXPECT_EQ(parsed.status().message().substr(0, std::string(prefix).size()), prefix) << query;
  }
}

}  // namespace
}  // namespace satisfaction::dashboard
