// MessageService end to end, on each backend, through a real gRPC channel,
// with the repository's templates and default revisit rules.
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "satisfaction/v1/customer.grpc.pb.h"
#include "satisfaction/v1/message.grpc.pb.h"
#include "satisfaction/v1/revisit.grpc.pb.h"
#include "satisfaction/v1/revisit_policy.grpc.pb.h"
#include "tests/e2e/e2e_fixture.h"

namespace satisfaction {
namespace {

using google::protobuf::util::TimeUtil;
using test_support::Context;
using test_support::ExpectError;

constexpr char kPublicUrl[] = "https://survey.example.cn";

class MessageE2eTest : public test_support::ServiceE2eTest<v1::MessageService> {
 protected:
  MessageE2eTest()
      : ServiceE2eTest({.config = {.public_url = kPublicUrl}, .templates = test_support::Templates::kRepository}) {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServiceE2eTest::SetUp());
    test_support::OpenAllDay(channel(), "message_windows");

    // A new customer, whose first delivery the default rule follows with an SMS survey 3 days on.
    auto customers = v1::CustomerService::NewStub(channel());
    v1::UpsertCustomerRequest customer;
    customer.mutable_customer()->set_external_id("c1");
    customer.mutable_customer()->set_name("Amy");
    customer.mutable_customer()->set_phone("+8613912345678");
    customer.mutable_customer()->set_language("en-GB");
    customer.mutable_customer()->mutable_consent()->set_sms(true);
    v1::UpsertCustomerResponse upserted;
    ASSERT_TRUE(customers->UpsertCustomer(Context().get(), customer, &upserted).ok());
    EXPECT_EQ(upserted.customer().language(), "en");
    auto revisits = v1::RevisitService::NewStub(channel());
    v1::RecordEventRequest event;
    event.mutable_event()->set_event_id("delivered-1");
    event.mutable_event()->set_customer_external_id("c1");
    event.mutable_event()->set_trigger(v1::TRIGGER_ORDER_DELIVERED);
    event.mutable_event()->set_order_id("TB-1001");
    *event.mutable_event()->mutable_occur_time() =
        TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now() - absl::Hours(24 * 4)));
    v1::RecordEventResponse recorded;
    grpc::Status status = revisits->RecordEvent(Context().get(), event, &recorded);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(recorded.revisits_size(), 1);
    ASSERT_EQ(recorded.revisits(0).channel(), v1::CHANNEL_SMS);
  }

  grpc::Status Fetch(v1::FetchOutboxResponse* response, v1::Channel channel = v1::CHANNEL_SMS, int count = 10,
                     int lease_seconds = 60) {
    v1::FetchOutboxRequest request;
    request.set_channel(channel);
    request.set_max_count(count);
    request.mutable_lease_duration()->set_seconds(lease_seconds);
    return stub_->FetchOutbox(Context().get(), request, response);
  }
};

TEST_P(MessageE2eTest, AGatewaySendsTheSurveySmsReportsItAndTheCustomerOptsOut) {
  v1::FetchOutboxResponse fetched;
  grpc::Status status = Fetch(&fetched);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(fetched.messages_size(), 1);
  const v1::OutboxMessage& sms = fetched.messages(0);
  EXPECT_EQ(sms.recipient(), "+8613912345678");
  EXPECT_EQ(sms.language(), "en");
  EXPECT_EQ(sms.questionnaire_id(), "post-delivery");
  EXPECT_TRUE(absl::StartsWith(sms.survey_url(), absl::StrCat(kPublicUrl, "/s/"))) << sms.survey_url();
  EXPECT_TRUE(absl::StrContains(sms.text(), "Hi Amy, your order TB-1001 was delivered.")) << sms.text();
  EXPECT_TRUE(absl::StrContains(sms.text(), sms.survey_url())) << sms.text();
  EXPECT_TRUE(absl::EndsWith(sms.text(), "Reply STOP to opt out.")) << sms.text();
  EXPECT_GE(sms.sms_parts(), 1);

  v1::ReportDeliveryRequest report;
  report.set_message_id(sms.id());
  report.set_lease_token(sms.lease_token());
  report.set_outcome(v1::DELIVERY_OUTCOME_DELIVERED);
  report.set_provider_message_id("smsc-778899");
  v1::ReportDeliveryResponse reported;
  status = stub_->ReportDelivery(Context().get(), report, &reported);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(reported.revisit().state(), v1::REVISIT_STATE_COMPLETED);
  v1::ReportDeliveryResponse replayed;
  ASSERT_TRUE(stub_->ReportDelivery(Context().get(), report, &replayed).ok());
  EXPECT_EQ(replayed.attempt().number(), 1);
  report.set_outcome(v1::DELIVERY_OUTCOME_FAILED);
  ExpectError(stub_->ReportDelivery(Context().get(), report, &replayed), grpc::StatusCode::ALREADY_EXISTS, "message");

  v1::ReportReplyRequest reply;
  reply.set_message_id(sms.id());
  reply.set_text("STOP");
  v1::ReportReplyResponse answered;
  status = stub_->ReportReply(Context().get(), reply, &answered);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(answered.opted_out());
  auto customers = v1::CustomerService::NewStub(channel());
  v1::GetCustomerRequest get;
  get.set_external_id("c1");
  v1::Customer customer;
  ASSERT_TRUE(customers->GetCustomer(Context().get(), get, &customer).ok());
  EXPECT_TRUE(customer.opted_out().sms());
}

