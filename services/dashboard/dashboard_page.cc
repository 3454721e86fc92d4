#include "services/dashboard/dashboard_page.h"

#include <cmath>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/analytics/change_tests.h"
#include "services/dashboard/dashboard_text.h"
#include "services/dashboard/svg_charts.h"
#include "services/http/form_fields.h"
#include "services/questionnaires/localized_text.h"

namespace satisfaction::dashboard {
namespace {

using kainjow::mustache::data;
using kainjow::mustache::list;

std::string Fixed(double value, int digits) { return absl::StrFormat("%.*f", digits, value); }

std::string Signed(double value, int digits) { return absl::StrFormat("%+.*f", digits, value); }

std::string IntervalText(const v1::Interval& interval, int digits) {
  return absl::StrCat(Fixed(interval.low(), digits), "–", Fixed(interval.high(), digits));
}

bool HasInterval(const v1::Interval& interval) { return interval.low() != 0 || interval.high() != 0; }

// A headline figure beside the comparison range's.
struct Card {
  // What the page and its tests know the figure by.
  std::string key;
  std::string name;
  std::optional<double> value;
  std::optional<v1::Interval> interval;
  std::optional<double> base;
  std::optional<v1::ChangeTest> test;
  // Post-stratified to the registry's mix of customer types, when asked.
  std::optional<double> weighted;
  std::optional<v1::Interval> weighted_interval;
  int digits = 1;
  std::string unit;
  bool too_small = false;
};

data CardData(const Card& card, bool comparing) {
  data entry;
  entry.set("key", card.key);
  entry.set("name", card.name);
  entry.set("value", card.value ? absl::StrCat(Fixed(*card.value, card.digits), card.unit) : "–");
  if (card.value) entry.set("raw_value", Fixed(*card.value, card.digits));
  if (card.interval && HasInterval(*card.interval)) entry.set("interval", IntervalText(*card.interval, card.digits));
  if (card.weighted) {
    entry.set("weighted", absl::StrCat(Fixed(*card.weighted, card.digits), card.unit));
    if (card.weighted_interval && HasInterval(*card.weighted_interval)) {
      entry.set("weighted_interval", IntervalText(*card.weighted_interval, card.digits));
    }
  }
  if (!comparing) return entry;
  entry.set("comparing", data::type::bool_true);
  entry.set("base", card.base ? absl::StrCat(Fixed(*card.base, card.digits), card.unit) : "–");
  if (card.value && card.base) {
    double change = *card.value - *card.base;
    entry.set("change", Signed(change, card.digits));
    entry.set(change > 0 ? "up" : change < 0 ? "down" : "flat", data::type::bool_true);
  }
  if (card.too_small) entry.set("too_small", data::type::bool_true);
  if (card.test) {
    entry.set("tested", data::type::bool_true);
    entry.set("p_value", absl::StrFormat("%.3g", card.test->adjusted_p_value()));
    entry.set(card.test->significant() ? "significant" : "not_significant", data::type::bool_true);
  }
  return entry;
}

std::optional<double> Optional(bool has, double value) { return has ? std::optional<double>(value) : std::nullopt; }

list HeadlineCards(const DashboardQuery& query, const DashboardReport& report) {
  const std::string& language = query.language;
  const v1::SatisfactionGroup empty;
  const v1::SatisfactionGroup& group = report.headline ? *report.headline : empty;
  const v1::Figures& now = group.figures();
  const v1::Comparison& comparison = group.comparison();
  const v1::Figures& base = comparison.figures();
  bool has_base = group.has_comparison();

  std::vector<Card> cards;
  cards.push_back({.key = "index",
                   .name = Say(Phrase::kIndex, language),
                   .value = Optional(now.has_index(), now.index()),
                   .interval = now.index_interval(),
                   .base = Optional(has_base && base.has_index(), base.index()),
                   .too_small = comparison.too_small()});
  cards.push_back({.key = "csat",
                   .name = Say(Phrase::kCsat, language),
                   .value = Optional(now.has_csat_percent(), now.csat_percent()),
                   .interval = now.csat_interval(),
                   .base = Optional(has_base && base.has_csat_percent(), base.csat_percent()),
                   .test = comparison.has_csat() ? std::optional(comparison.csat()) : std::nullopt,
                   .unit = "%",
                   .too_small = comparison.too_small()});
  cards.push_back({.key = "mean",
                   .name = Say(Phrase::kMeanScore, language),
                   .value = Optional(now.has_mean_score(), now.mean_score()),
                   .interval = now.mean_score_interval(),
                   .base = Optional(has_base && base.has_mean_score(), base.mean_score()),
                   .test = comparison.has_mean_score() ? std::optional(comparison.mean_score()) : std::nullopt,
                   .digits = 2,
                   .too_small = comparison.too_small()});
  cards.push_back({.key = "responses",
                   .name = Say(Phrase::kResponses, language),
                   .value = static_cast<double>(group.responses()),
                   .base = Optional(has_base, static_cast<double>(comparison.responses())),
                   .digits = 0});

  // The funnel's rates, tested here as the aggregates' shares are.
  const v1::FunnelRow& total = report.funnel.total();
  const v1::RecoveryFigures& recovery = report.funnel.recovery();
  Card response_rate{.key = "response_rate",
                     .name = Say(Phrase::kResponseRate, language),
                     .value = Optional(total.has_response_rate_percent(), total.response_rate_percent()),
                     .interval = total.response_rate_interval(),
                     .unit = "%"};
  Card recovery_rate{.key = "recovery_rate",
                     .name = Say(Phrase::kRecoveryRate, language),
                     .value = Optional(recovery.has_recovery_rate_percent(), recovery.recovery_rate_percent()),
                     .interval = recovery.recovery_rate_interval(),
                     .unit = "%"};
  if (report.compare_funnel) {
    const v1::FunnelRow& base_total = report.compare_funnel->total();
    const v1::RecoveryFigures& base_recovery = report.compare_funnel->recovery();
    response_rate.base = Optional(base_total.has_response_rate_percent(), base_total.response_rate_percent());
    response_rate.test =
        analytics::TwoProportionZTest(total.responded(), total.planned(), base_total.responded(), base_total.planned());
    recovery_rate.base = Optional(base_recovery.has_recovery_rate_percent(), base_recovery.recovery_rate_percent());
    recovery_rate.test =
        analytics::TwoProportionZTest(recovery.completed(), recovery.opened() - recovery.open(),
                                      base_recovery.completed(), base_recovery.opened() - base_recovery.open());
  }
  // One test each: the adjusted p-value is the p-value.
  for (Card* card : {&response_rate, &recovery_rate}) {
    if (!card->test) continue;
    card->test->set_adjusted_p_value(card->test->p_value());
    card->test->set_significant(card->test->p_value() < 0.05);
  }
  cards.push_back(response_rate);
  cards.push_back(recovery_rate);

  if (group.has_weighted()) {
    const v1::WeightedFigures& weighted = group.weighted();
    Card& index = cards[0];
    Card& csat = cards[1];
    Card& mean = cards[2];
    index.weighted = Optional(weighted.has_index(), weighted.index());
    index.weighted_interval = weighted.index_interval();
    csat.weighted = Optional(weighted.has_csat_percent(), weighted.csat_percent());
    csat.weighted_interval = weighted.csat_interval();
    mean.weighted = Optional(weighted.has_mean_score(), weighted.mean_score());
    mean.weighted_interval = weighted.mean_score_interval();
  }

  list entries;
  for (const Card& card : cards) entries.push_back(CardData(card, query.comparing()));
  return entries;
}

ChartPoint IndexPoint(std::string label, const v1::Figures& figures) {
  ChartPoint point{.label = std::move(label)};
  if (figures.has_index()) {
    point.value = figures.index();
    if (HasInterval(figures.index_interval())) {
      point.low = figures.index_interval().low();
      point.high = figures.index_interval().high();
    }
  }
  return point;
}

// A group's row in a chart's table.
data FigureRow(const std::string& label, const v1::SatisfactionGroup& group, const std::string& language) {
  data row;
  const v1::Figures& figures = group.figures();
  row.set("label", label);
  row.set("responses", std::to_string(group.responses()));
  row.set("index", figures.has_index() ? Fixed(figures.index(), 1) : "–");
  row.set("index_interval", HasInterval(figures.index_interval()) ? IntervalText(figures.index_interval(), 1) : "–");
  row.set("csat", figures.has_csat_percent() ? absl::StrCat(Fixed(figures.csat_percent(), 1), "%") : "–");
  row.set("mean", figures.has_mean_score() ? Fixed(figures.mean_score(), 2) : "–");
  if (group.too_small()) row.set("too_small", Say(Phrase::kTooSmall, language));
  if (group.has_comparison()) {
    const v1::Comparison& comparison = group.comparison();
    if (figures.has_index() && comparison.figures().has_index()) {
      row.set("index_change", Signed(figures.index() - comparison.figures().index(), 1));
    }
    if (comparison.has_csat()) {
      row.set("csat_change", Signed(comparison.csat().change(), 1));
      if (comparison.csat().significant()) row.set("significant", data::type::bool_true);
    }
  }
  return row;
}

std::string GroupLabel(const v1::SatisfactionGroup& group, v1::Grouping grouping, const std::string& language) {
  switch (grouping) {
    case v1::GROUPING_CUSTOMER_TYPE:
      return CustomerTypeName(group.customer_type(), language);
    case v1::GROUPING_CHANNEL:
      return ChannelName(group.channel(), language);
    case v1::GROUPING_AGENT:
      return group.agent_id().empty() ? Say(Phrase::kNoAgent, language) : group.agent_id();
    case v1::GROUPING_DIMENSION:
      return DimensionName(group.dimension(), language);
    default:
      return group.period_start();
  }
}

data TrendData(const DashboardQuery& query, const DashboardReport& report) {
  std::vector<ChartPoint> points;
  list rows;
  for (const v1::SatisfactionGroup& group : report.trend) {
    points.push_back(IndexPoint(group.period_start(), group.figures()));
    rows.push_back(FigureRow(group.period_start(), group, query.language));
  }
  data trend;
  trend.set("title", Say(Phrase::kTrendTitle, query.language));
  trend.set("svg", TrendChart({.id = "trend",
                               .title = Say(Phrase::kTrendTitle, query.language),
                               .description = Say(Phrase::kTrendDescription, query.language)},
                              points));
  trend.set("rows", rows);
  return trend;
}

list BreakdownData(const DashboardQuery& query, const DashboardReport& report) {
  list breakdowns;
  for (const DashboardReport::Breakdown& breakdown : report.breakdowns) {
    std::vector<ChartPoint> bars;
    list rows;
    for (const v1::SatisfactionGroup& group : breakdown.groups) {
      std::string label = GroupLabel(group, breakdown.grouping, query.language);
      bars.push_back(IndexPoint(label, group.figures()));
      rows.push_back(FigureRow(label, group, query.language));
    }
    std::string id = absl::StrCat("by-", v1::Grouping_Name(breakdown.grouping).substr(9));  // after "GROUPING_"
    for (char& c : id) c = c == '_' ? '-' : absl::ascii_tolower(static_cast<unsigned char>(c));
    data entry;
    entry.set("id", id);
    entry.set("title", Say(breakdown.title, query.language));
    if (bars.empty()) {
      entry.set("empty", data::type::bool_true);
    } else {
      entry.set("svg", BarChart({.id = id,
                                 .title = Say(breakdown.title, query.language),
                                 .description = Say(Phrase::kBreakdownDescription, query.language)},
                                bars));
    }
    entry.set("rows", rows);
    breakdowns.push_back(entry);
  }
  return breakdowns;
}

data FunnelData(const DashboardQuery& query, const DashboardReport& report) {
  const std::string& language = query.language;
  const v1::FunnelRow& total = report.funnel.total();
  std::vector<FunnelStage> stages = {{Say(Phrase::kPlanned, language), total.planned()},
                                     {Say(Phrase::kContacted, language), total.contacted()},
                                     {Say(Phrase::kResponded, language), total.responded()}};
  data funnel;
  funnel.set("title", Say(Phrase::kFunnelTitle, language));
  funnel.set("svg", FunnelChart({.id = "funnel",
                                 .title = Say(Phrase::kFunnelTitle, language),
                                 .description = Say(Phrase::kFunnelDescription, language)},
                                stages));
  list rows;
  for (const FunnelStage& stage : stages) {
    data row;
    row.set("label", stage.label);
    row.set("count", std::to_string(stage.count));
    row.set("share", total.planned() > 0 ? absl::StrCat(Fixed(100.0 * stage.count / total.planned(), 1), "%") : "–");
    rows.push_back(row);
  }
  funnel.set("rows", rows);
  const v1::RecoveryFigures& recovery = report.funnel.recovery();
  funnel.set("recovery_opened", std::to_string(recovery.opened()));
  funnel.set("recovery_completed", std::to_string(recovery.completed()));
  funnel.set("recovery_open", std::to_string(recovery.open()));
  return funnel;
}

list LowScoreRows(const DashboardQuery& query, const DashboardReport& report, absl::TimeZone zone) {
  list rows;
  for (const LowScore& low : report.low_scores) {
    data row;
    row.set("time", absl::FormatTime("%Y-%m-%d %H:%M", low.submitted, zone));
    row.set("customer", low.customer_external_id);
    row.set("phone", low.masked_phone);
    row.set("type", CustomerTypeName(low.customer_type, query.language));
    row.set("channel", ChannelName(low.channel, query.language));
    row.set("agent", low.agent_id.empty() ? Say(Phrase::kNoAgent, query.language) : low.agent_id);
    row.set("score", std::to_string(low.lowest_score));
    row.set("comment", low.comment);
    row.set("recovery", RecoveryStateName(low.recovery_state, query.language));
    rows.push_back(row);
  }
  return rows;
}

// Links to the same page with one parameter changed.
list ViewLinks(const std::string& base, const DashboardQuery& query) {
  list links;
  auto add = [&](const std::string& key, const std::string& label, DashboardQuery view) {
    data link;
    link.set("key", key);
    link.set("label", label);
    link.set("href", absl::StrCat(base, "?", view.QueryString()));
    if (view.QueryString() == query.QueryString()) link.set("current", data::type::bool_true);
    links.push_back(link);
  };
  for (int days : {7, 28, 90, 365}) {
    DashboardQuery view = query;
    view.first_day = query.last_day - (days - 1);
    view.compare_last_day = view.first_day - 1;
    view.compare_first_day = view.first_day - days;
    view.compare = DashboardQuery::Compare::kPrevious;
    view.period = days <= 62 ? v1::GROUPING_DAY : days <= 366 ? v1::GROUPING_WEEK : v1::GROUPING_MONTH;
    add(absl::StrCat("days-", days),
        query.language == "en" ? absl::StrCat("Last ", days, " days") : absl::StrCat("近 ", days, " 天"), view);
  }
  DashboardQuery toggled = query;
  toggled.weighted = !query.weighted;
  data weight;
  weight.set("key", "weight");
  weight.set("label", query.language == "en" ? "Weighted to the customer mix" : "按客户结构加权");
  weight.set("href", absl::StrCat(base, "?", toggled.QueryString()));
  if (query.weighted) weight.set("current", data::type::bool_true);
  links.push_back(weight);
  return links;
}

}  // namespace

data PageData(const std::string& language, const std::string& sign_out_token) {
  data page;
  page.set("lang", language);
  page.set(language == "en" ? "en" : "zh", data::type::bool_true);
  if (!sign_out_token.empty()) page.set("sign_out_token", sign_out_token);
  return page;
}

data QuestionnairePageData(const v1::Questionnaire& questionnaire, const DashboardQuery& query,
                           const DashboardReport& report, absl::TimeZone zone, data page) {
  std::string base = absl::StrCat("/dashboard/questionnaires/", http::QueryEscape(questionnaire.id()));
  page.set("questionnaire_id", questionnaire.id());
  page.set("questionnaire_title", questionnaires::LocalizedIn(questionnaire.title(), query.language));
  page.set("from", DayText(query.first_day));
  page.set("to", DayText(query.last_day));
  page.set("time_zone", zone.name());
  if (query.comparing()) {
    page.set("comparing", data::type::bool_true);
    page.set("compare_from", DayText(query.compare_first_day));
    page.set("compare_to", DayText(query.compare_last_day));
  }
  page.set(query.compare == DashboardQuery::Compare::kYear   ? "compare_year"
           : query.compare == DashboardQuery::Compare::kNone ? "compare_none"
                                                             : "compare_previous",
           data::type::bool_true);
  page.set(query.period == v1::GROUPING_MONTH  ? "by_month"
           : query.period == v1::GROUPING_WEEK ? "by_week"
                                               : "by_day",
           data::type::bool_true);
  page.set("other_language_href", absl::StrCat(base, "?", query.QueryString(query.language == "en" ? "zh-CN" : "en")));
  page.set("csv_href",
           absl::StrCat(base, "/responses.csv?from=", DayText(query.first_day), "&to=", DayText(query.last_day)));
  page.set("views", ViewLinks(base, query));
  page.set("cards", HeadlineCards(query, report));
  if (report.headline && report.headline->has_weighted()) {
    page.set("weighting_note", data::type::bool_true);
    page.set("effective_answers", Fixed(report.headline->weighted().effective_answers(), 0));
    page.set("uncovered_percent", Fixed(100 * report.headline->weighted().uncovered_share(), 1));
  }
  page.set("trend", TrendData(query, report));
  page.set("breakdowns", BreakdownData(query, report));
  page.set("funnel", FunnelData(query, report));
  list low_scores = LowScoreRows(query, report, zone);
  if (low_scores.empty()) page.set("no_low_scores", data::type::bool_true);
  page.set("low_scores", low_scores);
  return page;
}

}  // namespace satisfaction::dashboard
