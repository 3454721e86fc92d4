#include "services/common/log_format.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <spdlog/sinks/ostream_sink.h>

#include <cmath>
#include <limits>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "services/common/text_checks.h"

namespace satisfaction {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

// A logger writing to a string, formatted as the server's would be.
class CapturedLog {
 public:
  explicit CapturedLog(LogFormat format)
      : logger_("test", std::make_shared<spdlog::sinks::ostream_sink_st>(out_, /*force_flush=*/true)) {
    logger_.set_level(spdlog::level::trace);
    if (format == LogFormat::kJson) {
      logger_.set_formatter(NewJsonFormatter());
    } else {
      logger_.set_pattern("%v");
    }
  }

  spdlog::logger& logger() { return logger_; }
  // Returns what was written since the last call.
  std::string Take() {
    std::string text = out_.str();
    out_.str("");
    return text;
  }

 private:
  std::ostringstream out_;
  spdlog::logger logger_;
};

// The one line `text` holds, parsed as a JSON object: valid JSON, or a test
// failure.
Struct ParseLine(const std::string& text) {
  EXPECT_TRUE(absl::EndsWith(text, "\n")) << text;
  absl::string_view line = absl::StripSuffix(text, "\n");
  EXPECT_FALSE(absl::StrContains(line, "\n")) << "one line: " << text;
  EXPECT_TRUE(Utf8Length(text).has_value()) << "valid UTF-8: " << text;
  Struct parsed;
  google::protobuf::util::Status status = google::protobuf::util::JsonStringToMessage(std::string(line), &parsed);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << text;
  return parsed;
}

std::string StringOf(const Struct& object, const std::string& key) {
  auto it = object.fields().find(key);
  if (it == object.fields().end()) return "<missing>";
  EXPECT_EQ(it->second.kind_case(), Value::kStringValue) << key;
  return it->second.string_value();
}

TEST(ParseLogFormat, KnowsTextAndJsonOnly) {
  EXPECT_EQ(ParseLogFormat("text"), LogFormat::kText);
  EXPECT_EQ(ParseLogFormat("json"), LogFormat::kJson);
  for (const char* other : {"", "JSON", "logfmt", "json "}) EXPECT_EQ(ParseLogFormat(other), std::nullopt) << other;
}

TEST(JsonFormatter, APlainMessageIsAnObjectWithTimeLevelAndMessage) {
  CapturedLog log(LogFormat::kJson);
  log.logger().warn("database {} is {}", "s.db", "slow");
  Struct line = ParseLine(log.Take());
  EXPECT_EQ(line.fields_size(), 3);
  EXPECT_EQ(StringOf(line, "level"), "warning");
  EXPECT_EQ(StringOf(line, "message"), "database s.db is slow");
  std::string time = StringOf(line, "time");
  // RFC 3339 in UTC, with microseconds: 2026-12-01T08:00:00.123456Z
  ASSERT_EQ(time.size(), 27u) << time;
  EXPECT_EQ(time[10], 'T');
  EXPECT_EQ(time[19], '.');
  EXPECT_EQ(time.back(), 'Z');
  absl::Time parsed;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, time, &parsed, &error)) << error;
  EXPECT_LT(absl::AbsDuration(absl::Now() - parsed), absl::Minutes(1));
}

TEST(JsonFormatter, EventFieldsAreKeysOfTheirOwn) {
  CapturedLog log(LogFormat::kJson);
  LogEvent(log.logger(), spdlog::level::info, "rpc",
           {LogField::Word("method", "/satisfaction.v1.CustomerService/GetCustomer"),
            LogField::Word("code", "NOT_FOUND").JsonKey("status"), LogField::Number("duration_ms", 12.3456, 2),
            LogField::Word("error_id", "3f9a0c1e"),
            LogField::Text("message", "no customer 'c1'", 300).JsonKey("status_message"),
            LogField::Word("request_id", "req-1")});
  Struct line = ParseLine(log.Take());
  EXPECT_EQ(StringOf(line, "message"), "rpc");
  EXPECT_EQ(StringOf(line, "level"), "info");
  EXPECT_EQ(StringOf(line, "method"), "/satisfaction.v1.CustomerService/GetCustomer");
  EXPECT_EQ(StringOf(line, "status"), "NOT_FOUND");
  EXPECT_EQ(StringOf(line, "error_id"), "3f9a0c1e");
  EXPECT_EQ(StringOf(line, "status_message"), "no customer 'c1'");
  EXPECT_EQ(StringOf(line, "request_id"), "req-1");
  EXPECT_EQ(line.fields().count("code"), 0u) << "a field has one key";
  ASSERT_EQ(line.fields().at("duration_ms").kind_case(), Value::kNumberValue);
  EXPECT_DOUBLE_EQ(line.fields().at("duration_ms").number_value(), 12.35);

  log.logger().info("after the event");
  Struct after = ParseLine(log.Take());
  EXPECT_EQ(after.fields_size(), 3) << "an event's fields stay on its own line";
  EXPECT_EQ(StringOf(after, "message"), "after the event");
}

