#ifndef SATISFACTION_TESTS_E2E_REQUEST_FUZZER_H_
#define SATISFACTION_TESTS_E2E_REQUEST_FUZZER_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace satisfaction::test_support {

// Makes malformed requests for any message type from its descriptor, the same
// ones for the same seed: empty, random bytes, messages filled with odd values
// (multi-byte strings, negative and extreme numbers, unknown enum values, long
// lists), and plausible messages (values a client would send, chosen by field
// name, so that calls get past the first checks) as they are, cut short, with
// bytes flipped, or with a string field made huge or invalid UTF-8. Each is a
// request's bytes as they go on the wire.
class RequestFuzzer {
 public:
  enum class Kind { kEmpty, kRandomBytes, kOddValues, kPlausible, kTruncated, kFlipped, kHugeString, kInvalidUtf8 };
  static constexpr int kKinds = 8;

  explicit RequestFuzzer(uint64_t seed) : random_(seed) {}

  // The next request for `type`; every kind in turn, so that each kind gets
  // its share however few requests are made.
  std::string Next(const google::protobuf::Descriptor& type) {
    Kind kind = static_cast<Kind>(count_++ % kKinds);
    switch (kind) {
      case Kind::kEmpty:
        return "";
      case Kind::kRandomBytes:
        return RandomBytes(1 + Below(64));
      case Kind::kOddValues:
        return NewMessage(type, Values::kOdd);
      case Kind::kPlausible:
        return NewMessage(type, Values::kPlausible);
      case Kind::kTruncated: {
        std::string bytes = NewMessage(type, Values::kPlausible);
        return bytes.substr(0, bytes.empty() ? 0 : Below(bytes.size()));
      }
      case Kind::kFlipped: {
        std::string bytes = NewMessage(type, Values::kPlausible);
        if (bytes.empty()) return RandomBytes(4);
        for (int flips = 1 + Below(4); flips > 0; --flips) bytes[Below(bytes.size())] ^= 1 << Below(8);
        return bytes;
      }
      case Kind::kHugeString: {
        static constexpr size_t kSizes[] = {10'000, 100'000, 1'000'000};
        return NewMessage(type, Values::kPlausible) +
               StringFieldWithValue(type, std::string(kSizes[Below(3)], static_cast<char>('x' + Below(3))));
      }
      case Kind::kInvalidUtf8:
        return NewMessage(type, Values::kPlausible) + StringFieldWithValue(type, "ok\xff\xfe\xc3(\xed\xa0\x80");
    }
    return "";
  }

 private:
  using FieldDescriptor = google::protobuf::FieldDescriptor;

  enum class Values { kOdd, kPlausible };

  size_t Below(size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(random_); }
  bool OneIn(size_t n) { return Below(n) == 0; }

  std::string RandomBytes(size_t n) {
    std::string bytes(n, '\0');
    for (char& c : bytes) c = static_cast<char>(Below(256));
    return bytes;
  }

  std::string OddString() {
    static const char* const kStrings[] = {"",
                                           " ",
                                           "c1",
                                           "x",
                                           "-1",
                                           "0",
                                           "after-sales-follow-up",
                                           "post-delivery",
                                           "complaints",
                                           "CHANNEL_SMS",
                                           "2027-02-30",
                                           "2026-13-01",
                                           "24:00",
                                           "99:99",
                                           "1970-01-01T00:00:00",
                                           "Asia/Shanghai",
                                           "Mars/Olympus",
                                           "../../../../etc/passwd",
                                           "/dev/zero",
                                           "+8613912345678",
                                           "a@b",
                                           "zh-CN",
                                           "*",
                                           "a.b.c",
                                           "客户满意度",
                                           "😀😀😀",
                                           "é\u0301",
                                           "\t\r\n",
                                           "line\nbreak",
                                           "nul\0byte",
                                           "'quote\"",
                                           "%s%n{}",
                                           "Bearer x",
                                           "🧑‍🤝‍🧑"};
    std::string text = kStrings[Below(std::size(kStrings))];
    if (text == "nul") text = std::string("nul\0byte", 8);  // the C string above ends at its NUL
    if (OneIn(6)) {
      std::string repeated;
      for (size_t n = 1 + Below(300); n > 0; --n) repeated += OneIn(2) ? "客" : "a";
      return repeated;
    }
    return text;
  }

  template <typename T>
  T OddNumber() {
    using Limits = std::numeric_limits<T>;
    const T kNumbers[] = {
        T(0), T(1), T(2), T(5), static_cast<T>(-1), Limits::max(), Limits::lowest(), static_cast<T>(Below(1000))};
    return kNumbers[Below(std::size(kNumbers))];
  }

  double OddDouble() {
    const double kNumbers[] = {0.0,
                               -1.0,
                               0.5,
                               1e308,
                               -1e308,
                               std::numeric_limits<double>::infinity(),
                               std::numeric_limits<double>::quiet_NaN(),
                               4.9e-324};
    return kNumbers[Below(std::size(kNumbers))];
  }

