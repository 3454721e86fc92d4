// RevisitService end to end, with the default rules from templates/: events of
// real customers become revisits inside each customer's own hours.
#include <grpcpp/grpcpp.h>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "satisfaction/v1/callback.grpc.pb.h"
#include "satisfaction/v1/customer.grpc.pb.h"
#include "satisfaction/v1/questionnaire.grpc.pb.h"
#include "satisfaction/v1/revisit.grpc.pb.h"
#include "tests/e2e/e2e_fixture.h"

namespace satisfaction {
namespace {

using test_support::Context;
using test_support::ExpectError;

class RevisitE2eTest : public test_support::ServiceE2eTest<v1::RevisitService> {
 protected:
  RevisitE2eTest() : ServiceE2eTest({.templates = test_support::Templates::kRepository}) {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServiceE2eTest::SetUp());
    customers_ = v1::CustomerService::NewStub(channel());
    AddCustomer("shanghai", "Asia/Shanghai", /*consent=*/true);
    AddCustomer("new-york", "America/New_York", /*consent=*/true);
    AddCustomer("no-consent", "Asia/Shanghai", /*consent=*/false);
  }

  void AddCustomer(const std::string& id, const std::string& zone, bool consent) {
    v1::UpsertCustomerRequest request;
    v1::Customer& c = *request.mutable_customer();
    c.set_external_id(id);
    c.set_phone("+8613912345678");
    c.set_time_zone(zone);
    c.set_serving_agent_id("agent-li");
    c.mutable_consent()->set_sms(consent);
    c.mutable_consent()->set_phone(consent);
    v1::UpsertCustomerResponse response;
    ASSERT_TRUE(customers_->UpsertCustomer(Context().get(), request, &response).ok());
  }

  static v1::Event Event(const std::string& id, const std::string& customer, v1::Trigger trigger, absl::Time at) {
    v1::Event event;
    event.set_event_id(id);
    event.set_customer_external_id(customer);
    event.set_trigger(trigger);
    event.mutable_occur_time()->set_seconds(absl::ToUnixSeconds(at));
    return event;
  }

  grpc::Status Record(const v1::Event& event, v1::RecordEventResponse* response) {
    v1::RecordEventRequest request;
    *request.mutable_event() = event;
    return stub_->RecordEvent(Context().get(), request, response);
  }

  static absl::CivilSecond LocalTime(const google::protobuf::Timestamp& t, const std::string& zone_name) {
    absl::TimeZone zone;
    EXPECT_TRUE(absl::LoadTimeZone(zone_name, &zone));
    return zone.At(absl::FromUnixSeconds(t.seconds())).cs;
  }

