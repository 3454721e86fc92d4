#ifndef SATISFACTION_SERVICES_DASHBOARD_SVG_CHARTS_H_
#define SATISFACTION_SERVICES_DASHBOARD_SVG_CHARTS_H_

#include <optional>
#include <string>
#include <vector>

// Charts drawn on the server as inline SVG, so that the page needs no script
// and no asset from elsewhere. Each is an image named by its title and
// description (role="img"), scales to its container, and carries each
// figure on its mark (data-label, data-value) besides the data table the
// page puts behind it for screen readers.
namespace satisfaction::dashboard {

struct ChartText {
  // Unique on the page: the prefix of the ids of the title and description.
  std::string id;
  std::string title;
  std::string description;
};

// A figure of 0 to 100 with its 95% interval; no value: no answers.
struct ChartPoint {
  std::string label;
  std::optional<double> value;
  std::optional<double> low, high;
};

// A line through the points, in order, with the interval as a band; a
// point with no value breaks the line. The scale is fitted to the band.
std::string TrendChart(const ChartText& text, const std::vector<ChartPoint>& points);

// A bar per point from 0 to 100, its label above it and its interval as a
// whisker.
std::string BarChart(const ChartText& text, const std::vector<ChartPoint>& bars);

struct FunnelStage {
  std::string label;
  long long count = 0;
};
// A bar per stage, each as long as its share of the first stage.
std::string FunnelChart(const ChartText& text, const std::vector<FunnelStage>& stages);

// `text` with &, <, >, " and ' escaped, for XML and HTML alike.
std::string MarkupEscaped(const std::string& text);

}  // namespace satisfaction::dashboard

#endif  // SATISFACTION_SERVICES_DASHBOARD_SVG_CHARTS_H_
