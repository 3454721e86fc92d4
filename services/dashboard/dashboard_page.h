#ifndef SATISFACTION_SERVICES_DASHBOARD_DASHBOARD_PAGE_H_
#define SATISFACTION_SERVICES_DASHBOARD_DASHBOARD_PAGE_H_

#include <kainjow/mustache.hpp>
#include <string>

#include "absl/time/time.h"
#include "satisfaction/v1/questionnaire.pb.h"
#include "services/dashboard/dashboard_query.h"
#include "services/dashboard/dashboard_report.h"

namespace satisfaction::dashboard {

// What every page of the dashboard fills its template with: the language,
// and for a signed-in session the sign-out form's token.
kainjow::mustache::data PageData(const std::string& language, const std::string& sign_out_token);

// The data of templates/web/dashboard_questionnaire.mustache: the headline
// figures beside the comparison's, the charts with their tables, the funnel
// and the latest low scores. Times are shown in `zone`.
kainjow::mustache::data QuestionnairePageData(const v1::Questionnaire& questionnaire, const DashboardQuery& query,
                                              const DashboardReport& report, absl::TimeZone zone,
                                              kainjow::mustache::data page);

}  // namespace satisfaction::dashboard

#endif  // SATISFACTION_SERVICES_DASHBOARD_DASHBOARD_PAGE_H_