TEST_P(MessageE2eTest, BadFetchesAreRefusedNamingTheField) {
  v1::FetchOutboxResponse fetched;
  ExpectError(stub_->FetchOutbox(Context().get(), v1::FetchOutboxRequest(), &fetched),
              grpc::StatusCode::INVALID_ARGUMENT, "channel");
  ExpectError(Fetch(&fetched, v1::CHANNEL_PHONE), grpc::StatusCode::INVALID_ARGUMENT, "channel");
  ExpectError(Fetch(&fetched, static_cast<v1::Channel>(42)), grpc::StatusCode::INVALID_ARGUMENT, "channel");
  ExpectError(Fetch(&fetched, v1::CHANNEL_SMS, 0), grpc::StatusCode::INVALID_ARGUMENT, "max_count");
  ExpectError(Fetch(&fetched, v1::CHANNEL_SMS, 501), grpc::StatusCode::INVALID_ARGUMENT, "max_count");
  ExpectError(Fetch(&fetched, v1::CHANNEL_SMS, 10, 5), grpc::StatusCode::INVALID_ARGUMENT, "lease_duration");
  ExpectError(Fetch(&fetched, v1::CHANNEL_SMS, 10, 7200), grpc::StatusCode::INVALID_ARGUMENT, "lease_duration");
  v1::FetchOutboxRequest no_lease;
  no_lease.set_channel(v1::CHANNEL_SMS);
  no_lease.set_max_count(1);
  ExpectError(stub_->FetchOutbox(Context().get(), no_lease, &fetched), grpc::StatusCode::INVALID_ARGUMENT,
              "lease_duration");
  ASSERT_TRUE(Fetch(&fetched).ok());
  EXPECT_EQ(fetched.messages_size(), 1) << "the refusals claimed nothing";
}

TEST_P(MessageE2eTest, BadReportsAndRepliesAreRefusedAndRecordNothing) {
  v1::FetchOutboxResponse fetched;
  ASSERT_TRUE(Fetch(&fetched).ok());
  ASSERT_EQ(fetched.messages_size(), 1);
  const v1::OutboxMessage& sms = fetched.messages(0);
  auto report = [&](auto change) {
    v1::ReportDeliveryRequest request;
    request.set_message_id(sms.id());
    request.set_lease_token(sms.lease_token());
    request.set_outcome(v1::DELIVERY_OUTCOME_DELIVERED);
    change(request);
    v1::ReportDeliveryResponse response;
    return stub_->ReportDelivery(Context().get(), request, &response);
  };
  using Request = v1::ReportDeliveryRequest;
  ExpectError(report([](Request& r) { r.clear_message_id(); }), grpc::StatusCode::INVALID_ARGUMENT, "message_id");
  ExpectError(report([](Request& r) { r.set_message_id("abc"); }), grpc::StatusCode::INVALID_ARGUMENT, "message_id");
  ExpectError(report([](Request& r) { r.set_message_id("987654"); }), grpc::StatusCode::NOT_FOUND);
  ExpectError(report([](Request& r) { r.clear_lease_token(); }), grpc::StatusCode::INVALID_ARGUMENT, "lease_token");
  ExpectError(report([](Request& r) { r.set_lease_token("guess"); }), grpc::StatusCode::INVALID_ARGUMENT,
              "lease_token");
  ExpectError(report([&](Request& r) { r.set_lease_token(absl::StrCat(std::string(32, '0'), ".", sms.id())); }),
              grpc::StatusCode::FAILED_PRECONDITION, "lease_token");
  ExpectError(report([](Request& r) { r.clear_outcome(); }), grpc::StatusCode::INVALID_ARGUMENT, "outcome");
  ExpectError(report([](Request& r) { r.set_outcome(static_cast<v1::DeliveryOutcome>(9)); }),
              grpc::StatusCode::INVALID_ARGUMENT, "outcome");
  ExpectError(report([](Request& r) { r.set_provider_message_id(std::string(129, 'x')); }),
              grpc::StatusCode::INVALID_ARGUMENT, "provider_message_id");
  ExpectError(report([](Request& r) { r.set_error(std::string(501, 'x')); }), grpc::StatusCode::INVALID_ARGUMENT,
              "error");

  v1::ReportReplyRequest reply;
  v1::ReportReplyResponse answered;
  ExpectError(stub_->ReportReply(Context().get(), reply, &answered), grpc::StatusCode::INVALID_ARGUMENT, "message_id");
  reply.set_message_id(sms.id());
  ExpectError(stub_->ReportReply(Context().get(), reply, &answered), grpc::StatusCode::INVALID_ARGUMENT, "text");
  reply.set_text(std::string(1001, 'x'));
  ExpectError(stub_->ReportReply(Context().get(), reply, &answered), grpc::StatusCode::INVALID_ARGUMENT, "text");
  reply.set_text("T");
  *reply.mutable_receive_time() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now() + absl::Hours(48)));
  ExpectError(stub_->ReportReply(Context().get(), reply, &answered), grpc::StatusCode::INVALID_ARGUMENT,
              "receive_time");

  // The lease still stands: the real report goes through, as the first.
  v1::ReportDeliveryResponse response;
  grpc::Status status = report([](Request&) {});
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::ReportDeliveryRequest again;
  again.set_message_id(sms.id());
  again.set_lease_token(sms.lease_token());
  again.set_outcome(v1::DELIVERY_OUTCOME_DELIVERED);
  ASSERT_TRUE(stub_->ReportDelivery(Context().get(), again, &response).ok());
  EXPECT_EQ(response.attempt().number(), 1);
}

