#ifndef SATISFACTION_SERVICES_SETTINGS_CLASSIFICATION_SETTINGS_H_
#define SATISFACTION_SERVICES_SETTINGS_CLASSIFICATION_SETTINGS_H_

#include "absl/status/statusor.h"
#include "satisfaction/v1/customer.pb.h"
#include "scheduler/classification.h"
#include "services/settings/settings_document.h"

namespace satisfaction::settings {

// The settings row's name.
inline constexpr char kClassificationSettingsName[] = "classification";

// What classifying a customer takes.
struct ClassificationRules {
  scheduler::ClassificationThresholds thresholds;
  scheduler::RfmThresholds rfm;
};

// The scheduler's defaults, as a document.
v1::ClassificationSettings DefaultClassificationSettings();

// Checks complete settings (errors name the field under "settings.") and turns
// them into the scheduler's form.
absl::StatusOr<ClassificationRules> ParseClassificationSettings(const v1::ClassificationSettings& settings);

using ClassificationDocument = SettingsDocument<v1::ClassificationSettings, ClassificationRules>;

inline ClassificationDocument MakeClassificationDocument(storage::Database& database) {
  return ClassificationDocument(database, kClassificationSettingsName, DefaultClassificationSettings(),
                                &ParseClassificationSettings);
}

}  // namespace satisfaction::settings

#endif  // SATISFACTION_SERVICES_SETTINGS_CLASSIFICATION_SETTINGS_H_
