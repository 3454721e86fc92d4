// CustomerService.GetContactHistory end to end, on each backend, through a
// real gRPC channel: a customer's survey SMS, complaint calls, answers,
// recovery call and opt-outs, read back newest first in pages, as each role
// may see them.
#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "satisfaction/v1/callback.grpc.pb.h"
#include "satisfaction/v1/customer.grpc.pb.h"
#include "satisfaction/v1/message.grpc.pb.h"
#include "satisfaction/v1/response.grpc.pb.h"
#include "satisfaction/v1/revisit.grpc.pb.h"
#include "satisfaction/v1/revisit_policy.grpc.pb.h"
#include "services/common/page_token.h"
#include "tests/e2e/complaint_calls.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/revisit_lists.h"

namespace satisfaction {
namespace {

using google::protobuf::util::MessageDifferencer;
using google::protobuf::util::TimeUtil;
using test_support::Context;
using test_support::ExpectError;

constexpr char kPhone[] = "+8613912345678";
constexpr char kMaskedPhone[] = "+86139****5678";
// The queue of the default rules' calls.
constexpr char kQueue[] = "default";

google::protobuf::Timestamp At(absl::Time time) { return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(time)); }

long long Micros(const google::protobuf::Timestamp& time) { return TimeUtil::TimestampToMicroseconds(time); }

class ContactHistoryE2eTest : public test_support::ServiceE2eTest<v1::CustomerService> {
 protected:
  ContactHistoryE2eTest()
      : ServiceE2eTest({.config = {.public_url = "https://survey.example.cn"},
                        .templates = test_support::Templates::kRepository}) {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServiceE2eTest::SetUp());
    test_support::OpenAllDay(channel(), "message_windows");
    test_support::OpenAllDay(channel(), "call_windows");
    // An SMS survey and a survey call days apart, and a recovery call: more
    // than the default contact budget allows.
    v1::UpdateContactPolicyRequest policy;
    for (v1::ContactCap* cap :
         {policy.mutable_policy()->mutable_survey_cap(), policy.mutable_policy()->mutable_phone_cap()}) {
      cap->set_max_contacts(10);
      cap->mutable_period()->set_seconds(3600);
    }
    policy.mutable_update_mask()->add_paths("survey_cap");
    policy.mutable_update_mask()->add_paths("phone_cap");
    v1::ContactPolicy updated;
    grpc::Status status =
        v1::RevisitPolicyService::NewStub(channel())->UpdateContactPolicy(Context().get(), policy, &updated);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // A new customer who agreed to calls and SMS.
  void AddCustomer(const std::string& id) {
    v1::Customer customer;
    customer.set_external_id(id);
    customer.set_name("王芳");
    customer.set_phone(kPhone);
    customer.mutable_consent()->set_sms(true);
    test_support::AddCallableCustomer(channel(), customer);
  }

  // Records the customer's event of `trigger`, `ago`; returns the id of the
  // one revisit the default rules plan for it.
  std::string RecordEvent(const std::string& event_id, const std::string& customer, v1::Trigger trigger,
                          absl::Duration ago) {
    v1::RecordEventRequest request;
    request.mutable_event()->set_event_id(event_id);
    request.mutable_event()->set_customer_external_id(customer);
    request.mutable_event()->set_trigger(trigger);
    *request.mutable_event()->mutable_occur_time() = At(absl::Now() - ago);
    v1::RecordEventResponse recorded;
    grpc::Status status = v1::RevisitService::NewStub(channel())->RecordEvent(Context().get(), request, &recorded);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(recorded.revisits_size(), 1) << event_id;
    return recorded.revisits_size() == 1 ? recorded.revisits(0).id() : "";
  }

