#ifndef SATISFACTION_SERVICES_SETTINGS_SETTINGS_ROWS_H_
#define SATISFACTION_SERVICES_SETTINGS_SETTINGS_ROWS_H_

#include <soci/soci.h>

#include <string>

#include "absl/status/statusor.h"
#include "services/storage/transaction.h"

namespace satisfaction::settings {

// One operator settings document: its proto message as JSON, and a version
// that every update bumps. The schema creates each row at version 0 with no
// JSON, which stands for the built-in defaults.
struct SettingsRow {
  std::string json;
  long long version = 0;
  long long updated_at_us = 0;
};

// Reads the row named `name`; `for_update` locks it on MariaDB (SQLite
// serialises writers anyway). INTERNAL if the schema lacks it.
absl::StatusOr<SettingsRow> ReadSettingsRow(storage::Transaction& tx, const std::string& name, bool for_update);

// The row's version alone: what a cached copy is checked against.
absl::StatusOr<long long> ReadSettingsVersion(storage::Transaction& tx, const std::string& name);

void WriteSettingsRow(storage::Transaction& tx, const std::string& name, const SettingsRow& row);

}  // namespace satisfaction::settings

#endif  // SATISFACTION_SERVICES_SETTINGS_SETTINGS_ROWS_H_