  std::string Pick(std::initializer_list<const char*> choices) { return *(choices.begin() + Below(choices.size())); }

  // A value a client might well send in a string field of this name.
  std::string PlausibleString(const FieldDescriptor& field) {
    const std::string& name = field.name();
    auto has = [&](absl::string_view part) { return absl::StrContains(name, part); };
    if (has("day") || name == "holidays") return absl::StrCat("2026-0", 1 + Below(9), "-1", Below(10));
    if (has("time_zone")) return Pick({"Asia/Shanghai", "Europe/Berlin", "UTC"});
    if (has("language")) return Pick({"zh-CN", "en"});
    if (has("phone")) return Pick({"+8613912345678", "13800000001"});
    if (has("email")) return "li.lei@example.cn";
    if (has("questionnaire_id")) return Pick({"post-delivery", "after-sales-follow-up", "loyalty-care"});
    if (has("queue")) return Pick({"complaints", "after-sales", "care"});
    if (has("agent_id")) return Pick({"agent-1", "agent-2"});
    if (has("external_id")) return Pick({"c1", "c2", "c3"});
    if (has("callback_id") || has("message_id") || has("revisit_id")) return absl::StrCat(1 + Below(5));
    if (has("token")) return Below(2) == 0 ? "" : RandomHex(32);
    if (name == "etag") return "";
    if (name == "start" || name == "end") return Pick({"09:00", "18:00", "00:00", "24:00"});
    if (has("code")) return Pick({"overall", "service_attitude", "delivery"});
    if (has("local_time")) return "2026-03-08T10:30:00";
    if (has("event_id") || has("order_id") || has("case_id")) return absl::StrCat("e-", Below(20));
    if (name == "paths") return Pick({"*", "holidays", "call_windows", "title", "items", "shop_name"});
    if (name == "id") return Pick({"post-delivery", "complaint-closed-call", "1", "0123456789abcdef", "c1"});
    if (name == "tags") return "vip";
    return Pick({"满意度回访", "survey", "很好，谢谢"});
  }

  std::string RandomHex(size_t n) {
    std::string hex;
    for (size_t i = 0; i < n; ++i) hex += "0123456789abcdef"[Below(16)];
    return hex;
  }

