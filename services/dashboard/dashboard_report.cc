#include "services/dashboard/dashboard_report.h"

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
  return request;
}

}  // namespace

absl::StatusOr<DashboardReport> DashboardReports::Read(const access::Caller& caller,
                                                       const std::string& questionnaire_id,
                                                       const DashboardQuery& query) {
  DashboardReport report;
  absl::StatusOr<v1::GetSatisfactionResponse> whole =
      analytics_.GetSatisfaction(caller, SatisfactionRequest(questionnaire_id, query, /*compare=*/true));
  if (!whole.ok()) return whole.status();
  if (whole->groups_size() > 0) report.headline = whole->groups(0);

  v1::GetSatisfactionRequest trend_request = SatisfactionRequest(questionnaire_id, query, /*compare=*/false);
  trend_request.add_group_by(query.period);
  absl::StatusOr<v1::GetSatisfactionResponse> trend = analytics_.GetSatisfaction(caller, trend_request);
  if (!trend.ok()) return trend.status();
  report.trend.assign(trend->groups().begin(), trend->groups().end());

  const std::pair<Phrase, v1::Grouping> kBreakdowns[] = {{Phrase::kByCustomerType, v1::GROUPING_CUSTOMER_TYPE},
                                                         {Phrase::kByChannel, v1::GROUPING_CHANNEL},
                                                         {Phrase::kByAgent, v1::GROUPING_AGENT},
                                                         {Phrase::kByDimension, v1::GROUPING_DIMENSION}};
  for (const auto& [title, grouping] : kBreakdowns) {
    v1::GetSatisfactionRequest request = SatisfactionRequest(questionnaire_id, query, /*compare=*/true);
    request.add_group_by(grouping);
    absl::StatusOr<v1::GetSatisfactionResponse> groups = analytics_.GetSatisfaction(caller, request);
    if (!groups.ok()) return groups.status();
    report.breakdowns.push_back({title, grouping, {groups->groups().begin(), groups->groups().end()}});
  }

  absl::StatusOr<v1::GetResponseFunnelResponse> funnel =
      analytics_.GetResponseFunnel(caller, FunnelRequest(questionnaire_id, query.first_day, query.last_day));
  if (!funnel.ok()) return funnel.status();
  report.funnel = *std::move(funnel);
  if (query.comparing()) {
    absl::StatusOr<v1::GetResponseFunnelResponse> base = analytics_.GetResponseFunnel(
        caller, FunnelRequest(questionnaire_id, query.compare_first_day, query.compare_last_day));
    if (!base.ok()) return base.status();
    report.compare_funnel = *std::move(base);
  }

  absl::Time start = absl::FromCivil(query.first_day, zone_), end = absl::FromCivil(query.last_day + 1, zone_);
  absl::StatusOr<std::vector<LowScore>> low_scores =
      LatestLowScores(database_, questionnaire_id, start, end, kLowScoresShown);
  if (!low_scores.ok()) return low_scores.status();
  report.low_scores = *std::move(low_scores);
  return report;
}

}  // namespace satisfaction::dashboard
