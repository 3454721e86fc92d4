#ifndef SATISFACTION_TESTS_E2E_SURVEY_LINKS_H_
#define SATISFACTION_TESTS_E2E_SURVEY_LINKS_H_

#include <google/protobuf/util/time_util.h>

#include <string>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "satisfaction/v1/customer.grpc.pb.h"
#include "satisfaction/v1/message.grpc.pb.h"
#include "satisfaction/v1/revisit.grpc.pb.h"
#include "tests/e2e/test_server.h"

namespace satisfaction::test_support {

// A survey link the way a customer gets one: a new customer (`external_id`,
// consenting to SMS and calls, in `language`, "" for the shop's default)
// whose first delivery, four days ago, the default rules follow with an SMS
// survey; a gateway then fetches that message. The delivery's event carries
// `context`. Message windows must be open (OpenAllDay). Fails the test and
// returns an empty message if any step fails.
inline v1::OutboxMessage SurveyMessage(TestServer& server, const std::string& external_id,
                                       const std::string& language = "", const v1::BusinessContext& context = {}) {
  v1::UpsertCustomerRequest customer;
  customer.mutable_customer()->set_external_id(external_id);
  customer.mutable_customer()->set_phone("+8613912345678");
  customer.mutable_customer()->set_language(language);
  customer.mutable_customer()->mutable_consent()->set_sms(true);
  customer.mutable_customer()->mutable_consent()->set_phone(true);
  v1::UpsertCustomerResponse upserted;
  grpc::Status status =
      v1::CustomerService::NewStub(server.channel())->UpsertCustomer(Context().get(), customer, &upserted);
  EXPECT_TRUE(status.ok()) << status.error_message();
  v1::RecordEventRequest event;
  event.mutable_event()->set_event_id("delivered-" + external_id);
  event.mutable_event()->set_customer_external_id(external_id);
  event.mutable_event()->set_trigger(v1::TRIGGER_ORDER_DELIVERED);
  *event.mutable_event()->mutable_occur_time() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now() - absl::Hours(24 * 4)));
  *event.mutable_event()->mutable_context() = context;
  v1::RecordEventResponse recorded;
  status = v1::RevisitService::NewStub(server.channel())->RecordEvent(Context().get(), event, &recorded);
  EXPECT_TRUE(status.ok()) << status.error_message();

  v1::FetchOutboxRequest fetch;
  fetch.set_channel(v1::CHANNEL_SMS);
  fetch.set_max_count(1);
  fetch.mutable_lease_duration()->set_seconds(60);
  v1::FetchOutboxResponse outbox;
  status = v1::MessageService::NewStub(server.channel())->FetchOutbox(Context().get(), fetch, &outbox);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(outbox.messages_size(), 1);
  return outbox.messages_size() == 1 ? outbox.messages(0) : v1::OutboxMessage();
}

// The token of a survey link <public-url>/s/<token>.
inline std::string TokenOf(const std::string& survey_url) {
  size_t at = survey_url.rfind("/s/");
  return at == std::string::npos ? "" : survey_url.substr(at + 3);
}

}  // namespace satisfaction::test_support

#endif  // SATISFACTION_TESTS_E2E_SURVEY_LINKS_H_
