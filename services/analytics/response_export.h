#ifndef SATISFACTION_SERVICES_ANALYTICS_RESPONSE_EXPORT_H_
#define SATISFACTION_SERVICES_ANALYTICS_RESPONSE_EXPORT_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "satisfaction/v1/analytics.pb.h"
#include "services/storage/database.h"

namespace satisfaction::analytics {

inline constexpr int kDefaultExportPage = 1000;
inline constexpr int kMaxExportPage = 5000;

// Checks an export request as GetSatisfaction's (questionnaire, days,
// filters), and its format and page size. INVALID_ARGUMENT naming the field.
absl::Status ValidateExportRequest(const v1::ExportResponsesRequest& request);

// Reads a questionnaire's responses page by page, each page in a read
// transaction of its own, after the last id of the page before: memory holds
// one page, however many responses there are.
class ResponseExport {
 public:
  explicit ResponseExport(storage::Database& database) : database_(database) {}

  // Calls `write` with each page of a validated request, and stops when it
  // returns false (the caller went away). NOT_FOUND for an unknown
  // questionnaire or version.
  absl::Status Export(const v1::ExportResponsesRequest& request,
                      const std::function<bool(const v1::ExportResponsesPage&)>& write);

 private:
  storage::Database& database_;
};

// A CSV field (RFC 4180): quoted when it holds a comma, quote or line break;
// text a spreadsheet would run as a formula is prefixed with '.
std::string CsvField(const std::string& text);

}  // namespace satisfaction::analytics

#endif  // SATISFACTION_SERVICES_ANALYTICS_RESPONSE_EXPORT_H_
