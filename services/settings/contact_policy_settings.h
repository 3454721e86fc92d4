#ifndef SATISFACTION_SERVICES_SETTINGS_CONTACT_POLICY_SETTINGS_H_
#define SATISFACTION_SERVICES_SETTINGS_CONTACT_POLICY_SETTINGS_H_

#include "absl/status/statusor.h"
#include "satisfaction/v1/revisit_policy.pb.h"
#include "scheduler/revisit_planner.h"
#include "services/settings/settings_document.h"

namespace satisfaction::settings {

// The settings row's name.
inline constexpr char kContactPolicySettingsName[] = "contact_policy";

// The built-in policy: calls 09:00-21:00, messages 08:00-21:00, every day; one
// survey per 7 days; 2 calls and 3 of each message kind per 7 days.
v1::ContactPolicy DefaultContactPolicy();

// Checks a complete policy (errors name the field under "policy.") and turns it
// into the scheduler's form.
absl::StatusOr<scheduler::ContactPolicy> ParseContactPolicy(const v1::ContactPolicy& policy);

using ContactPolicyDocument = SettingsDocument<v1::ContactPolicy, scheduler::ContactPolicy>;

inline ContactPolicyDocument MakeContactPolicyDocument(storage::Database& database) {
  return ContactPolicyDocument(database, kContactPolicySettingsName, DefaultContactPolicy(), &ParseContactPolicy);
}

}  // namespace satisfaction::settings

#endif  // SATISFACTION_SERVICES_SETTINGS_CONTACT_POLICY_SETTINGS_H_