  // The one callback of `queue`, or reserved for `agent_id`, fetched through
  // `callbacks` under a lease of a minute, waiting up to 10 seconds for it to
  // fall due; fails the test if none does.
  static v1::Callback FetchCallback(v1::CallbackService::Stub& callbacks, const std::string& queue,
                                    const std::string& agent_id) {
    v1::FetchDueCallbacksRequest request;
    request.set_queue(queue);
    request.set_agent_id(agent_id);
    request.set_max_count(1);
    request.mutable_lease_duration()->set_seconds(60);
    for (absl::Time give_up = absl::Now() + absl::Seconds(10);; absl::SleepFor(absl::Milliseconds(100))) {
      v1::FetchDueCallbacksResponse fetched;
      grpc::Status status = callbacks.FetchDueCallbacks(Context().get(), request, &fetched);
      if (!status.ok()) {
        ADD_FAILURE() << status.error_message();
        return {};
      }
      if (fetched.callbacks_size() == 1) return fetched.callbacks(0);
      if (absl::Now() > give_up) {
        ADD_FAILURE() << "no callback of " << queue << agent_id << " fell due";
        return {};
      }
    }
  }

  static v1::ReportDispositionResponse Report(v1::CallbackService::Stub& callbacks, const v1::Callback& callback,
                                              v1::CallOutcome outcome, const std::string& notes,
                                              const google::protobuf::Timestamp* call_back_time = nullptr) {
    v1::ReportDispositionRequest request;
    request.set_callback_id(callback.id());
    request.set_lease_token(callback.lease_token());
    request.set_outcome(outcome);
    request.set_notes(notes);
    request.set_agent_id("agent-7");
    if (call_back_time != nullptr) *request.mutable_call_back_time() = *call_back_time;
    v1::ReportDispositionResponse reported;
    grpc::Status status = callbacks.ReportDisposition(Context().get(), request, &reported);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return reported;
  }

  static v1::ReportReplyResponse Reply(v1::MessageService::Stub& messages, const std::string& message_id,
                                       const std::string& text, absl::Time received) {
    v1::ReportReplyRequest request;
    request.set_message_id(message_id);
    request.set_text(text);
    *request.mutable_receive_time() = At(received);
    v1::ReportReplyResponse replied;
    grpc::Status status = messages.ReportReply(Context().get(), request, &replied);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return replied;
  }

  static grpc::Status History(v1::CustomerService::Stub& customers, const std::string& customer,
                              v1::GetContactHistoryResponse* history, int page_size = 0,
                              const std::string& page_token = "") {
    v1::GetContactHistoryRequest request;
    request.set_customer_external_id(customer);
    request.set_page_size(page_size);
    request.set_page_token(page_token);
    return customers.GetContactHistory(Context().get(), request, history);
  }

