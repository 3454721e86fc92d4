// What malformed requests get, end to end on each backend: bytes that do not
// parse as the request, strings of invalid UTF-8, values far too long and
// text cut short. Each is INVALID_ARGUMENT with a short message that says what
// was wrong, never INTERNAL, UNIMPLEMENTED or a message too large to deliver.
#include <google/protobuf/descriptor.h>
#include <grpcpp/grpcpp.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "satisfaction/v1/access.grpc.pb.h"
#include "satisfaction/v1/customer.grpc.pb.h"
#include "satisfaction/v1/response.grpc.pb.h"
#include "services/common/text_checks.h"
#include "tests/e2e/api_methods.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/generic_call.h"

namespace satisfaction {
namespace {

using google::protobuf::MethodDescriptor;
using test_support::Context;
using test_support::GenericCall;

// Error messages quote at most a short prefix of a value.
constexpr size_t kShortMessageBytes = 160;

// A request of one length-delimited field: `field_number` holding `value`.
std::string LengthDelimitedField(int field_number, const std::string& value) {
  std::string bytes(1, static_cast<char>((field_number << 3) | 2));
  for (size_t length = value.size(); true; length >>= 7) {
    bytes += static_cast<char>((length & 0x7F) | (length > 0x7F ? 0x80 : 0));
    if (length <= 0x7F) break;
  }
  return bytes + value;
}

class MalformedRequestE2eTest : public test_support::E2eTest {};

TEST_P(MalformedRequestE2eTest, UnreadableBytesAreInvalidArgumentNamingTheRequestType) {
  std::vector<const MethodDescriptor*> methods = test_support::ApiMethodDescriptors();
  ASSERT_GE(methods.size(), 48u);
  for (const MethodDescriptor* method : methods) {
    // A client stream is read by its handler, message by message.
    if (method->client_streaming()) continue;
    std::string expected = absl::StrCat("the request could not be read as a ", method->input_type()->full_name());
    // A varint cut short, a tag of field 0, a field longer than the request.
    for (const std::string& bytes : {std::string("\x08"), std::string("\x00", 1),
                                     std::string("\x0a\x05"
                                                 "ab")}) {
      grpc::Status status = GenericCall(channel(), test_support::MethodPath(*method), bytes);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
          << method->full_name() << ": " << status.error_code() << " " << status.error_message();
      EXPECT_EQ(status.error_message(), expected) << method->full_name();
    }
  }
}

TEST_P(MalformedRequestE2eTest, InvalidUtf8NamesTheFieldUnderTheSyncAndTheCallbackApi) {
  // SubmitResponse runs on gRPC's callback API, GetResponse on the sync one.
  std::string bad_token = LengthDelimitedField(1, "\xff\xfe");
  grpc::Status status = GenericCall(channel(), "/satisfaction.v1.ResponseService/SubmitResponse", bad_token);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_EQ(status.error_message(),
            "satisfaction.v1.SubmitResponseRequest.invitation_token: not valid UTF-8 (the request could not be read as "
            "a satisfaction.v1.SubmitResponseRequest)");
  status = GenericCall(channel(), "/satisfaction.v1.ResponseService/GetResponse", bad_token);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_TRUE(absl::StartsWith(status.error_message(), "satisfaction.v1.GetResponseRequest.id: not valid UTF-8"))
      << status.error_message();

  // The name of a field a request does not have is not carried over to it
  // from an earlier refusal on the same thread.
  for (int i = 0; i < 20; ++i) {
    GenericCall(channel(), "/satisfaction.v1.ResponseService/GetResponse", bad_token);
    status = GenericCall(channel(), "/satisfaction.v1.CustomerService/GetCustomer", "\x08");
    EXPECT_EQ(status.error_message(), "the request could not be read as a satisfaction.v1.GetCustomerRequest");
  }
}

TEST_P(MalformedRequestE2eTest, UnreadableBytesFromACallerAccessRefusesGetThatRefusal) {
  auto no_key = server_->ChannelWithKey("");
  for (const char* method :
       {"/satisfaction.v1.ResponseService/SubmitResponse", "/satisfaction.v1.QuestionnaireService/GetQuestionnaire"}) {
    grpc::Status status = GenericCall(no_key, method, "\x08");
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << method << ": " << status.error_message();
  }
}

TEST_P(MalformedRequestE2eTest, HugeIdsAreInvalidArgumentQuotingAShortPrefix) {
  struct Case {
    std::string method;
    int field_number;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"/satisfaction.v1.ResponseService/GetResponse", 1, "id"},
      {"/satisfaction.v1.CallbackService/ReleaseCallback", 1, "callback_id"},
      {"/satisfaction.v1.CallbackService/ExtendCallbackLease", 1, "callback_id"},
      {"/satisfaction.v1.MessageService/ReleaseMessage", 1, "message_id"},
      {"/satisfaction.v1.CustomerService/GetCustomer", 1, "external_id"},
  };
  for (size_t size : {size_t{10'000}, size_t{3'000'000}}) {
    for (const Case& c : cases) {
      std::string id(size, '9');
      id[0] = 'x';  // not a number either
      grpc::Status status = GenericCall(channel(), c.method, LengthDelimitedField(c.field_number, id));
      EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
          << c.method << " with " << size << " characters: " << status.error_code() << " "
          << status.error_message().substr(0, 200);
      EXPECT_TRUE(absl::StartsWith(status.error_message(), c.field + ":")) << status.error_message().substr(0, 200);
      EXPECT_LE(status.error_message().size(), kShortMessageBytes) << status.error_message().substr(0, 200);
    }
  }
}

TEST_P(MalformedRequestE2eTest, QuotedValuesAreShortAndEscaped) {
  v1::UpsertCustomerRequest request;
  request.mutable_customer()->set_external_id("c1");
  request.mutable_customer()->set_time_zone(absl::StrCat("Asia/\n", std::string(100'000, 'z')));
  v1::UpsertCustomerResponse response;
  grpc::Status status = v1::CustomerService::NewStub(channel())->UpsertCustomer(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            absl::StrCat("customer.time_zone: unknown IANA time zone 'Asia/\\n", std::string(26, 'z'), "'…"));
}

TEST_P(MalformedRequestE2eTest, ImportErrorsCutLongIdsAtACharacterBoundary) {
  auto stub = v1::CustomerService::NewStub(channel());
  auto context = Context();
  v1::ImportCustomersResponse response;
  std::unique_ptr<grpc::ClientWriter<v1::ImportCustomersRequest>> writer =
      stub->ImportCustomers(context.get(), &response);
  v1::ImportCustomersRequest request;
  std::string cjk_id;
  for (int i = 0; i < 50; ++i) cjk_id += "客";  // 150 bytes: 128 falls inside a character
  request.add_customers()->set_external_id(cjk_id);
  request.add_customers()->set_external_id("a" + cjk_id);
  ASSERT_TRUE(writer->Write(request));
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  ASSERT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
  EXPECT_EQ(response.failed(), 2);
  ASSERT_EQ(response.errors_size(), 2);
  for (int i = 0; i < 2; ++i) {
    const std::string& cut = response.errors(i).external_id();
    EXPECT_TRUE(Utf8Length(cut).has_value()) << i;
    EXPECT_TRUE(absl::StartsWith(request.customers(i).external_id(), cut)) << i;
    EXPECT_GT(cut.size(), 125u) << i;
    EXPECT_LE(cut.size(), 128u) << i;
  }
}

TEST_P(MalformedRequestE2eTest, AMultiByteContactValueIsAuditedMaskedByWholeCharacters) {
  v1::RemoveDoNotCallRequest remove;
  remove.set_phone("一二三四五六七八九十一");
  v1::DoNotCallEntry removed;
  grpc::Status status = v1::CustomerService::NewStub(channel())->RemoveDoNotCall(Context().get(), remove, &removed);
  EXPECT_NE(status.error_code(), grpc::StatusCode::OK);

  v1::ListAuditEventsRequest list;
  list.set_method("/satisfaction.v1.CustomerService/RemoveDoNotCall");
  v1::ListAuditEventsResponse listed;
  status = v1::AccessService::NewStub(channel())->ListAuditEvents(Context().get(), list, &listed);
  ASSERT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
  ASSERT_EQ(listed.events_size(), 1) << "the event was stored";
  EXPECT_EQ(listed.events(0).resource(), "一二三****八九十一");
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(MalformedRequestE2eTest);

}  // namespace
}  // namespace satisfaction
