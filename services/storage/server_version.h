#ifndef SATISFACTION_SERVICES_STORAGE_SERVER_VERSION_H_
#define SATISFACTION_SERVICES_STORAGE_SERVER_VERSION_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace satisfaction::storage {

// Checks what SELECT VERSION() answered: MariaDB 10.5 or later, whose
// INSERT ... RETURNING and compound statements (BEGIN NOT ATOMIC) storing
// responses relies on. FAILED_PRECONDITION naming the version otherwise
// (MySQL has neither).
absl::Status CheckServerVersion(absl::string_view version);

}  // namespace satisfaction::storage

#endif  // SATISFACTION_SERVICES_STORAGE_SERVER_VERSION_H_
