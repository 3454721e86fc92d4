#ifndef SATISFACTION_SERVICES_COMMON_FAULT_IDS_H_
#define SATISFACTION_SERVICES_COMMON_FAULT_IDS_H_

#include <string>

#include "absl/status/status.h"

namespace satisfaction {

// Server faults (INTERNAL and the like) reach clients as a short id, never as
// their detail, which may hold database driver text; the log line carries the
// id with the detail, so that an operator finds one from the other.

// A fresh id: eight hex digits ("3f9a0c1e").
std::string NewFaultId();

// Everything `status` says beyond its code: its message and its payloads (a
// database driver's text travels as one), for the log only.
std::string FaultDetail(const absl::Status& status);

}  // namespace satisfaction

#endif  // SATISFACTION_SERVICES_COMMON_FAULT_IDS_H_
