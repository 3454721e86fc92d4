#ifndef SATISFACTION_SERVICES_COMMON_LOG_FORMAT_H_
#define SATISFACTION_SERVICES_COMMON_LOG_FORMAT_H_

#include <spdlog/common.h>
#include <spdlog/formatter.h>
#include <spdlog/logger.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace satisfaction {

// How the server writes its log lines.
enum class LogFormat {
  // "2026-12-01T08:00:00.123456Z info message": time (UTC), level, message.
  kText,
  // One JSON object a line: {"time":"2026-12-01T08:00:00.123456Z",
  // "level":"info","message":"...", and the fields of a LogEvent}.
  kJson,
};

// Returns the format named "text" or "json"; nothing for any other name.
std::optional<LogFormat> ParseLogFormat(absl::string_view name);

// Sets the format of every spdlog logger, the default one included. With
// kJson, gRPC's own log lines go to spdlog too (protobuf's already do, see
// InstallProtobufLogHandler), so that every line is JSON.
void InstallLogFormat(LogFormat format);

// A formatter writing each message as one JSON object on one line.
std::unique_ptr<spdlog::formatter> NewJsonFormatter();

// One named value of a LogEvent. The fields refer to their text: they live
// only as long as the LogEvent call.
struct LogField {
  enum class Kind { kWord, kText, kNumber };

  // A value without spaces or quotes (a method, a status code, an id): in
  // text `key=value`.
  static LogField Word(absl::string_view key, absl::string_view value);
  // Free text: in text `key="..."` with control characters, backslashes and
  // quotes escaped (see Printable). Either format keeps at most `max_chars`
  // characters, then "…".
  static LogField Text(absl::string_view key, absl::string_view value, size_t max_chars);
  // A number written with `decimals` decimals: `key=12.50`; in JSON a number.
  static LogField Number(absl::string_view key, double value, int decimals);

  // Returns this field under another key in JSON (`code` in text, `status`
  // in JSON). JSON keys must differ from each other and from time, level and
  // message.
  LogField JsonKey(absl::string_view key) const;

  absl::string_view key;
  absl::string_view json_key;
  Kind kind = Kind::kWord;
  absl::string_view text;
  size_t max_chars = 0;
  double number = 0;
  int decimals = 0;
};

// Logs `event` with `fields` at `level` on `logger`: in text one line
// "event key=value key=\"text\"..." in the order given; in JSON `event` is the
// message and each field a key of its own. The JSON formatter finds the
// fields while the logger formats on the calling thread, as spdlog's
// synchronous loggers do; a logger formatting on another thread (spdlog's
// async ones) would write the text line as the message.
void LogEvent(spdlog::logger& logger, spdlog::level::level_enum level, absl::string_view event,
              absl::Span<const LogField> fields);
// The same on the default logger.
void LogEvent(spdlog::level::level_enum level, absl::string_view event, absl::Span<const LogField> fields);

}  // namespace satisfaction

#endif  // SATISFACTION_SERVICES_COMMON_LOG_FORMAT_H_
