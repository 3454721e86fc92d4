#include "services/dashboard/svg_charts.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace satisfaction::dashboard {
namespace {

// Every chart is drawn on a 360-unit-wide canvas, a phone's width, so that
// its text stays readable when the page scales it to the screen.
constexpr double kWidth = 360;
constexpr double kLeft = 34, kRight = 352;

std::string Number(double value) { return absl::StrFormat("%.1f", value); }

std::string Open(const ChartText& text, double height) {
  return absl::StrCat(
      R"(<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" id=")", MarkupEscaped(text.id),
      R"(" viewBox="0 0 )", kWidth, " ", Number(height), R"(" aria-labelledby=")", MarkupEscaped(text.id), "-title ",
      MarkupEscaped(text.id), R"(-desc"><title id=")", MarkupEscaped(text.id), R"(-title">)", MarkupEscaped(text.title),
      R"(</title><desc id=")", MarkupEscaped(text.id), R"(-desc">)", MarkupEscaped(text.description), "</desc>");
}

// A mark's data, and its tooltip.
std::string DataOf(const ChartPoint& point) {
  std::string data = absl::StrCat(R"( data-label=")", MarkupEscaped(point.label), R"(" data-value=")",
                                  point.value ? Number(*point.value) : "", R"(")");
  if (point.low && point.high) {
    absl::StrAppend(&data, R"( data-low=")", Number(*point.low), R"(" data-high=")", Number(*point.high), R"(")");
  }
  return data;
}

std::string Tooltip(const ChartPoint& point) {
  std::string tip = absl::StrCat(point.label, ": ", point.value ? Number(*point.value) : "–");
  if (point.low && point.high) absl::StrAppend(&tip, " (", Number(*point.low), "–", Number(*point.high), ")");
  return absl::StrCat("<title>", MarkupEscaped(tip), "</title>");
}

// The trend's vertical scale: the band's extent widened to tens, at least
// 20 points tall, within 0 to 100.
std::pair<double, double> TrendScale(const std::vector<ChartPoint>& points) {
  double low = 100, high = 0;
  for (const ChartPoint& point : points) {
    if (!point.value) continue;
    low = std::min({low, *point.value, point.low.value_or(*point.value)});
    high = std::max({high, *point.value, point.high.value_or(*point.value)});
  }
  if (low > high) return {0, 100};
  low = std::max(0.0, std::floor(low / 10) * 10);
  high = std::min(100.0, std::ceil(high / 10) * 10);
  if (high - low < 20) {
    if (high + 10 <= 100) high += 10;
    if (high - low < 20) low = std::max(0.0, low - 10);
    if (high - low < 20) high = std::min(100.0, low + 20);
  }
  return {low, high};
}

}  // namespace

std::string MarkupEscaped(const std::string& text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\'':
        escaped += "&#39;";
        break;
      default:
        escaped.push_back(c);
    }
  }
  return escaped;
}

std::string TrendChart(const ChartText& text, const std::vector<ChartPoint>& points) {
  constexpr double kTop = 10, kBottom = 168, kHeight = 190;
  auto [scale_low, scale_high] = TrendScale(points);
  auto y = [&](double value) { return kBottom - (value - scale_low) / (scale_high - scale_low) * (kBottom - kTop); };
  size_t count = points.size();
  auto x = [&](size_t i) { return count <= 1 ? (kLeft + kRight) / 2 : kLeft + (kRight - kLeft) * i / (count - 1); };

  std::string svg = Open(text, kHeight);
  double step = (scale_high - scale_low) > 40 ? 20 : 10;
  for (double tick = scale_low; tick <= scale_high + 0.01; tick += step) {
    absl::StrAppend(&svg, R"(<line class="grid" x1=")", kLeft, R"(" x2=")", kRight, R"(" y1=")", Number(y(tick)),
                    R"(" y2=")", Number(y(tick)), R"("/><text class="axis" x=")", kLeft - 4, R"(" y=")",
                    Number(y(tick) + 3), R"(" text-anchor="end">)", static_cast<int>(std::lround(tick)), "</text>");
  }
  // Runs of points with values: the band and the line of each.
  for (size_t start = 0; start < count;) {
    if (!points[start].value) {
      ++start;
      continue;
    }
    size_t end = start;
    while (end < count && points[end].value) ++end;
    std::string upper, lower, line;
    for (size_t i = start; i < end; ++i) {
      const ChartPoint& point = points[i];
      absl::StrAppend(&upper, Number(x(i)), ",", Number(y(point.high.value_or(*point.value))), " ");
      lower = absl::StrCat(Number(x(i)), ",", Number(y(point.low.value_or(*point.value))), " ", lower);
      absl::StrAppend(&line, Number(x(i)), ",", Number(y(*point.value)), " ");
    }
    if (end - start == 1 && points[start].low && points[start].high) {
      // A lone period has no band to draw: its interval is a whisker.
      absl::StrAppend(&svg, R"(<path class="whisker" d="M)", Number(x(start)), " ", Number(y(*points[start].low)), " V",
                      Number(y(*points[start].high)), R"("/>)");
    } else {
      absl::StrAppend(&svg, R"(<polygon class="band" points=")", upper, lower, R"("/>)");
      absl::StrAppend(&svg, R"(<polyline class="line" points=")", line, R"("/>)");
    }
    start = end;
  }
  for (size_t i = 0; i < count; ++i) {
    const ChartPoint& point = points[i];
    if (!point.value) continue;
    absl::StrAppend(&svg, R"(<circle class="point" r="2.5" cx=")", Number(x(i)), R"(" cy=")", Number(y(*point.value)),
                    R"(")", DataOf(point), ">", Tooltip(point), "</circle>");
  }
  // The first, middle and last periods' names under the axis.
  std::vector<size_t> named = {0};
  if (count > 2) named.push_back(count / 2);
  if (count > 1) named.push_back(count - 1);
  for (size_t i : named) {
    if (i >= count) continue;
    const char* anchor = i == 0 ? "start" : i == count - 1 ? "end" : "middle";
    absl::StrAppend(&svg, R"(<text class="axis" x=")", Number(x(i)), R"(" y=")", kHeight - 6, R"(" text-anchor=")",
                    anchor, R"(">)", MarkupEscaped(points[i].label), "</text>");
  }
  absl::StrAppend(&svg, "</svg>");
  return svg;
}

