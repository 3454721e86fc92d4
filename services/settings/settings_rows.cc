#include "services/settings/settings_rows.h"

#include "absl/strings/str_cat.h"
#include "services/storage/query.h"
#include "services/storage/transaction.h"

namespace satisfaction::settings {
namespace {

absl::Status Missing(const std::string& name) {
  return absl::InternalError(absl::StrCat("settings row '", name, "' is missing from the schema"));
}

}  // namespace

absl::StatusOr<SettingsRow> ReadSettingsRow(storage::Transaction& tx, const std::string& name, bool for_update) {
  SettingsRow row;
  storage::Query query(tx, absl::StrCat("SELECT body, version, updated_at_us FROM settings WHERE name = :name",
                                        for_update ? tx.ForUpdate() : ""));
  query.Bind("name", name).Into(row.json).Into(row.version).Into(row.updated_at_us);
  if (!query.Execute()) return Missing(name);
  return row;
}

absl::StatusOr<long long> ReadSettingsVersion(storage::Transaction& tx, const std::string& name) {
  long long version = 0;
  storage::Query query(tx, "SELECT version FROM settings WHERE name = :name");
  if (!query.Bind("name", name).Into(version).Execute()) return Missing(name);
  return version;
}

void WriteSettingsRow(storage::Transaction& tx, const std::string& name, const SettingsRow& row) {
  storage::Query update(tx,
                        "UPDATE settings SET body = :body, version = :version, updated_at_us = :at WHERE name = :name");
  update.Bind("body", row.json).Bind("version", row.version).Bind("at", row.updated_at_us).Bind("name", name).Execute();
}

}  // namespace satisfaction::settings
