#include "services/analytics/report_questionnaire.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/common/text_limits.h"

namespace satisfaction::analytics {

absl::Status RequireQuestionnaire(soci::session& session, const std::string& id) {
  int exists = 0;
  session << "SELECT COUNT(*) FROM questionnaires WHERE id = :id", soci::use(id), soci::into(exists);
  return exists > 0 ? absl::OkStatus() : absl::NotFoundError(absl::StrCat("questionnaire ", Quote(id), " not found"));
}

absl::StatusOr<ReportQuestionnaire> LoadReportQuestionnaire(soci::session& session, const std::string& id,
                                                            int asked_version) {
  ReportQuestionnaire questionnaire;
  int version = 0;
  if (absl::Status s = RequireQuestionnaire(session, id); !s.ok()) return s;
  soci::statement published = (session.prepare << "SELECT version FROM questionnaire_versions"
                                                  " WHERE questionnaire_id = :id AND published_at_us IS NOT NULL"
                                                  " ORDER BY version",
                               soci::use(id), soci::into(version));
  published.execute();
  while (published.fetch()) {
    if (asked_version == 0 || version == asked_version) questionnaire.versions.push_back(version);
  }
  if (questionnaire.versions.empty()) {
    return asked_version == 0
               ? absl::FailedPreconditionError(absl::StrCat("questionnaire ", Quote(id), " has no published version"))
               : absl::NotFoundError(
                     absl::StrCat("questionnaire ", Quote(id), " has no published version ", asked_version));
  }
  ReportItem item;
  soci::statement items = (session.prepare << "SELECT version, code, kind, dimension, weight FROM questionnaire_items"
                                              " WHERE questionnaire_id = :id ORDER BY version DESC, ordinal",
                           soci::use(id), soci::into(version), soci::into(item.code), soci::into(item.kind),
                           soci::into(item.dimension), soci::into(item.weight));
  items.execute();
  const std::vector<int>& versions = questionnaire.versions;
  while (items.fetch()) {
    if (!std::binary_search(versions.begin(), versions.end(), version)) continue;
    if (questionnaire.by_code.emplace(item.code, item).second) questionnaire.items.push_back(item);  // newest first
  }
  return questionnaire;
}

}  // namespace satisfaction::analytics
