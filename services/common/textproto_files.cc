#include "services/common/textproto_files.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace satisfaction {
namespace {

// Keeps the first parse error with its position, for a message an operator can act on.
class FirstErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (first_.empty()) first_ = absl::StrCat("line ", line + 1, ", column ", column + 1, ": ", message);
  }
  const std::string& first() const { return first_; }

 private:
  std::string first_;
};

}  // namespace

absl::StatusOr<std::string> ReadTextFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read ", path.string()));
  return text.str();
}

absl::StatusOr<std::vector<TextprotoFile>> ReadTextprotoFiles(const std::filesystem::path& directory) {
  std::error_code error;
  std::vector<TextprotoFile> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".textproto") continue;
    absl::StatusOr<std::string> text = ReadTextFile(entry.path());
    if (!text.ok()) return text.status();
    files.push_back({entry.path(), entry.path().stem().string(), *std::move(text)});
  }
  if (error) return absl::InvalidArgumentError(absl::StrCat("cannot read ", directory.string(), ": ", error.message()));
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  return files;
}

absl::Status ParseTextproto(const TextprotoFile& file, google::protobuf::Message& message) {
  FirstErrorCollector errors;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(file.text, &message)) {
    return absl::InvalidArgumentError(absl::StrCat(file.path.string(), ": ", errors.first()));
  }
  return absl::OkStatus();
}

}  // namespace satisfaction
