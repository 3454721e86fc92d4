#include "services/common/log_format.h"

#include <fmt/format.h>
#include <grpc/support/log.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "services/common/text_checks.h"
#include "services/common/text_limits.h"

namespace satisfaction {
namespace {

// The event LogEvent is logging on this thread, for the JSON formatter to
// find its fields; `line` is its text, the payload the formatter is given.
struct PendingEvent {
  absl::string_view event;
  absl::Span<const LogField> fields;
  absl::string_view line;
};
thread_local const PendingEvent* pending_event = nullptr;

// Appends `text` as a JSON string: quotes, backslashes and control characters
// (C0, DEL and C1, which terminals obey) escaped, other UTF-8 as it is, each
// byte that does not start a valid UTF-8 character as U+FFFD. At most
// `max_chars` characters, then "…".
void AppendJsonString(absl::string_view text, size_t max_chars, std::string& out) {
  out.push_back('"');
  size_t chars = 0;
  for (size_t at = 0; at < text.size(); ++chars) {
    if (chars == max_chars) {
      out.append("…");
      break;
    }
    char32_t code_point = 0;
    size_t length = Utf8CharacterLength(text, at, &code_point);
    if (length == 0) {
      out.append("\\ufffd");
      ++at;
      continue;
    }
    switch (code_point) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (code_point < 0x20 || (code_point >= 0x7f && code_point < 0xa0)) {
          absl::StrAppendFormat(&out, "\\u%04x", static_cast<unsigned>(code_point));
        } else {
          out.append(text.data() + at, length);
        }
    }
    at += length;
  }
  out.push_back('"');
}

void AppendJsonKey(absl::string_view key, std::string& out) {
  out.push_back(',');
  AppendJsonString(key, key.size(), out);
  out.push_back(':');
}

std::string FormatNumber(double value, int decimals) { return fmt::format("{:.{}f}", value, decimals); }

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    absl::string_view payload(msg.payload.data(), msg.payload.size());
    // The fields of a LogEvent, if this is its line (and not one a sink
    // formats on another thread, or another message).
    const PendingEvent* event = pending_event != nullptr && pending_event->line.data() == payload.data() &&
                                        pending_event->line.size() == payload.size()
                                    ? pending_event
                                    : nullptr;
    std::string line = "{\"time\":\"";
    line.append(absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::FromChrono(msg.time), absl::UTCTimeZone()));
    line.append("\",\"level\":");
    spdlog::string_view_t level = spdlog::level::to_string_view(msg.level);
    AppendJsonString(absl::string_view(level.data(), level.size()), level.size(), line);
    line.append(",\"message\":");
    absl::string_view message = event != nullptr ? event->event : payload;
    AppendJsonString(message, message.size(), line);
    if (event != nullptr) {
      for (const LogField& field : event->fields) {
        AppendJsonKey(field.json_key, line);
        switch (field.kind) {
          case LogField::Kind::kWord:
            AppendJsonString(field.text, field.text.size(), line);
            break;
          case LogField::Kind::kText:
            AppendJsonString(field.text, field.max_chars, line);
            break;
          case LogField::Kind::kNumber:
            // JSON has no NaN or infinity.
            line.append(std::isfinite(field.number) ? FormatNumber(field.number, field.decimals) : "null");
            break;
        }
      }
    }
    line.append("}\n");
    dest.append(line.data(), line.data() + line.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

// gRPC's own log lines (errors only, unless GRPC_VERBOSITY says more), as the
// server's.
void OnGrpcLog(gpr_log_func_args* args) {
  spdlog::level::level_enum level = args->severity == GPR_LOG_SEVERITY_ERROR  ? spdlog::level::err
                                    : args->severity == GPR_LOG_SEVERITY_INFO ? spdlog::level::info
                                                                              : spdlog::level::debug;
  spdlog::log(level, "grpc {}:{}: {}", args->file, args->line, args->message);
}

// Text inside key="...": printable, and its quotes escaped (Printable escapes
// backslashes, so \" cannot be mistaken).
std::string QuotedForLog(absl::string_view text, size_t max_chars) {
  return absl::StrReplaceAll(Printable(text, max_chars), {{"\"", "\\\""}});
}

}  // namespace

std::optional<LogFormat> ParseLogFormat(absl::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return std::nullopt;
}

void InstallLogFormat(LogFormat format) {
  switch (format) {
    case LogFormat::kText:
      spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %^%l%$ %v", spdlog::pattern_time_type::utc);
      return;
    case LogFormat::kJson:
      spdlog::set_formatter(NewJsonFormatter());
      gpr_set_log_function(&OnGrpcLog);
      return;
  }
}

std::unique_ptr<spdlog::formatter> NewJsonFormatter() { return std::make_unique<JsonFormatter>(); }

LogField LogField::Word(absl::string_view key, absl::string_view value) {
  return {.key = key, .json_key = key, .kind = Kind::kWord, .text = value};
}

LogField LogField::Text(absl::string_view key, absl::string_view value, size_t max_chars) {
  return {.key = key, .json_key = key, .kind = Kind::kText, .text = value, .max_chars = max_chars};
}

LogField LogField::Number(absl::string_view key, double value, int decimals) {
  return {.key = key, .json_key = key, .kind = Kind::kNumber, .number = value, .decimals = decimals};
}

LogField LogField::JsonKey(absl::string_view key) const {
  LogField renamed = *this;
  renamed.json_key = key;
  return renamed;
}

void LogEvent(spdlog::logger& logger, spdlog::level::level_enum level, absl::string_view event,
              absl::Span<const LogField> fields) {
  if (!logger.should_log(level)) return;
  std::string line(event);
  for (const LogField& field : fields) {
    absl::StrAppend(&line, " ", field.key, "=");
    switch (field.kind) {
      case LogField::Kind::kWord:
        absl::StrAppend(&line, field.text);
        break;
      case LogField::Kind::kText:
        absl::StrAppend(&line, "\"", QuotedForLog(field.text, field.max_chars), "\"");
        break;
      case LogField::Kind::kNumber:
        line.append(FormatNumber(field.number, field.decimals));
        break;
    }
  }
  PendingEvent pending{.event = event, .fields = fields, .line = line};
  const PendingEvent* outer = std::exchange(pending_event, &pending);
  logger.log(spdlog::source_loc{}, level, spdlog::string_view_t(line.data(), line.size()));
  pending_event = outer;
}

void LogEvent(spdlog::level::level_enum level, absl::string_view event, absl::Span<const LogField> fields) {
  LogEvent(*spdlog::default_logger_raw(), level, event, fields);
}

}  // namespace satisfaction