TEST_P(MessageE2eTest, SettingsAreReadAndUpdatedWithEtagsAndChecked) {
  v1::MessageSettings settings;
  ASSERT_TRUE(stub_->GetMessageSettings(Context().get(), v1::GetMessageSettingsRequest(), &settings).ok());
  EXPECT_EQ(settings.shop_name(), "Satisfaction");
  EXPECT_EQ(settings.default_language(), "zh-CN");
  EXPECT_EQ(settings.invitation_validity().seconds(), 14 * 24 * 3600);

  v1::UpdateMessageSettingsRequest update;
  ExpectError(stub_->UpdateMessageSettings(Context().get(), update, &settings), grpc::StatusCode::INVALID_ARGUMENT,
              "settings");
  update.mutable_settings()->set_shop_name("优品小店");
  update.mutable_settings()->set_etag(settings.etag());
  update.mutable_update_mask()->add_paths("shop_name");
  v1::MessageSettings updated;
  grpc::Status status = stub_->UpdateMessageSettings(Context().get(), update, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(updated.shop_name(), "优品小店");
  EXPECT_NE(updated.etag(), settings.etag());
  ExpectError(stub_->UpdateMessageSettings(Context().get(), update, &updated), grpc::StatusCode::ABORTED);
  update.mutable_settings()->set_etag(updated.etag());
  update.mutable_settings()->set_shop_name("");
  ExpectError(stub_->UpdateMessageSettings(Context().get(), update, &updated), grpc::StatusCode::INVALID_ARGUMENT,
              "settings.shop_name");
  update.mutable_update_mask()->set_paths(0, "no_such_field");
  ExpectError(stub_->UpdateMessageSettings(Context().get(), update, &updated), grpc::StatusCode::INVALID_ARGUMENT,
              "update_mask");

  // The next message is signed with the new name.
  v1::FetchOutboxResponse fetched;
  ASSERT_TRUE(Fetch(&fetched).ok());
  ASSERT_EQ(fetched.messages_size(), 1);
  EXPECT_TRUE(absl::StartsWith(fetched.messages(0).text(), "优品小店: Hi Amy")) << fetched.messages(0).text();
}

TEST_P(MessageE2eTest, AServerWithoutTemplatesSaysSoInsteadOfSendingBlankMessages) {
  std::unique_ptr<test_support::TestServer> bare = StartServer({}, test_support::Templates::kNone);
  ASSERT_NE(bare, nullptr);
  auto stub = v1::MessageService::NewStub(bare->channel());
  v1::FetchOutboxRequest request;
  request.set_channel(v1::CHANNEL_SMS);
  request.set_max_count(1);
  request.mutable_lease_duration()->set_seconds(60);
  v1::FetchOutboxResponse fetched;
  ExpectError(stub->FetchOutbox(Context().get(), request, &fetched), grpc::StatusCode::FAILED_PRECONDITION);
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(MessageE2eTest);

}  // namespace
}  // namespace satisfaction