std::string BarChart(const ChartText& text, const std::vector<ChartPoint>& bars) {
  constexpr double kRow = 34, kBarLeft = 8, kBarRight = 352;
  double height = std::max<double>(kRow, kRow * bars.size()) + 6;
  auto x = [&](double value) { return kBarLeft + (kBarRight - kBarLeft) * std::clamp(value, 0.0, 100.0) / 100; };
  std::string svg = Open(text, height);
  for (size_t i = 0; i < bars.size(); ++i) {
    const ChartPoint& bar = bars[i];
    double top = kRow * i;
    absl::StrAppend(&svg, R"(<text class="label" x=")", kBarLeft, R"(" y=")", Number(top + 12), R"(">)",
                    MarkupEscaped(bar.label), R"(</text><text class="value" x=")", kBarRight, R"(" y=")",
                    Number(top + 12), R"(" text-anchor="end">)", bar.value ? Number(*bar.value) : "–", "</text>");
    absl::StrAppend(&svg, R"(<rect class="track" x=")", kBarLeft, R"(" y=")", Number(top + 17), R"(" width=")",
                    kBarRight - kBarLeft, R"(" height="12"/>)");
    absl::StrAppend(&svg, R"(<rect class="bar" x=")", kBarLeft, R"(" y=")", Number(top + 17), R"(" width=")",
                    Number(bar.value ? x(*bar.value) - kBarLeft : 0), R"(" height="12")", DataOf(bar), ">",
                    Tooltip(bar), "</rect>");
    if (bar.low && bar.high) {
      double middle = top + 23;
      absl::StrAppend(&svg, R"(<path class="whisker" d="M)", Number(x(*bar.low)), " ", Number(middle), " H",
                      Number(x(*bar.high)), " M", Number(x(*bar.low)), " ", Number(middle - 5), " V",
                      Number(middle + 5), " M", Number(x(*bar.high)), " ", Number(middle - 5), " V", Number(middle + 5),
                      R"("/>)");
    }
  }
  absl::StrAppend(&svg, "</svg>");
  return svg;
}

std::string FunnelChart(const ChartText& text, const std::vector<FunnelStage>& stages) {
  constexpr double kRow = 34, kBarLeft = 8, kBarRight = 352;
  double height = std::max<double>(kRow, kRow * stages.size()) + 6;
  long long first = stages.empty() ? 0 : stages.front().count;
  std::string svg = Open(text, height);
  for (size_t i = 0; i < stages.size(); ++i) {
    const FunnelStage& stage = stages[i];
    double top = kRow * i, share = first > 0 ? static_cast<double>(stage.count) / first : 0;
    std::string percent = first > 0 ? absl::StrCat(Number(share * 100), "%") : "–";
    absl::StrAppend(&svg, R"(<text class="label" x=")", kBarLeft, R"(" y=")", Number(top + 12), R"(">)",
                    MarkupEscaped(stage.label), " ", stage.count, R"(</text><text class="value" x=")", kBarRight,
                    R"(" y=")", Number(top + 12), R"(" text-anchor="end">)", percent, "</text>");
    absl::StrAppend(&svg, R"(<rect class="bar" x=")", kBarLeft, R"(" y=")", Number(top + 17), R"(" width=")",
                    Number((kBarRight - kBarLeft) * share), R"(" height="12" data-label=")", MarkupEscaped(stage.label),
                    R"(" data-value=")", stage.count, R"("><title>)",
                    MarkupEscaped(absl::StrCat(stage.label, ": ", stage.count, " (", percent, ")")), "</title></rect>");
  }
  absl::StrAppend(&svg, "</svg>");
  return svg;
}

}  // namespace satisfaction::dashboard