  std::unique_ptr<v1::CustomerService::Stub> customers_;
};

TEST_P(RevisitE2eTest, ADeliveryToANewCustomerPlansAnSmsSurveyInTheirOwnHours) {
  for (const std::string customer : {"shanghai", "new-york"}) {
    SCOPED_TRACE(customer);
    v1::RecordEventResponse response;
    ASSERT_TRUE(
        Record(Event("delivered-" + customer, customer, v1::TRIGGER_ORDER_DELIVERED, absl::Now()), &response).ok());
    EXPECT_TRUE(response.created());
    ASSERT_EQ(response.revisits_size(), 1);
    const v1::Revisit& revisit = response.revisits(0);
    EXPECT_EQ(revisit.rule_id(), "new-customer-delivery-survey");
    EXPECT_EQ(revisit.channel(), v1::CHANNEL_SMS);
    EXPECT_EQ(revisit.questionnaire_id(), "post-delivery");
    EXPECT_GE(revisit.due_time().seconds(), absl::ToUnixSeconds(absl::Now() + absl::Hours(72)) - 60);
    absl::CivilSecond local =
        LocalTime(revisit.due_time(), customer == "shanghai" ? "Asia/Shanghai" : "America/New_York");
    EXPECT_GE(local.hour(), 8) << "no messages before 08:00 local";
    EXPECT_LT(local.hour(), 21) << "no messages after 21:00 local";
  }
}

TEST_P(RevisitE2eTest, RecordingAnEventAgainChangesNothing) {
  v1::Event event = Event("e-1", "shanghai", v1::TRIGGER_ORDER_DELIVERED, absl::Now());
  v1::RecordEventResponse first, second;
  ASSERT_TRUE(Record(event, &first).ok());
  ASSERT_TRUE(Record(event, &second).ok());
  EXPECT_FALSE(second.created());
  ASSERT_EQ(second.revisits_size(), 1);
  EXPECT_EQ(second.revisits(0).id(), first.revisits(0).id());
  v1::ListRevisitsRequest list;
  list.set_customer_external_id("shanghai");
  v1::ListRevisitsResponse listed;
  ASSERT_TRUE(stub_->ListRevisits(Context().get(), list, &listed).ok());
  EXPECT_EQ(listed.revisits_size(), 1);
}

TEST_P(RevisitE2eTest, AClosedComplaintPlansACallReservedForTheAgent) {
  v1::Event event = Event("complaint-9", "shanghai", v1::TRIGGER_COMPLAINT_CLOSED, absl::Now());
  event.set_case_id("case-9");
  event.set_serving_agent_id("agent-wang");
  v1::RecordEventResponse response;
  ASSERT_TRUE(Record(event, &response).ok());
  ASSERT_EQ(response.revisits_size(), 1);
  EXPECT_EQ(response.revisits(0).channel(), v1::CHANNEL_PHONE);
  EXPECT_EQ(response.revisits(0).reserved_agent_id(), "agent-wang");
  EXPECT_EQ(response.revisits(0).max_attempts(), 4);
  absl::CivilSecond local = LocalTime(response.revisits(0).due_time(), "Asia/Shanghai");
  EXPECT_GE(local.hour(), 9);
  EXPECT_LT(local.hour(), 21);
}

TEST_P(RevisitE2eTest, ARuleWhoseQuestionnaireIsArchivedPlansNothingAndSaysWhy) {
  v1::ArchiveQuestionnaireRequest archive;
  archive.set_id("post-delivery");
  v1::Questionnaire archived;
  ASSERT_TRUE(
      v1::QuestionnaireService::NewStub(channel())->ArchiveQuestionnaire(Context().get(), archive, &archived).ok());
  v1::RecordEventResponse response;
  ASSERT_TRUE(Record(Event("delivered-1", "shanghai", v1::TRIGGER_ORDER_DELIVERED, absl::Now()), &response).ok());
  EXPECT_EQ(response.revisits_size(), 0) << "no new revisit may use an archived questionnaire";
  ASSERT_EQ(response.skipped_size(), 1);
  EXPECT_EQ(response.skipped(0).rule_id(), "new-customer-delivery-survey");
  EXPECT_TRUE(absl::StrContains(response.skipped(0).reason(), "'post-delivery' is archived"))
      << response.skipped(0).reason();
}

TEST_P(RevisitE2eTest, MovingACustomerToAnotherZonePlansTheirCallsAgainInTheirNewHours) {
  v1::RecordEventResponse recorded;  // a call, in the default hours: 09:00-21:00
  ASSERT_TRUE(
      Record(Event("complaint-1", "shanghai", v1::TRIGGER_COMPLAINT_CLOSED, absl::Now() - absl::Hours(48)), &recorded)
          .ok());
  ASSERT_EQ(recorded.revisits_size(), 1);
  const std::string id = recorded.revisits(0).id();
  // Whether the callback is due at a time inside 09:00-21:00 in `zone`.
  auto due_inside_hours = [&](const std::string& zone) {
    v1::ListRevisitsRequest list;
    list.set_customer_external_id("shanghai");
    v1::ListRevisitsResponse listed;
    EXPECT_TRUE(stub_->ListRevisits(Context().get(), list, &listed).ok());
    EXPECT_EQ(listed.revisits_size(), 1);
    if (listed.revisits_size() != 1) return false;
    EXPECT_EQ(listed.revisits(0).id(), id);
    absl::CivilSecond local = LocalTime(listed.revisits(0).due_time(), zone);
    return local.hour() >= 9 && local.hour() < 21;
  };
  auto move_to = [&](const std::string& zone) {
    v1::UpsertCustomerRequest request;
    v1::Customer& c = *request.mutable_customer();
    c.set_external_id("shanghai");
    c.set_phone("+8613912345678");
    c.set_time_zone(zone);
    c.set_serving_agent_id("agent-li");
    c.mutable_consent()->set_sms(true);
    c.mutable_consent()->set_phone(true);
    v1::UpsertCustomerResponse response;
    ASSERT_TRUE(customers_->UpsertCustomer(Context().get(), request, &response).ok());
  };
  auto fetch = [&] {
    v1::FetchDueCallbacksRequest request;
    request.set_agent_id("agent-li");
    request.set_max_count(1);
    request.mutable_lease_duration()->set_seconds(30);
    v1::FetchDueCallbacksResponse fetched;
    EXPECT_TRUE(v1::CallbackService::NewStub(channel())->FetchDueCallbacks(Context().get(), request, &fetched).ok());
    return fetched.callbacks_size();
  };
  ASSERT_TRUE(due_inside_hours("Asia/Shanghai"));
  move_to("America/New_York");
  EXPECT_TRUE(due_inside_hours("America/New_York"));
  absl::TimeZone new_york, shanghai;
  ASSERT_TRUE(absl::LoadTimeZone("America/New_York", &new_york));
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &shanghai));
  // An hour's margin before the window closes, and before it opens: the test
  // takes a moment, and the hours must not change under it.
  auto open_now = [](const absl::TimeZone& zone) {
    int hour = zone.At(absl::Now()).cs.hour();
    return hour >= 9 && hour < 20;
  };
  auto closed_now = [](const absl::TimeZone& zone) {
    int hour = zone.At(absl::Now()).cs.hour();
    return hour >= 21 || hour < 8;
  };
  if (closed_now(new_york)) {
    EXPECT_EQ(fetch(), 0) << "outside the hours in New York";
    EXPECT_TRUE(due_inside_hours("America/New_York"));
  }
  move_to("Asia/Shanghai");
  EXPECT_TRUE(due_inside_hours("Asia/Shanghai")) << "back home, inside the hours at home";
  if (open_now(shanghai)) {
    EXPECT_EQ(fetch(), 1) << "callable at once";
  }
}

