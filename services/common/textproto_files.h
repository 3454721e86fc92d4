#ifndef SATISFACTION_SERVICES_COMMON_TEXTPROTO_FILES_H_
#define SATISFACTION_SERVICES_COMMON_TEXTPROTO_FILES_H_

#include <google/protobuf/message.h>

#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace satisfaction {

// One template file of a folder that operators edit.
struct TextprotoFile {
  std::filesystem::path path;
  // The file name without ".textproto": the id of what it defines.
  std::string id;
  std::string text;
};

// Reads a file operators edit; INVALID_ARGUMENT naming it if it cannot be read.
absl::StatusOr<std::string> ReadTextFile(const std::filesystem::path& path);

// Reads every `*.textproto` file in `directory`, sorted by name.
// INVALID_ARGUMENT if the folder or a file cannot be read.
absl::StatusOr<std::vector<TextprotoFile>> ReadTextprotoFiles(const std::filesystem::path& directory);

// Parses a file in protobuf text format into `message`; INVALID_ARGUMENT names
// the file, line and column of the first error.
absl::Status ParseTextproto(const TextprotoFile& file, google::protobuf::Message& message);

}  // namespace satisfaction

#endif  // SATISFACTION_SERVICES_COMMON_TEXTPROTO_FILES_H_
