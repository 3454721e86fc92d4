#ifndef SATISFACTION_SERVICES_ANALYTICS_REPORT_QUESTIONNAIRE_H_
#define SATISFACTION_SERVICES_ANALYTICS_REPORT_QUESTIONNAIRE_H_

#include <soci/soci.h>

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "services/storage/transaction.h"

namespace satisfaction::analytics {

// An item as reports see it: from the newest of the versions read that has it.
struct ReportItem {
  std::string code;
  int kind = 0;       // v1::ItemKind
  int dimension = 0;  // v1::Dimension
  double weight = 1;
};

// The published versions a report reads, and their items by code.
struct ReportQuestionnaire {
  std::vector<int> versions;  // ascending
  // The newest version's items in its order, then those only older ones have.
  std::vector<ReportItem> items;
  absl::flat_hash_map<std::string, ReportItem> by_code;
};

// OK if a questionnaire of that id exists; NOT_FOUND naming it otherwise.
absl::Status RequireQuestionnaire(storage::Transaction& tx, const std::string& id);

// For `version`, or every published version when 0. NOT_FOUND for an unknown
// questionnaire or version; FAILED_PRECONDITION when none is published.
absl::StatusOr<ReportQuestionnaire> LoadReportQuestionnaire(storage::Transaction& tx, const std::string& id,
                                                            int version);

}  // namespace satisfaction::analytics

#endif  // SATISFACTION_SERVICES_ANALYTICS_REPORT_QUESTIONNAIRE_H_