TEST(JsonFormatter, NumbersThatJsonCannotHoldAreNull) {
  CapturedLog log(LogFormat::kJson);
  LogEvent(log.logger(), spdlog::level::info, "odd",
           {LogField::Number("nan", std::nan(""), 2),
            LogField::Number("infinite", std::numeric_limits<double>::infinity(), 2)});
  Struct line = ParseLine(log.Take());
  EXPECT_EQ(line.fields().at("nan").kind_case(), Value::kNullValue);
  EXPECT_EQ(line.fields().at("infinite").kind_case(), Value::kNullValue);
}

TEST(JsonFormatter, EscapesQuotesBackslashesAndControlCharactersAndKeepsUtf8) {
  const std::string tricky = "say \"hi\" C:\\dir\nnext\r\tline \x01\x1b[31m\x7f \xc2\x9b 满意 ✓ 😀 </script>";
  CapturedLog log(LogFormat::kJson);
  log.logger().info(tricky);
  std::string text = log.Take();
  Struct line = ParseLine(text);
  EXPECT_EQ(StringOf(line, "message"), tricky) << "the message comes back exactly";
  EXPECT_FALSE(absl::StrContains(text, "\x1b")) << "no terminal control reaches the log";
  EXPECT_FALSE(absl::StrContains(text, "\xc2\x9b")) << "nor a C1 control";
  EXPECT_TRUE(absl::StrContains(text, "满意 ✓ 😀")) << "UTF-8 is passed through";

  LogEvent(log.logger(), spdlog::level::info, tricky,
           {LogField::Word("word", tricky), LogField::Text("text", tricky, 1000)});
  Struct event = ParseLine(log.Take());
  EXPECT_EQ(StringOf(event, "message"), tricky);
  EXPECT_EQ(StringOf(event, "word"), tricky);
  EXPECT_EQ(StringOf(event, "text"), tricky);
}

TEST(JsonFormatter, InvalidUtf8StillGivesValidJson) {
  // A stray continuation byte, a cut sequence, an overlong '/', a surrogate,
  // a value past U+10FFFF and bytes that start nothing.
  const std::string broken = "a\x80 b\xe6\xbb c\xc0\xaf d\xed\xa0\x80 e\xf4\x90\x80\x80 f\xfe\xff";
  CapturedLog log(LogFormat::kJson);
  log.logger().info(broken);
  Struct line = ParseLine(log.Take());
  std::string message = StringOf(line, "message");
  EXPECT_TRUE(absl::StartsWith(message, "a\xEF\xBF\xBD b")) << "each bad byte becomes U+FFFD: " << message;
  EXPECT_TRUE(absl::EndsWith(message, " f\xEF\xBF\xBD\xEF\xBF\xBD")) << message;

  LogEvent(log.logger(), spdlog::level::info, "rpc", {LogField::Text("detail", broken, 2000)});
  EXPECT_TRUE(StringOf(ParseLine(log.Take()), "detail").find("d\xEF\xBF\xBD") != std::string::npos);
}

TEST(JsonFormatter, TextFieldsKeepTheirLimit) {
  std::string long_text;
  for (int i = 0; i < 500; ++i) long_text += "é";
  CapturedLog log(LogFormat::kJson);
  LogEvent(log.logger(), spdlog::level::info, "rpc",
           {LogField::Text("detail", long_text, 300), LogField::Text("short", "é", 300)});
  Struct line = ParseLine(log.Take());
  std::string expected;
  for (int i = 0; i < 300; ++i) expected += "é";
  EXPECT_EQ(StringOf(line, "detail"), expected + "…");
  EXPECT_EQ(StringOf(line, "short"), "é");
}

TEST(LogEvent, TextIsKeyValuePairsWithQuotedTextEscaped) {
  CapturedLog log(LogFormat::kText);
  LogEvent(log.logger(), spdlog::level::warn, "rpc",
           {LogField::Word("method", "/satisfaction.v1.X/Y"), LogField::Word("code", "INTERNAL").JsonKey("status"),
            LogField::Number("duration_ms", 1.5, 2), LogField::Word("error_id", "3f9a0c1e"),
            LogField::Text("message", "say \"hi\"\nbye", 300), LogField::Text("detail", std::string(10, 'x'), 4)});
  EXPECT_EQ(log.Take(),
            "rpc method=/satisfaction.v1.X/Y code=INTERNAL duration_ms=1.50 error_id=3f9a0c1e "
            "message=\"say \\\"hi\\\"\\nbye\" detail=\"xxxx…\"\n");
}

TEST(LogEvent, BelowTheLevelNothingIsWritten) {
  CapturedLog log(LogFormat::kJson);
  log.logger().set_level(spdlog::level::warn);
  LogEvent(log.logger(), spdlog::level::info, "rpc", {LogField::Word("method", "/a/B")});
  EXPECT_EQ(log.Take(), "");
}

}  // namespace
}  // namespace satisfaction
