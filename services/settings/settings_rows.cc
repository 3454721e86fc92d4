#include "services/settings/settings_rows.h"

#include "absl/strings/str_cat.h"
#include "services/storage/sql_text.h"

namespace satisfaction::settings {
namespace {

absl::Status Missing(const std::string& name) {
  return absl::InternalError(absl::StrCat("settings row '", name, "' is missing from the schema"));
}

}  // namespace

absl::StatusOr<SettingsRow> ReadSettingsRow(soci::session& session, const std::string& name, bool for_update) {
  SettingsRow row;
  session << absl::StrCat("SELECT body, version, updated_at_us FROM settings WHERE name = :name",
                          for_update ? storage::ForUpdate(session) : ""),
      soci::use(name), soci::into(row.json), soci::into(row.version), soci::into(row.updated_at_us);
  if (!session.got_data()) return Missing(name);
  return row;
}

absl::StatusOr<long long> ReadSettingsVersion(soci::session& session, const std::string& name) {
  long long version = 0;
  session << "SELECT version FROM settings WHERE name = :name", soci::use(name), soci::into(version);
  if (!session.got_data()) return Missing(name);
  return version;
}

void WriteSettingsRow(soci::session& session, const std::string& name, const SettingsRow& row) {
  session << "UPDATE settings SET body = :body, version = :version, updated_at_us = :at WHERE name = :name",
      soci::use(row.json), soci::use(row.version), soci::use(row.updated_at_us), soci::use(name);
}

}  // namespace satisfaction::settings