  // A value a client might well send in an integer field of this name.
  int64_t PlausibleNumber(const FieldDescriptor& field) {
    const std::string& name = field.name();
    const std::string& message = field.containing_type()->full_name();
    if (message == "google.protobuf.Timestamp" && name == "seconds") {
      return absl::ToUnixSeconds(absl::FromUnixSeconds(1'780'000'000) - absl::Hours(Below(24 * 60)));
    }
    if (message == "google.protobuf.Duration" && name == "seconds") return Pick({60, 600, 3600, 86400});
    if (name == "nanos") return 0;
    if (name == "score") return 1 + Below(5);
    if (name == "page_size" || name == "max_count" || name == "max_attempts" || name == "max_contacts") {
      return 1 + Below(10);
    }
    if (name == "priority") return 50;
    if (name == "version" || name == "from_version") return Below(3);
    return static_cast<int64_t>(Below(10));
  }
  int64_t Pick(std::initializer_list<int64_t> choices) { return *(choices.begin() + Below(choices.size())); }

  // Sets fields of `message`, nested messages to `depth`: about half of them
  // with odd values, or most of them with plausible ones.
  void Fill(google::protobuf::Message& message, int depth, Values values) {
    const google::protobuf::Descriptor* type = message.GetDescriptor();
    const google::protobuf::Reflection* reflection = message.GetReflection();
    for (int i = 0; i < type->field_count(); ++i) {
      const FieldDescriptor* field = type->field(i);
      if (values == Values::kOdd ? OneIn(2) : OneIn(5)) continue;
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && depth <= 0) continue;
      if (field->containing_oneof() != nullptr && OneIn(2)) continue;
      int count = !field->is_repeated()          ? 1
                  : values == Values::kPlausible ? 1 + Below(2)
                  : OneIn(10)                    ? 150 + Below(100)
                                                 : Below(4);
      for (int n = 0; n < count; ++n) SetOne(message, *reflection, field, depth, values);
    }
  }

  void SetOne(google::protobuf::Message& message, const google::protobuf::Reflection& reflection,
              const FieldDescriptor* field, int depth, Values values) {
    bool repeated = field->is_repeated();
    bool odd = values == Values::kOdd;
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING: {
        std::string value = field->type() == FieldDescriptor::TYPE_BYTES ? RandomBytes(Below(40))
                            : odd                                        ? OddString()
                                                                         : PlausibleString(*field);
        repeated ? reflection.AddString(&message, field, value) : reflection.SetString(&message, field, value);
        break;
      }
      case FieldDescriptor::CPPTYPE_INT32: {
        int32_t value = odd ? OddNumber<int32_t>() : static_cast<int32_t>(PlausibleNumber(*field));
        repeated ? reflection.AddInt32(&message, field, value) : reflection.SetInt32(&message, field, value);
        break;
      }
      case FieldDescriptor::CPPTYPE_INT64: {
        int64_t value = odd ? OddNumber<int64_t>() : PlausibleNumber(*field);
        repeated ? reflection.AddInt64(&message, field, value) : reflection.SetInt64(&message, field, value);
        break;
      }
      case FieldDescriptor::CPPTYPE_UINT32: {
        uint32_t value = odd ? OddNumber<uint32_t>() : static_cast<uint32_t>(PlausibleNumber(*field));
        repeated ? reflection.AddUInt32(&message, field, value) : reflection.SetUInt32(&message, field, value);
        break;
      }
      case FieldDescriptor::CPPTYPE_UINT64: {
        uint64_t value = odd ? OddNumber<uint64_t>() : static_cast<uint64_t>(PlausibleNumber(*field));
        repeated ? reflection.AddUInt64(&message, field, value) : reflection.SetUInt64(&message, field, value);
        break;
      }
      case FieldDescriptor::CPPTYPE_DOUBLE: {
        double value = odd ? OddDouble() : 0.5 * Below(10);
        repeated ? reflection.AddDouble(&message, field, value) : reflection.SetDouble(&message, field, value);
        break;
      }
      case FieldDescriptor::CPPTYPE_FLOAT: {
        float value = static_cast<float>(odd ? OddDouble() : 0.5 * Below(10));
        repeated ? reflection.AddFloat(&message, field, value) : reflection.SetFloat(&message, field, value);
        break;
      }
      case FieldDescriptor::CPPTYPE_BOOL:
        repeated ? reflection.AddBool(&message, field, OneIn(2)) : reflection.SetBool(&message, field, OneIn(2));
        break;
      case FieldDescriptor::CPPTYPE_ENUM: {
        // Known values (mostly not the _UNSPECIFIED zero); odd ones also
        // unknown values, which proto3 enums carry.
        const google::protobuf::EnumDescriptor* type = field->enum_type();
        int value = odd && OneIn(4)                        ? OddNumber<int32_t>()
                    : type->value_count() > 1 && !OneIn(8) ? type->value(1 + Below(type->value_count() - 1))->number()
                                                           : type->value(0)->number();
        repeated ? reflection.AddEnumValue(&message, field, value) : reflection.SetEnumValue(&message, field, value);
        break;
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        Fill(repeated ? *reflection.AddMessage(&message, field) : *reflection.MutableMessage(&message, field),
             depth - 1, values);
        break;
    }
  }

  std::string NewMessage(const google::protobuf::Descriptor& type, Values values) {
    std::unique_ptr<google::protobuf::Message> message(
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(&type)->New());
    Fill(*message, 3, values);
    return message->SerializeAsString();
  }

  static std::string LengthDelimited(int field_number, const std::string& value) {
    std::string bytes;
    for (uint64_t v = (static_cast<uint64_t>(field_number) << 3) | 2;; v >>= 7) {
      bytes += static_cast<char>((v & 0x7F) | (v > 0x7F ? 0x80 : 0));
      if (v <= 0x7F) break;
    }
    for (uint64_t v = value.size();; v >>= 7) {
      bytes += static_cast<char>((v & 0x7F) | (v > 0x7F ? 0x80 : 0));
      if (v <= 0x7F) break;
    }
    return bytes + value;
  }

  // The wire bytes of one of `type`'s string fields holding `value`, inside
  // the nested messages that lead to it (parsers merge them into the rest of
  // the message; the last value of a field wins). Random bytes if there is
  // no string field within three levels.
  std::string StringFieldWithValue(const google::protobuf::Descriptor& type, const std::string& value, int depth = 3) {
    std::vector<const FieldDescriptor*> strings, messages;
    for (int i = 0; i < type.field_count(); ++i) {
      const FieldDescriptor* field = type.field(i);
      if (field->type() == FieldDescriptor::TYPE_STRING) strings.push_back(field);
      if (field->type() == FieldDescriptor::TYPE_MESSAGE && depth > 1) messages.push_back(field);
    }
    if (!strings.empty() && (messages.empty() || !OneIn(3))) {
      return LengthDelimited(strings[Below(strings.size())]->number(), value);
    }
    if (messages.empty()) return RandomBytes(8);
    const FieldDescriptor* outer = messages[Below(messages.size())];
    return LengthDelimited(outer->number(), StringFieldWithValue(*outer->message_type(), value, depth - 1));
  }

  std::mt19937_64 random_;
  uint64_t count_ = 0;
};

}  // namespace satisfaction::test_support

#endif  // SATISFACTION_TESTS_E2E_REQUEST_FUZZER_H_