TEST_P(RevisitE2eTest, TheDoNotCallListTurnsCallsIntoMessages) {
  v1::AddDoNotCallRequest add;
  add.mutable_entry()->set_phone("+86 139 1234 5678");
  add.mutable_entry()->set_reason("asked not to be called");
  v1::DoNotCallEntry entry;
  ASSERT_TRUE(customers_->AddDoNotCall(Context().get(), add, &entry).ok());
  EXPECT_EQ(entry.phone(), "+8613912345678");
  v1::RecordEventResponse blocked;
  ASSERT_TRUE(Record(Event("complaint-a", "shanghai", v1::TRIGGER_COMPLAINT_CLOSED, absl::Now()), &blocked).ok());
  ASSERT_EQ(blocked.revisits_size(), 1);
  EXPECT_EQ(blocked.revisits(0).channel(), v1::CHANNEL_SMS) << "the rule's fallback";

  v1::RemoveDoNotCallRequest remove;
  remove.set_phone("+8613912345678");
  ASSERT_TRUE(customers_->RemoveDoNotCall(Context().get(), remove, &entry).ok());
  v1::RecordEventResponse allowed;
  ASSERT_TRUE(Record(Event("complaint-b", "new-york", v1::TRIGGER_COMPLAINT_CLOSED, absl::Now()), &allowed).ok());
  ASSERT_EQ(allowed.revisits_size(), 1);
  EXPECT_EQ(allowed.revisits(0).channel(), v1::CHANNEL_PHONE);
}

TEST_P(RevisitE2eTest, WithoutConsentNothingIsPlannedAndTheReasonIsGiven) {
  v1::RecordEventResponse response;
  ASSERT_TRUE(Record(Event("e-2", "no-consent", v1::TRIGGER_ORDER_DELIVERED, absl::Now()), &response).ok());
  EXPECT_EQ(response.revisits_size(), 0);
  ASSERT_EQ(response.skipped_size(), 1);
  EXPECT_TRUE(absl::StrContains(response.skipped(0).reason(), "opted out")) << response.skipped(0).reason();
}