  // The customer's revisits by id, as ListRevisits shows them.
  std::map<std::string, v1::Revisit> ListedRevisits(const std::string& customer) {
    std::map<std::string, v1::Revisit> by_id;
    for (v1::Revisit& revisit : test_support::ListedRevisits(channel(), customer)) by_id[revisit.id()] = revisit;
    return by_id;
  }
};

TEST_P(ContactHistoryE2eTest, EveryContactComesBackNewestFirstInPagesMaskedForOperators) {
  ASSERT_NO_FATAL_FAILURE(AddCustomer("c1"));
  auto messages = v1::MessageService::NewStub(channel());
  auto callbacks = v1::CallbackService::NewStub(channel());

  // The survey SMS after her first delivery: delivered, and she thanks us.
  std::string sms_id = RecordEvent("delivered-1", "c1", v1::TRIGGER_ORDER_DELIVERED, absl::Hours(96));
  v1::FetchOutboxRequest fetch;
  fetch.set_channel(v1::CHANNEL_SMS);
  fetch.set_max_count(1);
  fetch.mutable_lease_duration()->set_seconds(60);
  v1::FetchOutboxResponse outbox;
  ASSERT_TRUE(messages->FetchOutbox(Context().get(), fetch, &outbox).ok());
  ASSERT_EQ(outbox.messages_size(), 1);
  ASSERT_EQ(outbox.messages(0).id(), sms_id);
  v1::ReportDeliveryRequest delivery;
  delivery.set_message_id(sms_id);
  delivery.set_lease_token(outbox.messages(0).lease_token());
  delivery.set_outcome(v1::DELIVERY_OUTCOME_DELIVERED);
  delivery.set_provider_message_id("smsc-1001");
  v1::ReportDeliveryResponse delivered;
  ASSERT_TRUE(messages->ReportDelivery(Context().get(), delivery, &delivered).ok());
  absl::Time thanked = absl::Now();
  EXPECT_FALSE(Reply(*messages, sms_id, "收到了，谢谢", thanked).opted_out());

  // The complaint call: she asks to be called back in a moment, and the
  // second call takes her answers, which are poor.
  std::string call_id = RecordEvent("complaint-1", "c1", v1::TRIGGER_COMPLAINT_CLOSED, absl::Hours(48));
  v1::Callback first = FetchCallback(*callbacks, kQueue, "");
  ASSERT_EQ(first.id(), call_id);
  google::protobuf::Timestamp in_a_moment = At(absl::Now() + absl::Seconds(1));
  Report(*callbacks, first, v1::CALL_OUTCOME_CALL_BACK_LATER, "在开会，稍后再打", &in_a_moment);
  v1::Callback second = FetchCallback(*callbacks, kQueue, "");
  ASSERT_EQ(second.id(), call_id);
  v1::SubmitResponseRequest answers;
  answers.mutable_callback()->set_callback_id(second.id());
  answers.mutable_callback()->set_lease_token(second.lease_token());
  answers.mutable_callback()->set_agent_id("agent-7");
  auto answer = [&](const char* code, int score, const char* text) {
    v1::Answer& added = *answers.add_answers();
    added.set_item_code(code);
    added.set_score(score);
    added.set_text(text);
  };
  for (const char* code : {"problem_solved", "response_speed", "solution_fairness", "agent_attitude", "buy_again"}) {
    answer(code, 2, "");
  }
  answer("overall", 1, "");
  answer("comment", 0, "等了三天才有人处理");
  v1::Response stored;
  grpc::Status status = v1::ResponseService::NewStub(channel())->SubmitResponse(Context().get(), answers, &stored);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_FALSE(stored.recovery_revisit_id().empty()) << "a low score opens a recovery call";
  Report(*callbacks, second, v1::CALL_OUTCOME_COMPLETED, "客户对处理结果不满意");

  // The recovery call, reserved for the agent who took the answers: she
  // asks never to be called again.
  v1::Callback recovery = FetchCallback(*callbacks, "", "agent-7");
  ASSERT_EQ(recovery.id(), stored.recovery_revisit_id());
  Report(*callbacks, recovery, v1::CALL_OUTCOME_DO_NOT_CALL, "客户要求不要再来电");

  // And she unsubscribes from the SMS.
  absl::Time unsubscribed = absl::Now();
  EXPECT_TRUE(Reply(*messages, sms_id, "TD", unsubscribed).opted_out());

  // What the other reads say, to hold the history against.
  std::map<std::string, v1::Revisit> revisits = ListedRevisits("c1");
  ASSERT_EQ(revisits.size(), 3u);
  v1::ListDoNotCallResponse do_not_call;
  ASSERT_TRUE(stub_->ListDoNotCall(Context().get(), {}, &do_not_call).ok());
  ASSERT_EQ(do_not_call.entries_size(), 1);
  ASSERT_EQ(do_not_call.entries(0).phone(), kPhone);

  // Pages of two, newest first.
  std::vector<v1::GetContactHistoryResponse> pages;
  std::string token;
  do {
    v1::GetContactHistoryResponse page;
    status = History(*stub_, "c1", &page, 2, token);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_LE(page.entries_size(), 2);
    token = page.next_page_token();
    pages.push_back(std::move(page));
  } while (!token.empty() && pages.size() < 10);
  ASSERT_EQ(pages.size(), 3u);
  std::vector<v1::ContactHistoryEntry> entries;
  for (const v1::GetContactHistoryResponse& page : pages) {
    entries.insert(entries.end(), page.entries().begin(), page.entries().end());
    EXPECT_TRUE(page.opted_out().sms()) << "replied TD";
    EXPECT_FALSE(page.opted_out().phone()) << "the number is on the do-not-call list; the flag is the shop's";
  }
  ASSERT_EQ(entries.size(), 5u);
  for (size_t i = 1; i < entries.size(); ++i) {
    EXPECT_GE(Micros(entries[i - 1].time()), Micros(entries[i].time())) << "entry " << i;
  }

  // 1. The TD reply, when it came.
  ASSERT_TRUE(entries[0].has_opt_out());
  const v1::OptOut& td = entries[0].opt_out();
  EXPECT_EQ(td.channel(), v1::CHANNEL_SMS);
  EXPECT_EQ(td.reply().revisit_id(), sms_id);
  EXPECT_EQ(td.reply().text(), "TD");
  EXPECT_TRUE(td.reply().opted_out());
  EXPECT_EQ(Micros(entries[0].time()), absl::ToUnixMicros(unsubscribed));

  // 2. Her number on the do-not-call list, when the recovery call put it there.
  ASSERT_TRUE(entries[1].opt_out().has_do_not_call());
  EXPECT_EQ(entries[1].opt_out().channel(), v1::CHANNEL_PHONE);
  EXPECT_TRUE(MessageDifferencer::Equals(entries[1].opt_out().do_not_call(), do_not_call.entries(0)))
      << entries[1].DebugString();
  EXPECT_EQ(entries[1].opt_out().do_not_call().reason(), "asked during a callback");
  EXPECT_EQ(Micros(entries[1].time()), Micros(do_not_call.entries(0).create_time()));

  // 3. The recovery call, and the answers that opened it.
  ASSERT_TRUE(entries[2].has_revisit());
  const v1::RevisitHistory& recovery_history = entries[2].revisit();
  EXPECT_TRUE(MessageDifferencer::Equals(recovery_history.revisit(), revisits[recovery.id()]))
      << recovery_history.revisit().DebugString();
  EXPECT_EQ(recovery_history.revisit().trigger(), v1::TRIGGER_LOW_SCORE);
  EXPECT_EQ(recovery_history.revisit().state(), v1::REVISIT_STATE_STOPPED);
  EXPECT_EQ(recovery_history.recovery_for_response_id(), stored.id());
  ASSERT_EQ(recovery_history.call_attempts_size(), 1);
  EXPECT_EQ(recovery_history.call_attempts(0).number(), 1);
  EXPECT_EQ(recovery_history.call_attempts(0).outcome(), v1::CALL_OUTCOME_DO_NOT_CALL);
  EXPECT_EQ(recovery_history.call_attempts(0).agent_id(), "agent-7");
  EXPECT_EQ(recovery_history.call_attempts(0).notes(), "客户要求不要再来电");
  EXPECT_FALSE(recovery_history.has_response());
  EXPECT_EQ(recovery_history.deliveries_size(), 0);
  EXPECT_EQ(Micros(entries[2].time()), Micros(recovery_history.revisit().create_time()));

  // 4. The complaint call: two attempts, and the answers with their scores and comment.
  ASSERT_TRUE(entries[3].has_revisit());
  const v1::RevisitHistory& call_history = entries[3].revisit();
  EXPECT_TRUE(MessageDifferencer::Equals(call_history.revisit(), revisits[call_id]))
      << call_history.revisit().DebugString();
  EXPECT_EQ(call_history.revisit().trigger(), v1::TRIGGER_COMPLAINT_CLOSED);
  EXPECT_EQ(call_history.revisit().state(), v1::REVISIT_STATE_COMPLETED);
  ASSERT_EQ(call_history.call_attempts_size(), 2);
  EXPECT_EQ(call_history.call_attempts(0).number(), 1);
  EXPECT_EQ(call_history.call_attempts(0).outcome(), v1::CALL_OUTCOME_CALL_BACK_LATER);
  EXPECT_EQ(call_history.call_attempts(0).notes(), "在开会，稍后再打");
  EXPECT_EQ(call_history.call_attempts(1).number(), 2);
  EXPECT_EQ(call_history.call_attempts(1).outcome(), v1::CALL_OUTCOME_COMPLETED);
  EXPECT_EQ(call_history.call_attempts(1).agent_id(), "agent-7");
  EXPECT_EQ(call_history.call_attempts(1).notes(), "客户对处理结果不满意");
  EXPECT_TRUE(MessageDifferencer::Equals(call_history.response(), stored)) << call_history.response().DebugString();
  ASSERT_EQ(call_history.response().answers_size(), 7);
  EXPECT_EQ(call_history.response().recovery_revisit_id(), recovery.id());
  EXPECT_TRUE(call_history.recovery_for_response_id().empty());
  EXPECT_EQ(Micros(entries[3].time()), Micros(call_history.revisit().create_time()));

  // 5. The SMS: delivered, and both her replies.
  ASSERT_TRUE(entries[4].has_revisit());
  const v1::RevisitHistory& sms_history = entries[4].revisit();
  EXPECT_TRUE(MessageDifferencer::Equals(sms_history.revisit(), revisits[sms_id]))
      << sms_history.revisit().DebugString();
  EXPECT_EQ(sms_history.revisit().channel(), v1::CHANNEL_SMS);
  ASSERT_EQ(sms_history.deliveries_size(), 1);
  EXPECT_TRUE(MessageDifferencer::Equals(sms_history.deliveries(0), delivered.attempt()))
      << sms_history.deliveries(0).DebugString();
  EXPECT_EQ(sms_history.deliveries(0).outcome(), v1::DELIVERY_OUTCOME_DELIVERED);
  EXPECT_EQ(sms_history.deliveries(0).provider_message_id(), "smsc-1001");
  ASSERT_EQ(sms_history.replies_size(), 2);
  EXPECT_EQ(sms_history.replies(0).text(), "收到了，谢谢");
  EXPECT_FALSE(sms_history.replies(0).opted_out());
  EXPECT_EQ(Micros(sms_history.replies(0).receive_time()), absl::ToUnixMicros(thanked));
  EXPECT_TRUE(MessageDifferencer::Equals(sms_history.replies(1), td.reply()));
  EXPECT_EQ(sms_history.call_attempts_size(), 0);
  EXPECT_FALSE(sms_history.has_response());

  // An operator's key sees the number masked and everything else alike.
  auto as_operator = v1::CustomerService::NewStub(ChannelAs(v1::ROLE_OPERATOR));
  v1::GetContactHistoryResponse masked;
  status = History(*as_operator, "c1", &masked, 2);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(masked.entries_size(), 2);
  EXPECT_EQ(masked.entries(1).opt_out().do_not_call().phone(), kMaskedPhone);
  masked.mutable_entries(1)->mutable_opt_out()->mutable_do_not_call()->set_phone(kPhone);
  EXPECT_TRUE(MessageDifferencer::Equals(masked, pages[0])) << masked.DebugString();
}

TEST_P(ContactHistoryE2eTest, ABoundDialerKeyReadsOnlyTheCustomerWhoseCallItHolds) {
  ASSERT_NO_FATAL_FAILURE(AddCustomer("c1"));
  ASSERT_NO_FATAL_FAILURE(AddCustomer("c2"));
  std::string call_id = RecordEvent("complaint-1", "c1", v1::TRIGGER_COMPLAINT_CLOSED, absl::Hours(48));
  v1::ApiKey bound;
  bound.set_queue(kQueue);
  std::shared_ptr<grpc::Channel> queue_dialer = ChannelAs(v1::ROLE_DIALER, bound);
  auto as_queue_dialer = v1::CustomerService::NewStub(queue_dialer);
  v1::GetContactHistoryResponse history;
  ExpectError(History(*as_queue_dialer, "c1", &history), grpc::StatusCode::PERMISSION_DENIED, "customer_external_id");

  // While it holds her call, the key reads her history, her number whole.
  auto callbacks = v1::CallbackService::NewStub(queue_dialer);
  v1::Callback call = FetchCallback(*callbacks, kQueue, "");
  ASSERT_EQ(call.id(), call_id);
  grpc::Status status = History(*as_queue_dialer, "c1", &history);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(history.entries_size(), 1);
  EXPECT_EQ(history.entries(0).revisit().revisit().id(), call_id);
  EXPECT_EQ(history.entries(0).revisit().revisit().state(), v1::REVISIT_STATE_LEASED);
  // Not another customer's, nor whether a customer exists.
  ExpectError(History(*as_queue_dialer, "c2", &history), grpc::StatusCode::PERMISSION_DENIED, "customer_external_id");
  ExpectError(History(*as_queue_dialer, "c404", &history), grpc::StatusCode::PERMISSION_DENIED, "customer_external_id");
  // A key bound to another agent holds none of her calls.
  v1::ApiKey other_agent;
  other_agent.set_agent_id("agent-9");
  auto as_other_agent = v1::CustomerService::NewStub(ChannelAs(v1::ROLE_DIALER, other_agent));
  ExpectError(History(*as_other_agent, "c1", &history), grpc::StatusCode::PERMISSION_DENIED, "customer_external_id");
  // An unbound dialer key may fetch any queue's calls, so it reads anyone's.
  auto as_dialer = v1::CustomerService::NewStub(ChannelAs(v1::ROLE_DIALER));
  status = History(*as_dialer, "c2", &history);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(history.entries_size(), 0) << "no contact yet";
  EXPECT_TRUE(history.next_page_token().empty());

  // Once the call is given back, the key holds it no more.
  v1::ReleaseCallbackRequest release;
  release.set_callback_id(call.id());
  release.set_lease_token(call.lease_token());
  v1::Callback released;
  ASSERT_TRUE(callbacks->ReleaseCallback(Context().get(), release, &released).ok());
  ExpectError(History(*as_queue_dialer, "c1", &history), grpc::StatusCode::PERMISSION_DENIED, "customer_external_id");
}

TEST_P(ContactHistoryE2eTest, BadRequestsAreRefusedNamingTheField) {
  ASSERT_NO_FATAL_FAILURE(AddCustomer("c1"));
  ASSERT_NO_FATAL_FAILURE(AddCustomer("c2"));
  RecordEvent("delivered-1", "c1", v1::TRIGGER_ORDER_DELIVERED, absl::Hours(96));
  RecordEvent("complaint-1", "c1", v1::TRIGGER_COMPLAINT_CLOSED, absl::Hours(48));
  v1::GetContactHistoryResponse first;
  ASSERT_TRUE(History(*stub_, "c1", &first, 1).ok());
  ASSERT_EQ(first.entries_size(), 1);
  ASSERT_FALSE(first.next_page_token().empty());

  v1::GetContactHistoryResponse history;
  ExpectError(History(*stub_, "", &history), grpc::StatusCode::INVALID_ARGUMENT, "customer_external_id");
  ExpectError(History(*stub_, "no spaces please", &history), grpc::StatusCode::INVALID_ARGUMENT,
              "customer_external_id");
  ExpectError(History(*stub_, std::string(129, 'c'), &history), grpc::StatusCode::INVALID_ARGUMENT,
              "customer_external_id");
  ExpectError(History(*stub_, "c404", &history), grpc::StatusCode::NOT_FOUND, "customer 'c404'");
  ExpectError(History(*stub_, "c1", &history, -1), grpc::StatusCode::INVALID_ARGUMENT, "page_size");
  ExpectError(History(*stub_, "c1", &history, 1, "garbled!"), grpc::StatusCode::INVALID_ARGUMENT, "page_token");
  ExpectError(History(*stub_, "c2", &history, 1, first.next_page_token()), grpc::StatusCode::INVALID_ARGUMENT,
              "page_token");
  std::string forged = EncodePageToken({.filter = "contact-history;customer=c1", .after_key = "1:9:1"});
  ExpectError(History(*stub_, "c1", &history, 1, forged), grpc::StatusCode::INVALID_ARGUMENT, "page_token");
  v1::ListRevisitsRequest list;
  list.set_customer_external_id("c1");
  list.set_page_size(1);
  v1::ListRevisitsResponse listed;
  ASSERT_TRUE(v1::RevisitService::NewStub(channel())->ListRevisits(Context().get(), list, &listed).ok());
  ASSERT_FALSE(listed.next_page_token().empty());
  ExpectError(History(*stub_, "c1", &history, 1, listed.next_page_token()), grpc::StatusCode::INVALID_ARGUMENT,
              "page_token");

  // The token still leads on: the newest first, then the other.
  v1::GetContactHistoryResponse second;
  ASSERT_TRUE(History(*stub_, "c1", &second, 1, first.next_page_token()).ok());
  ASSERT_EQ(second.entries_size(), 1);
  EXPECT_TRUE(second.next_page_token().empty());
  EXPECT_EQ(first.entries(0).revisit().revisit().trigger(), v1::TRIGGER_COMPLAINT_CLOSED);
  EXPECT_EQ(second.entries(0).revisit().revisit().trigger(), v1::TRIGGER_ORDER_DELIVERED);
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(ContactHistoryE2eTest);

}  // namespace
}  // namespace satisfaction
