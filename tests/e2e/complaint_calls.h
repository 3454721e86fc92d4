#ifndef SATISFACTION_TESTS_E2E_COMPLAINT_CALLS_H_
#define SATISFACTION_TESTS_E2E_COMPLAINT_CALLS_H_

#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "satisfaction/v1/callback.grpc.pb.h"
#include "satisfaction/v1/customer.grpc.pb.h"
#include "satisfaction/v1/revisit.grpc.pb.h"
#include "satisfaction/v1/revisit_policy.grpc.pb.h"
#include "tests/e2e/test_server.h"

namespace satisfaction::test_support {

// The setting of the dialer tests: calls allowed all day, and a rule that
// phones new customers in `queue` once their complaint is closed.
inline void AddComplaintCallRule(const std::shared_ptr<grpc::Channel>& channel, const std::string& queue) {
  OpenAllDay(channel, "call_windows");
  v1::CreateRevisitRuleRequest rule;
  rule.mutable_rule()->set_id("complaint-call");
  rule.mutable_rule()->add_customer_types(v1::CUSTOMER_TYPE_NEW);
  rule.mutable_rule()->set_trigger(v1::TRIGGER_COMPLAINT_CLOSED);
  rule.mutable_rule()->add_channels(v1::CHANNEL_PHONE);
  rule.mutable_rule()->set_queue(queue);
  v1::RevisitRule created;
  grpc::Status status = v1::RevisitPolicyService::NewStub(channel)->CreateRevisitRule(Context().get(), rule, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
}

// Stores `customer` (its consent to calls given).
inline void AddCallableCustomer(const std::shared_ptr<grpc::Channel>& channel, v1::Customer customer) {
  customer.mutable_consent()->set_phone(true);
  v1::UpsertCustomerRequest request;
  *request.mutable_customer() = std::move(customer);
  v1::UpsertCustomerResponse upserted;
  grpc::Status status = v1::CustomerService::NewStub(channel)->UpsertCustomer(Context().get(), request, &upserted);
  ASSERT_TRUE(status.ok()) << status.error_message();
}

// Records the customer's complaint as closed a minute ago: under the rule
// above, one callback is due now.
inline void RecordClosedComplaint(const std::shared_ptr<grpc::Channel>& channel, const std::string& event_id,
                                  const std::string& customer_id) {
  v1::RecordEventRequest event;
  event.mutable_event()->set_event_id(event_id);
  event.mutable_event()->set_customer_external_id(customer_id);
  event.mutable_event()->set_trigger(v1::TRIGGER_COMPLAINT_CLOSED);
  *event.mutable_event()->mutable_occur_time() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now() - absl::Minutes(1)));
  v1::RecordEventResponse recorded;
  grpc::Status status = v1::RevisitService::NewStub(channel)->RecordEvent(Context().get(), event, &recorded);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(recorded.revisits_size(), 1);
}

// A new customer `id` (consenting to calls) whose complaint closed two days
// ago: under the default rules, a survey call is due now in the default queue;
// fetched under a lease of a minute. Fails the test and returns an empty
// callback if any step fails.
inline v1::Callback DueComplaintSurveyCall(const std::shared_ptr<grpc::Channel>& channel, const std::string& id) {
  v1::UpsertCustomerRequest customer;
  customer.mutable_customer()->set_external_id(id);
  customer.mutable_customer()->set_phone("+8613912340000");
  customer.mutable_customer()->mutable_consent()->set_phone(true);
  v1::UpsertCustomerResponse upserted;
  EXPECT_TRUE(v1::CustomerService::NewStub(channel)->UpsertCustomer(Context().get(), customer, &upserted).ok());
  v1::RecordEventRequest event;
  event.mutable_event()->set_event_id("complaint-of-" + id);
  event.mutable_event()->set_customer_external_id(id);
  event.mutable_event()->set_trigger(v1::TRIGGER_COMPLAINT_CLOSED);
  *event.mutable_event()->mutable_occur_time() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now() - absl::Hours(48)));
  v1::RecordEventResponse recorded;
  EXPECT_TRUE(v1::RevisitService::NewStub(channel)->RecordEvent(Context().get(), event, &recorded).ok());
  v1::FetchDueCallbacksRequest fetch;
  fetch.set_queue("default");
  fetch.set_max_count(1);
  fetch.mutable_lease_duration()->set_seconds(60);
  v1::FetchDueCallbacksResponse fetched;
  grpc::Status status = v1::CallbackService::NewStub(channel)->FetchDueCallbacks(Context().get(), fetch, &fetched);
  EXPECT_TRUE(status.ok()) << status.error_message();
  if (fetched.callbacks_size() != 1) {
    ADD_FAILURE() << "no complaint call due";
    return {};
  }
  return fetched.callbacks(0);
}

}  // namespace satisfaction::test_support

#endif  // SATISFACTION_TESTS_E2E_COMPLAINT_CALLS_H_
