#ifndef SATISFACTION_SERVICES_COMMON_UNREADABLE_REQUEST_H_
#define SATISFACTION_SERVICES_COMMON_UNREADABLE_REQUEST_H_

#include <google/protobuf/descriptor.h>

#include <string>

#include "absl/status/status.h"

namespace satisfaction {

// Protobuf refuses a message whose proto3 string field holds invalid UTF-8,
// and only its log says which field. Installs (once) a log handler that keeps
// that field's name for the thread that parsed, and sends protobuf's other log
// lines to spdlog.
void InstallProtobufLogHandler();

// Returns the full name of the string field ("satisfaction.v1.Customer.phone")
// protobuf refused as invalid UTF-8 while this thread last parsed, and
// forgets it; empty if none. Call it right after a parse failed.
std::string TakeRefusedUtf8Field();

// Returns how a call answers a request that did not parse as `type` (nullptr
// if unknown): INVALID_ARGUMENT "the request could not be read as a <type>",
// led by the field when `refused_utf8_field` names one of `type`'s fields or
// of its messages' (another is a stale name from an earlier parse).
absl::Status UnreadableRequestError(const google::protobuf::Descriptor* type, const std::string& refused_utf8_field);

}  // namespace satisfaction

#endif  // SATISFACTION_SERVICES_COMMON_UNREADABLE_REQUEST_H_
