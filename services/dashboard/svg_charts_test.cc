#include "services/dashboard/svg_charts.h"

#include <regex>

#include "gtest/gtest.h"

namespace satisfaction::dashboard {
namespace {

int Count(const std::string& text, const std::string& pattern) {
  std::regex expression(pattern);
  return static_cast<int>(
      std::distance(std::sregex_iterator(text.begin(), text.end(), expression), std::sregex_iterator()));
}

TEST(SvgChartsTest, ATrendIsANamedImageWithAMarkPerPeriodAnswered) {
  std::vector<ChartPoint> points = {{"2026-11-23", 72.5, 70.1, 74.9},
                                    {"2026-11-24", std::nullopt, std::nullopt, std::nullopt},
                                    {"2026-11-25", 80, 75, 85},
                                    {"2026-11-26", 81, std::nullopt, std::nullopt}};
  std::string svg = TrendChart({.id = "trend", .title = "指数 <趋势>", .description = "A & B"}, points);
  EXPECT_NE(svg.find(R"(role="img")"), std::string::npos);
  EXPECT_NE(svg.find(R"(aria-labelledby="trend-title trend-desc")"), std::string::npos);
  EXPECT_NE(svg.find(R"(<title id="trend-title">指数 &lt;趋势&gt;</title>)"), std::string::npos);
  EXPECT_NE(svg.find(R"(<desc id="trend-desc">A &amp; B</desc>)"), std::string::npos);
  EXPECT_EQ(Count(svg, "<circle "), 3);
  EXPECT_NE(svg.find(R"(data-label="2026-11-23" data-value="72.5" data-low="70.1" data-high="74.9")"),
            std::string::npos);
  // The empty period breaks the line: a lone period with its interval as a
  // whisker, then a run with its band and line.
  EXPECT_EQ(Count(svg, "<polyline "), 1);
  EXPECT_EQ(Count(svg, "<polygon "), 1);
  EXPECT_EQ(Count(svg, R"(<path class="whisker")"), 1);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
}

TEST(SvgChartsTest, BarsRunFromZeroToTheirValueWithWhiskers) {
  std::vector<ChartPoint> bars = {{"New", 50, 40, 60},
                                  {"Loyal \"VIP\"", 100, std::nullopt, std::nullopt},
                                  {"Churned", std::nullopt, std::nullopt, std::nullopt}};
  std::string svg = BarChart({.id = "by-type", .title = "t", .description = "d"}, bars);
  EXPECT_EQ(Count(svg, R"(<rect class="bar")"), 3);
  EXPECT_EQ(Count(svg, R"(<path class="whisker")"), 1);
  // 8 to 352 is 0 to 100.
  EXPECT_NE(svg.find(R"(width="172.0" height="12" data-label="New" data-value="50.0")"), std::string::npos);
  EXPECT_NE(svg.find(R"(width="344.0" height="12" data-label="Loyal &quot;VIP&quot;")"), std::string::npos);
  EXPECT_NE(svg.find(R"(width="0.0" height="12" data-label="Churned" data-value="")"), std::string::npos);
}

TEST(SvgChartsTest, AFunnelIsScaledToItsFirstStage) {
  std::string svg = FunnelChart({.id = "funnel", .title = "t", .description = "d"},
                                {{"Planned", 200}, {"Contacted", 150}, {"Responded", 50}});
  EXPECT_NE(svg.find(R"(data-label="Contacted" data-value="150")"), std::string::npos);
  EXPECT_NE(svg.find(">75.0%<"), std::string::npos);
  EXPECT_NE(svg.find(">25.0%<"), std::string::npos);
  std::string empty = FunnelChart({.id = "funnel", .title = "t", .description = "d"}, {{"Planned", 0}});
  EXPECT_EQ(empty.find("nan"), std::string::npos);
}

TEST(SvgChartsTest, EscapesMarkup) {
  EXPECT_EQ(MarkupEscaped(R"(<a href="x">'&'</a>)"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

}  // namespace
}  // namespace satisfaction::dashboard