TEST_P(RevisitE2eTest, LocalTimesAreReadOnTheCustomersOwnClock) {
  v1::Event event = Event("local", "shanghai", v1::TRIGGER_ORDER_DELIVERED, absl::Now());
  event.clear_occur_time();
  event.set_occur_local_time("2026-11-23 10:00:00");
  v1::RecordEventResponse response;
  grpc::Status status = Record(event, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.event().occur_time().seconds(),
            absl::ToUnixSeconds(absl::FromCivil(absl::CivilSecond(2026, 11, 23, 2, 0, 0), absl::UTCTimeZone())));

  // 02:30 on 8 March 2026 never happened in New York: the clocks went from 02:00 to 03:00.
  event = Event("in-the-gap", "new-york", v1::TRIGGER_ORDER_DELIVERED, absl::Now());
  event.clear_occur_time();
  event.set_occur_local_time("2026-03-08T02:30:00");
  status = Record(event, &response);
  ExpectError(status, grpc::StatusCode::INVALID_ARGUMENT, "event.occur_local_time:");
  EXPECT_TRUE(absl::StrContains(status.error_message(), "does not exist")) << status.error_message();

  // Nothing was written: the same id is free for the corrected time. 01:30 on
  // 1 November 2026 happened twice there; it means the first, in EDT.
  event.set_occur_local_time("2026-11-01T01:30:00");
  status = Record(event, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(response.created());
  EXPECT_EQ(response.event().occur_time().seconds(),
            absl::ToUnixSeconds(absl::FromCivil(absl::CivilSecond(2026, 11, 1, 5, 30, 0), absl::UTCTimeZone())));
}

TEST_P(RevisitE2eTest, BadEventsAreRefused) {
  struct Case {
    std::string name;
    std::function<void(v1::Event&)> spoil;
    grpc::StatusCode code;
    std::string field;
  };
  std::vector<Case> cases = {
      {"no id", [](auto& e) { e.clear_event_id(); }, grpc::StatusCode::INVALID_ARGUMENT, "event.event_id:"},
      {"no customer", [](auto& e) { e.clear_customer_external_id(); }, grpc::StatusCode::INVALID_ARGUMENT,
       "event.customer_external_id:"},
      {"no trigger", [](auto& e) { e.set_trigger(v1::TRIGGER_UNSPECIFIED); }, grpc::StatusCode::INVALID_ARGUMENT,
       "event.trigger:"},
      {"server's own trigger", [](auto& e) { e.set_trigger(v1::TRIGGER_LOW_SCORE); },
       grpc::StatusCode::INVALID_ARGUMENT, "event.trigger:"},
      {"unknown trigger", [](auto& e) { e.set_trigger(static_cast<v1::Trigger>(55)); },
       grpc::StatusCode::INVALID_ARGUMENT, "event.trigger:"},
      {"no time", [](auto& e) { e.clear_occur_time(); }, grpc::StatusCode::INVALID_ARGUMENT, "event.occur_time:"},
      {"future",
       [](auto& e) { e.mutable_occur_time()->set_seconds(absl::ToUnixSeconds(absl::Now() + absl::Hours(30))); },
       grpc::StatusCode::INVALID_ARGUMENT, "event.occur_time:"},
      {"two times", [](auto& e) { e.set_occur_local_time("2026-11-23T10:00:00"); }, grpc::StatusCode::INVALID_ARGUMENT,
       "event.occur_time:"},
      {"local time not a time",
       [](auto& e) {
         e.clear_occur_time();
         e.set_occur_local_time("2026-11-23T25:00:00");
       },
       grpc::StatusCode::INVALID_ARGUMENT, "event.occur_local_time:"},
      {"local time in the future",
       [](auto& e) {
         e.clear_occur_time();
         e.set_occur_local_time(
             absl::FormatCivilTime(absl::ToCivilSecond(absl::Now() + absl::Hours(48), absl::UTCTimeZone())));
       },
       grpc::StatusCode::INVALID_ARGUMENT, "event.occur_local_time:"},
      {"long case id", [](auto& e) { e.set_case_id(std::string(200, 'c')); }, grpc::StatusCode::INVALID_ARGUMENT,
       "event.case_id:"},
      {"unknown customer", [](auto& e) { e.set_customer_external_id("nobody"); }, grpc::StatusCode::NOT_FOUND, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    v1::Event event = Event("bad-event", "shanghai", v1::TRIGGER_ORDER_DELIVERED, absl::Now());
    c.spoil(event);
    v1::RecordEventResponse response;
    ExpectError(Record(event, &response), c.code, c.field);
  }
  v1::RecordEventRequest empty;
  v1::RecordEventResponse response;
  ExpectError(stub_->RecordEvent(Context().get(), empty, &response), grpc::StatusCode::INVALID_ARGUMENT, "event:");

  ASSERT_TRUE(Record(Event("shared", "shanghai", v1::TRIGGER_ORDER_DELIVERED, absl::Now()), &response).ok());
  ExpectError(Record(Event("shared", "new-york", v1::TRIGGER_ORDER_DELIVERED, absl::Now()), &response),
              grpc::StatusCode::FAILED_PRECONDITION);

  v1::ListRevisitsRequest list;
  v1::ListRevisitsResponse listed;
  ExpectError(stub_->ListRevisits(Context().get(), list, &listed), grpc::StatusCode::INVALID_ARGUMENT,
              "customer_external_id:");
  list.set_customer_external_id("nobody");
  ExpectError(stub_->ListRevisits(Context().get(), list, &listed), grpc::StatusCode::NOT_FOUND);
  list.set_customer_external_id("shanghai");
  list.set_page_token("abc");
  ExpectError(stub_->ListRevisits(Context().get(), list, &listed), grpc::StatusCode::INVALID_ARGUMENT, "page_token:");
  v1::ListRevisitsResponse all;
  list.clear_page_token();
  ASSERT_TRUE(stub_->ListRevisits(Context().get(), list, &all).ok());
  EXPECT_EQ(all.revisits_size(), 1) << "only the one good event planned anything";
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(RevisitE2eTest);

}  // namespace
}  // namespace satisfaction
