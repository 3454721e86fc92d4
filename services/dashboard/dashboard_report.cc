#include "services/dashboard/dashboard_report.h"

#include <functional>
#include <tuple>

#include "absl/time/clock.h"

namespace satisfaction::dashboard {
namespace {

v1::GetSatisfactionRequest SatisfactionRequest(const std::string& questionnaire_id, const DashboardQuery& query,
                                               bool compare) {
  v1::GetSatisfactionRequest request;
  request.set_questionnaire_id(questionnaire_id);
  request.set_first_day(DayText(query.first_day));
  request.set_last_day(DayText(query.last_day));
  if (compare && query.comparing()) {
    request.set_compare_first_day(DayText(query.compare_first_day));
    request.set_compare_last_day(DayText(query.compare_last_day));
  }
  return request;
}

v1::GetResponseFunnelRequest FunnelRequest(const std::string& questionnaire_id, absl::CivilDay first,
                                           absl::CivilDay last) {
  v1::GetResponseFunnelRequest request;
  request.set_questionnaire_id(questionnaire_id);
  request.set_first_day(DayText(first));
  request.set_last_day(DayText(last));
  request.set_totals_only(true);  // the page shows the total alone
  return request;
}

}  // namespace

absl::StatusOr<DashboardReport> DashboardReports::Read(const access::Caller& caller,
                                                       const std::string& questionnaire_id,
                                                       const DashboardQuery& query) {
  DashboardReport report;
  // The parts are independent reads, each its own transaction, timed for
  // the page's Server-Timing. They run one after another: at once, on two
  // cores, the page was no faster (the database does the work), and each
  // view would hold as many pooled sessions as parts.
  struct Part {
    std::string name;
    std::function<absl::Status()> read;
  };
  std::vector<Part> parts;
  auto figures = [&](v1::GetSatisfactionRequest request, std::function<void(v1::GetSatisfactionResponse)> keep) {
    return [this, &caller, request = std::move(request), keep = std::move(keep)]() -> absl::Status {
      absl::StatusOr<v1::GetSatisfactionResponse> read = analytics_.GetSatisfaction(caller, request);
      if (!read.ok()) return read.status();
      keep(*std::move(read));
      return absl::OkStatus();
    };
  };
  v1::GetSatisfactionRequest headline = SatisfactionRequest(questionnaire_id, query, /*compare=*/true);
  if (query.weighted) headline.mutable_weighting()->set_target(v1::WEIGHTING_TARGET_REGISTRY);
  parts.push_back({"headline", figures(headline, [&](v1::GetSatisfactionResponse read) {
                     if (read.groups_size() > 0) report.headline = read.groups(0);
                   })});
  v1::GetSatisfactionRequest trend = SatisfactionRequest(questionnaire_id, query, /*compare=*/false);
  trend.add_group_by(query.period);
  parts.push_back({"trend", figures(trend, [&](v1::GetSatisfactionResponse read) {
                     report.trend.assign(read.groups().begin(), read.groups().end());
                   })});
  const std::tuple<const char*, Phrase, v1::Grouping> kBreakdowns[] = {
      {"by_customer_type", Phrase::kByCustomerType, v1::GROUPING_CUSTOMER_TYPE},
      {"by_channel", Phrase::kByChannel, v1::GROUPING_CHANNEL},
      {"by_agent", Phrase::kByAgent, v1::GROUPING_AGENT},
      {"by_dimension", Phrase::kByDimension, v1::GROUPING_DIMENSION}};
  report.breakdowns.resize(std::size(kBreakdowns));
  for (size_t i = 0; i < std::size(kBreakdowns); ++i) {
    auto [name, title, grouping] = kBreakdowns[i];
    v1::GetSatisfactionRequest request = SatisfactionRequest(questionnaire_id, query, /*compare=*/true);
    request.add_group_by(grouping);
    DashboardReport::Breakdown& breakdown = report.breakdowns[i];
    breakdown.title = title;
    breakdown.grouping = grouping;
    parts.push_back({name, figures(request, [&breakdown](v1::GetSatisfactionResponse read) {
                       breakdown.groups.assign(read.groups().begin(), read.groups().end());
                     })});
  }
  auto funnel = [&](absl::CivilDay first, absl::CivilDay last, v1::GetResponseFunnelResponse& into) {
    return [this, &caller, &into, request = FunnelRequest(questionnaire_id, first, last)]() -> absl::Status {
      absl::StatusOr<v1::GetResponseFunnelResponse> read = analytics_.GetResponseFunnel(caller, request);
      if (!read.ok()) return read.status();
      into = *std::move(read);
      return absl::OkStatus();
    };
  };
  parts.push_back({"funnel", funnel(query.first_day, query.last_day, report.funnel)});
  if (query.comparing()) {
    report.compare_funnel.emplace();
    parts.push_back(
        {"compare_funnel", funnel(query.compare_first_day, query.compare_last_day, *report.compare_funnel)});
  }
  absl::Time start = absl::FromCivil(query.first_day, zone_), end = absl::FromCivil(query.last_day + 1, zone_);
  parts.push_back({"low_scores", [&, start, end]() -> absl::Status {
                     absl::StatusOr<std::vector<LowScore>> read =
                         LatestLowScores(database_, questionnaire_id, start, end, kLowScoresShown);
                     if (!read.ok()) return read.status();
                     report.low_scores = *std::move(read);
                     return absl::OkStatus();
                   }});

  for (Part& part : parts) {
    absl::Time began = absl::Now();
    if (absl::Status status = part.read(); !status.ok()) return status;
    report.timings.emplace_back(part.name, absl::Now() - began);
  }
  return report;
}

}  // namespace satisfaction::dashboard
