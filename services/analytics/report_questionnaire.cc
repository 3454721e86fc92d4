#include "services/analytics/report_questionnaire.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/common/text_limits.h"
#include "services/storage/query.h"
#include "services/storage/transaction.h"

namespace satisfaction::analytics {

absl::Status RequireQuestionnaire(storage::Transaction& tx, const std::string& id) {
  int exists = 0;
  storage::Query(tx, "SELECT COUNT(*) FROM questionnaires WHERE id = :id").Bind("id", id).Into(exists).Execute();
  return exists > 0 ? absl::OkStatus() : absl::NotFoundError(absl::StrCat("questionnaire ", Quote(id), " not found"));
}

absl::StatusOr<ReportQuestionnaire> LoadReportQuestionnaire(storage::Transaction& tx, const std::string& id,
                                                            int asked_version) {
  ReportQuestionnaire questionnaire;
  int version = 0;
  if (absl::Status s = RequireQuestionnaire(tx, id); !s.ok()) return s;
  storage::Query published(tx,
                           "SELECT version FROM questionnaire_versions"
                           " WHERE questionnaire_id = :id AND published_at_us IS NOT NULL ORDER BY version");
  published.Bind("id", id).Into(version).Start();
  while (published.Next()) {
    if (asked_version == 0 || version == asked_version) questionnaire.versions.push_back(version);
  }
  if (questionnaire.versions.empty()) {
    return asked_version == 0
               ? absl::FailedPreconditionError(absl::StrCat("questionnaire ", Quote(id), " has no published version"))
               : absl::NotFoundError(
                     absl::StrCat("questionnaire ", Quote(id), " has no published version ", asked_version));
  }
  ReportItem item;
  storage::Query items(tx,
                       "SELECT version, code, kind, dimension, weight FROM questionnaire_items"
                       " WHERE questionnaire_id = :id ORDER BY version DESC, ordinal");
  items.Bind("id", id).Into(version).Into(item.code).Into(item.kind).Into(item.dimension).Into(item.weight).Start();
  const std::vector<int>& versions = questionnaire.versions;
  while (items.Next()) {
    if (!std::binary_search(versions.begin(), versions.end(), version)) continue;
    if (questionnaire.by_code.emplace(item.code, item).second) questionnaire.items.push_back(item);  // newest first
  }
  return questionnaire;
}

}  // namespace satisfaction::analytics
