// FetchDueCallbacks for the agents of the call floor, on each backend: who
// gets the next callbacks under each of seed 003's rules, skills, and many
// agents on two servers at once.
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "satisfaction/v1/agent.grpc.pb.h"
#include "satisfaction/v1/callback.grpc.pb.h"
#include "satisfaction/v1/revisit.grpc.pb.h"
#include "satisfaction/v1/revisit_policy.grpc.pb.h"
#include "tests/e2e/complaint_calls.h"
#include "tests/e2e/e2e_fixture.h"

namespace satisfaction {
namespace {

using test_support::Context;
using test_support::ExpectError;

constexpr char kQueue[] = "complaints";

class AgentFetchE2eTest : public test_support::ServiceE2eTest<v1::CallbackService> {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServiceE2eTest::SetUp());
    ASSERT_NO_FATAL_FAILURE(test_support::AddComplaintCallRule(channel(), kQueue));
    agents_ = v1::AgentService::NewStub(channel());
  }

  // `count` customers, numbered from `first`, each with a callback due now.
  void AddCallbacks(int count, int first = 0, const std::string& serving_agent = "", const std::string& language = "") {
    for (int i = first; i < first + count; ++i) {
      v1::Customer customer;
      customer.set_external_id(absl::StrCat("c", i));
      customer.set_phone(absl::StrCat("+86139", 10000000 + i));
      customer.set_serving_agent_id(serving_agent);
      customer.set_language(language);
      ASSERT_NO_FATAL_FAILURE(test_support::AddCallableCustomer(channel(), customer));
      ASSERT_NO_FATAL_FAILURE(
          test_support::RecordClosedComplaint(channel(), absl::StrCat("complaint-", i), absl::StrCat("c", i)));
    }
  }

  void AddAgent(const std::string& id, int capacity = 10, std::vector<std::string> languages = {}) {
    v1::AgentSkills skills;
    for (const std::string& language : languages) skills.add_languages(language);
    ASSERT_NO_FATAL_FAILURE(AddSkilledAgent(id, skills, capacity));
  }

  void AddSkilledAgent(const std::string& id, const v1::AgentSkills& skills, int capacity = 10) {
    v1::CreateAgentRequest request;
    request.mutable_agent()->set_id(id);
    request.mutable_agent()->set_display_name(id);
    request.mutable_agent()->add_queues(kQueue);
    request.mutable_agent()->set_capacity(capacity);
    *request.mutable_agent()->mutable_skills() = skills;
    v1::Agent created;
    grpc::Status status = agents_->CreateAgent(Context().get(), request, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  void SignIn(const std::string& id) {
    v1::SignInRequest request;
    request.set_agent_id(id);
    v1::Agent agent;
    grpc::Status status = agents_->SignIn(Context().get(), request, &agent);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // Customer `id` in `region`, come by `source`, whose complaint about an
  // order on `platform` in `category` closed a minute ago: a callback due now.
  void AddRoutedCallback(const std::string& id, const std::string& region, const std::string& source,
                         const std::string& platform, const std::string& category) {
    v1::Customer customer;
    customer.set_external_id(id);
    customer.set_phone(absl::StrCat("+86139", 20000000 + callbacks_added_++));
    customer.set_region(region);
    customer.set_source(source);
    ASSERT_NO_FATAL_FAILURE(test_support::AddCallableCustomer(channel(), customer));
    v1::RecordEventRequest event;
    event.mutable_event()->set_event_id(absl::StrCat("complaint-", id));
    event.mutable_event()->set_customer_external_id(id);
    event.mutable_event()->set_trigger(v1::TRIGGER_COMPLAINT_CLOSED);
    *event.mutable_event()->mutable_occur_time() =
        google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now() - absl::Minutes(1)));
    event.mutable_event()->mutable_context()->set_platform(platform);
    event.mutable_event()->mutable_context()->set_product_category(category);
    v1::RecordEventResponse recorded;
    grpc::Status status = v1::RevisitService::NewStub(channel())->RecordEvent(Context().get(), event, &recorded);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(recorded.revisits_size(), 1);
  }

  // The customers of the callbacks `agent` gets when it fetches up to 10, in order.
  std::set<std::string> CustomersFetchedBy(const std::string& agent) {
    v1::FetchDueCallbacksResponse response;
    grpc::Status status = FetchAs(*stub_, agent, 10, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::set<std::string> customers;
    for (const v1::Callback& callback : response.callbacks()) customers.insert(callback.customer_external_id());
    return customers;
  }

  void SignOut(const std::string& id) {
    v1::SignOutRequest request;
    request.set_agent_id(id);
    v1::Agent agent;
    grpc::Status status = agents_->SignOut(Context().get(), request, &agent);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  void SetStrategy(v1::AssignmentStrategy strategy, std::vector<v1::RoutingAttribute> route_by = {}) {
    v1::UpdateQueueAssignmentRequest request;
    request.mutable_assignment()->set_queue(kQueue);
    request.mutable_assignment()->set_strategy(strategy);
    for (v1::RoutingAttribute attribute : route_by) request.mutable_assignment()->add_route_by(attribute);
    v1::QueueAssignment assignment;
    grpc::Status status = agents_->UpdateQueueAssignment(Context().get(), request, &assignment);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  grpc::Status FetchAs(v1::CallbackService::Stub& stub, const std::string& agent, int max_count,
                       v1::FetchDueCallbacksResponse* response, const std::string& queue = kQueue) {
    v1::FetchDueCallbacksRequest request;
    request.set_queue(queue);
    request.set_agent_id(agent);
    request.set_max_count(max_count);
    request.mutable_lease_duration()->set_seconds(600);
    return stub.FetchDueCallbacks(Context().get(), request, response);
  }

  // How many callbacks `agent` gets when it fetches up to `max_count`.
  int Fetch(const std::string& agent, int max_count = 10) {
    v1::FetchDueCallbacksResponse response;
    grpc::Status status = FetchAs(*stub_, agent, max_count, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.callbacks_size();
  }

  // Reports the first callback `agent` holds as not answered.
  void ReportOneCall(const std::string& agent) {
    v1::FetchDueCallbacksResponse response;
    ASSERT_TRUE(FetchAs(*stub_, agent, 1, &response).ok());
    ASSERT_EQ(response.callbacks_size(), 1);
    v1::ReportDispositionRequest report;
    report.set_callback_id(response.callbacks(0).id());
    report.set_lease_token(response.callbacks(0).lease_token());
    report.set_outcome(v1::CALL_OUTCOME_NO_ANSWER);
    v1::ReportDispositionResponse reported;
    grpc::Status status = stub_->ReportDisposition(Context().get(), report, &reported);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  std::unique_ptr<v1::AgentService::Stub> agents_;
  int callbacks_added_ = 0;
};

TEST_P(AgentFetchE2eTest, AnAgentGetsNothingUnlessSignedInAvailableAndWithRoom) {
  ASSERT_NO_FATAL_FAILURE(AddCallbacks(4));
  ASSERT_NO_FATAL_FAILURE(AddAgent("a1", /*capacity=*/3));
  EXPECT_EQ(Fetch("a1"), 0) << "signed out";
  ASSERT_NO_FATAL_FAILURE(SignIn("a1"));
  v1::SetAvailabilityRequest on_break;
  on_break.set_agent_id("a1");
  on_break.set_state(v1::AGENT_STATE_ON_BREAK);
  v1::Agent agent;
  ASSERT_TRUE(agents_->SetAvailability(Context().get(), on_break, &agent).ok());
  EXPECT_EQ(Fetch("a1"), 0) << "on a break";
  on_break.set_state(v1::AGENT_STATE_AVAILABLE);
  ASSERT_TRUE(agents_->SetAvailability(Context().get(), on_break, &agent).ok());
  EXPECT_EQ(Fetch("a1"), 3) << "at most its capacity";
  EXPECT_EQ(Fetch("a1"), 0) << "full";
  EXPECT_EQ(Fetch("dialer-agent"), 1) << "an agent the floor does not know fetches as before";

  v1::FetchDueCallbacksResponse response;
  ExpectError(FetchAs(*stub_, "a1", 10, &response, "vip"), grpc::StatusCode::FAILED_PRECONDITION,
              "queue: agent 'a1' does not work the queue 'vip'");
}

TEST_P(AgentFetchE2eTest, AnAgentWhoSignsOutMidLeaseStillReportsItsCallsButGetsNoMore) {
  ASSERT_NO_FATAL_FAILURE(AddCallbacks(3));
  ASSERT_NO_FATAL_FAILURE(AddAgent("a1"));
  ASSERT_NO_FATAL_FAILURE(SignIn("a1"));
  v1::FetchDueCallbacksResponse held;
  ASSERT_TRUE(FetchAs(*stub_, "a1", 2, &held).ok());
  ASSERT_EQ(held.callbacks_size(), 2);
  v1::SignOutRequest sign_out;
  sign_out.set_agent_id("a1");
  v1::Agent agent;
  ASSERT_TRUE(agents_->SignOut(Context().get(), sign_out, &agent).ok());
  EXPECT_EQ(agent.open_callbacks(), 2) << "its leases outlive the shift";

  // The call under way when the shift ended is still reported.
  v1::ReportDispositionRequest report;
  report.set_callback_id(held.callbacks(0).id());
  report.set_lease_token(held.callbacks(0).lease_token());
  report.set_outcome(v1::CALL_OUTCOME_COMPLETED);
  v1::ReportDispositionResponse reported;
  grpc::Status status = stub_->ReportDisposition(Context().get(), report, &reported);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(Fetch("a1"), 0) << "signed out";

  // Another agent takes what is left, and the rest once it is put back.
  ASSERT_NO_FATAL_FAILURE(AddAgent("a2"));
  ASSERT_NO_FATAL_FAILURE(SignIn("a2"));
  EXPECT_EQ(Fetch("a2"), 1);
  v1::ReleaseCallbackRequest release;
  release.set_callback_id(held.callbacks(1).id());
  release.set_lease_token(held.callbacks(1).lease_token());
  v1::Callback released;
  ASSERT_TRUE(stub_->ReleaseCallback(Context().get(), release, &released).ok());
  EXPECT_EQ(Fetch("a2"), 1);
}

TEST_P(AgentFetchE2eTest, RoundRobinGoesRoundTheAgentsInSignInOrder) {
  ASSERT_NO_FATAL_FAILURE(SetStrategy(v1::ASSIGNMENT_STRATEGY_ROUND_ROBIN));
  ASSERT_NO_FATAL_FAILURE(AddCallbacks(6));
  for (const char* id : {"a1", "a2", "a3"}) ASSERT_NO_FATAL_FAILURE(AddAgent(id));
  for (const char* id : {"a2", "a1", "a3"}) ASSERT_NO_FATAL_FAILURE(SignIn(id));  // a2 first
  // Of six callbacks each agent's turn comes twice, whoever asks first.
  EXPECT_EQ(Fetch("a3"), 2);
  EXPECT_EQ(Fetch("a3"), 0) << "a3 had its turns";
  EXPECT_EQ(Fetch("a1", 1), 1);
  EXPECT_EQ(Fetch("a2"), 2);
  EXPECT_EQ(Fetch("a1"), 1);
}

TEST_P(AgentFetchE2eTest, SequentialFillsTheFirstAgentSignedInFirst) {
  ASSERT_NO_FATAL_FAILURE(SetStrategy(v1::ASSIGNMENT_STRATEGY_SEQUENTIAL));
  ASSERT_NO_FATAL_FAILURE(AddCallbacks(5));
  ASSERT_NO_FATAL_FAILURE(AddAgent("a1", /*capacity=*/3));
  ASSERT_NO_FATAL_FAILURE(AddAgent("a2", /*capacity=*/3));
  ASSERT_NO_FATAL_FAILURE(SignIn("a1"));
  ASSERT_NO_FATAL_FAILURE(SignIn("a2"));
  // a1 takes three, so a2 gets only the two that a1 has no room for.
  EXPECT_EQ(Fetch("a2"), 2);
  EXPECT_EQ(Fetch("a1"), 3);
}

TEST_P(AgentFetchE2eTest, LoadBasedGivesTheLeastLoadedAgentTheNextCallbacks) {
  ASSERT_NO_FATAL_FAILURE(SetStrategy(v1::ASSIGNMENT_STRATEGY_LOAD_BASED));
  ASSERT_NO_FATAL_FAILURE(AddCallbacks(3));
  ASSERT_NO_FATAL_FAILURE(AddAgent("a1"));
  ASSERT_NO_FATAL_FAILURE(AddAgent("a2"));
  ASSERT_NO_FATAL_FAILURE(SignIn("a1"));
  ASSERT_NO_FATAL_FAILURE(SignIn("a2"));
  EXPECT_EQ(Fetch("a1", 1), 1);  // a1 holds one
  ASSERT_NO_FATAL_FAILURE(AddCallbacks(3, 3));
  // Five waiting: a2 first until level with a1, then turn about, a1 first.
  EXPECT_EQ(Fetch("a1"), 2);
  EXPECT_EQ(Fetch("a2"), 3);
}

TEST_P(AgentFetchE2eTest, FillUpGivesTheAgentWhoHandledFewestTodayTheNextCallbacks) {
  ASSERT_NO_FATAL_FAILURE(SetStrategy(v1::ASSIGNMENT_STRATEGY_FILL_UP));
  ASSERT_NO_FATAL_FAILURE(AddCallbacks(2));
  ASSERT_NO_FATAL_FAILURE(AddAgent("a1"));
  ASSERT_NO_FATAL_FAILURE(AddAgent("a2"));
  ASSERT_NO_FATAL_FAILURE(SignIn("a1"));
  ASSERT_NO_FATAL_FAILURE(SignIn("a2"));
  ASSERT_NO_FATAL_FAILURE(ReportOneCall("a1"));  // a1 handled one today, a2 none
  EXPECT_EQ(Fetch("a1"), 0) << "the last one waiting is a2's to fill up";
  ASSERT_NO_FATAL_FAILURE(ReportOneCall("a2"));  // one each now
  ASSERT_NO_FATAL_FAILURE(AddCallbacks(3, 2));
  // Three waiting, one handled each: a1 (signed in first), a2, then a1 again.
  EXPECT_EQ(Fetch("a2"), 1);
  EXPECT_EQ(Fetch("a1"), 2);
}

TEST_P(AgentFetchE2eTest, ReturningCustomersStayWithTheirAgentWhileItIsAvailable) {
  ASSERT_NO_FATAL_FAILURE(SetStrategy(v1::ASSIGNMENT_STRATEGY_RETURNING_CUSTOMER));
  ASSERT_NO_FATAL_FAILURE(AddCallbacks(2, 0, /*serving_agent=*/"a2"));
  ASSERT_NO_FATAL_FAILURE(AddAgent("a1"));
  ASSERT_NO_FATAL_FAILURE(AddAgent("a2"));
  ASSERT_NO_FATAL_FAILURE(SignIn("a1"));
  EXPECT_EQ(Fetch("a1", 1), 1) << "a2 is not signed in: its customers go to anyone";
  ASSERT_NO_FATAL_FAILURE(SignIn("a2"));
  EXPECT_EQ(Fetch("a1"), 0) << "a2 is back: its customer waits for it";
  EXPECT_EQ(Fetch("a2"), 1);
}

TEST_P(AgentFetchE2eTest, ACustomerWhoNeedsALanguageGoesOnlyToAnAgentWhoSpeaksIt) {
  ASSERT_NO_FATAL_FAILURE(AddCallbacks(1, 0, "", "en"));
  ASSERT_NO_FATAL_FAILURE(AddCallbacks(1, 1, "", "zh-CN"));
  ASSERT_NO_FATAL_FAILURE(AddAgent("zh", 10, {"zh-Hans-CN"}));
  ASSERT_NO_FATAL_FAILURE(AddAgent("en", 10, {"en-GB"}));
  ASSERT_NO_FATAL_FAILURE(SignIn("zh"));
  ASSERT_NO_FATAL_FAILURE(SignIn("en"));
  // "en" asks first: its share of the two waiting is one, and it is the
  // customer it can serve.
  v1::FetchDueCallbacksResponse response;
  ASSERT_TRUE(FetchAs(*stub_, "en", 10, &response).ok());
  ASSERT_EQ(response.callbacks_size(), 1);
  EXPECT_EQ(response.callbacks(0).customer_external_id(), "c0");
  ASSERT_TRUE(FetchAs(*stub_, "zh", 10, &response).ok());
  ASSERT_EQ(response.callbacks_size(), 1);
  EXPECT_EQ(response.callbacks(0).customer_external_id(), "c1");
}

TEST_P(AgentFetchE2eTest, ThirtyTwoAgentsOnTwoServersNeverGetTheSameCallback) {
  constexpr int kAgents = 32, kCallbacks = 120;
  ASSERT_NO_FATAL_FAILURE(AddCallbacks(kCallbacks));
  for (int i = 0; i < kAgents; ++i) {
    ASSERT_NO_FATAL_FAILURE(AddAgent(absl::StrCat("a", i), /*capacity=*/5));
    ASSERT_NO_FATAL_FAILURE(SignIn(absl::StrCat("a", i)));
  }
  std::unique_ptr<test_support::TestServer> second = StartServer();
  ASSERT_NE(second, nullptr);
  std::vector<std::shared_ptr<grpc::Channel>> channels = {channel(), second->channel()};

  absl::Mutex mutex;
  std::multiset<std::string> handed_out;
  std::atomic<int> failures = 0;
  std::vector<std::thread> agents;
  for (int i = 0; i < kAgents; ++i) {
    agents.emplace_back([&, i] {
      auto stub = v1::CallbackService::NewStub(channels[i % 2]);
      for (int round = 0; round < 3; ++round) {
        v1::FetchDueCallbacksResponse response;
        grpc::Status status = FetchAs(*stub, absl::StrCat("a", i), 2, &response);
        if (!status.ok()) {
          ++failures;
          continue;
        }
        absl::MutexLock lock(&mutex);
        for (const v1::Callback& callback : response.callbacks()) handed_out.insert(callback.id());
      }
    });
  }
  for (std::thread& agent : agents) agent.join();
  EXPECT_EQ(failures, 0);
  std::set<std::string> distinct(handed_out.begin(), handed_out.end());
  EXPECT_EQ(distinct.size(), handed_out.size()) << "a callback was handed out twice";
  EXPECT_GT(handed_out.size(), 0u);
  // Every callback handed out is held by the one agent it went to.
  v1::ListAgentsRequest list;
  list.set_page_size(200);
  v1::ListAgentsResponse listed;
  ASSERT_TRUE(agents_->ListAgents(Context().get(), list, &listed).ok());
  size_t held = 0;
  for (const v1::Agent& agent : listed.agents()) {
    EXPECT_LE(agent.open_callbacks(), agent.capacity()) << agent.id();
    held += agent.open_callbacks();
  }
  EXPECT_EQ(held, handed_out.size());
}

TEST_P(AgentFetchE2eTest, AnAdvancedQueueHandsAnAgentOnlyCustomersOfItsRegionsPlatformsAndSources) {
  ASSERT_NO_FATAL_FAILURE(
      SetStrategy(v1::ASSIGNMENT_STRATEGY_ADVANCED,
                  {v1::ROUTING_ATTRIBUTE_REGION, v1::ROUTING_ATTRIBUTE_PLATFORM, v1::ROUTING_ATTRIBUTE_SOURCE}));
  ASSERT_NO_FATAL_FAILURE(AddRoutedCallback("east-jd", "华东", "search", "京东", ""));
  ASSERT_NO_FATAL_FAILURE(AddRoutedCallback("south-tb", "华南", "live-stream", "淘宝", ""));
  ASSERT_NO_FATAL_FAILURE(AddRoutedCallback("east-tb", "华东", "search", "淘宝", ""));
  ASSERT_NO_FATAL_FAILURE(AddRoutedCallback("east-jd-live", "华东", "live-stream", "京东", ""));
  ASSERT_NO_FATAL_FAILURE(AddRoutedCallback("unknown", "", "", "", ""));
  v1::AgentSkills east;
  east.add_regions("华东");
  east.add_platforms("京东");
  east.add_sources("search");
  ASSERT_NO_FATAL_FAILURE(AddSkilledAgent("east", east));
  v1::AgentSkills south;
  south.add_regions("华南");
  south.add_platforms("淘宝");
  south.add_platforms("京东");
  south.add_sources("live-stream");
  ASSERT_NO_FATAL_FAILURE(AddSkilledAgent("south", south));

  // Alone on the floor, each agent takes every callback it can serve: those
  // whose region, platform and source it serves, or that name none.
  ASSERT_NO_FATAL_FAILURE(SignIn("east"));
  EXPECT_EQ(CustomersFetchedBy("east"), (std::set<std::string>{"east-jd", "unknown"}));
  ASSERT_NO_FATAL_FAILURE(SignOut("east"));
  ASSERT_NO_FATAL_FAILURE(SignIn("south"));
  EXPECT_EQ(CustomersFetchedBy("south"), (std::set<std::string>{"south-tb"}));
  // Nobody serves the rest: east-tb (淘宝 in 华东) and east-jd-live (华东 by live-stream).
  EXPECT_EQ(CustomersFetchedBy("south"), std::set<std::string>{});
}

TEST_P(AgentFetchE2eTest, ACallbackNamingAProductCategoryGoesOnlyToAnAgentWhoKnowsIt) {
  ASSERT_NO_FATAL_FAILURE(AddRoutedCallback("appliance", "", "", "", "家用电器"));
  ASSERT_NO_FATAL_FAILURE(AddRoutedCallback("clothes", "", "", "", "服装"));
  ASSERT_NO_FATAL_FAILURE(AddRoutedCallback("any", "", "", "", ""));
  v1::AgentSkills appliances;
  appliances.add_product_categories("家用电器");
  ASSERT_NO_FATAL_FAILURE(AddSkilledAgent("appliances", appliances));
  ASSERT_NO_FATAL_FAILURE(AddSkilledAgent("generalist", v1::AgentSkills()));

  ASSERT_NO_FATAL_FAILURE(SignIn("generalist"));
  EXPECT_EQ(CustomersFetchedBy("generalist"), (std::set<std::string>{"any"}));
  // The queue is load-based (no routing): the category holds on every queue.
  ASSERT_NO_FATAL_FAILURE(SignOut("generalist"));
  ASSERT_NO_FATAL_FAILURE(SignIn("appliances"));
  EXPECT_EQ(CustomersFetchedBy("appliances"), (std::set<std::string>{"appliance"}));
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(AgentFetchE2eTest);

// With the repository's templates: a fetched callback says why we call and
// how to open the call.
class CallScriptE2eTest : public test_support::ServiceE2eTest<v1::CallbackService> {
 protected:
  CallScriptE2eTest() : ServiceE2eTest({.templates = test_support::Templates::kRepository}) {}
};

TEST_P(CallScriptE2eTest, AFetchedCallbackCarriesItsTriggerLanguageAndOpeningLines) {
  // The standard complaint call is due the next day: one due now instead.
  v1::DisableRevisitRuleRequest disable;
  disable.set_id("complaint-closed-call");
  v1::RevisitRule disabled;
  ASSERT_TRUE(
      v1::RevisitPolicyService::NewStub(channel())->DisableRevisitRule(Context().get(), disable, &disabled).ok());
  ASSERT_NO_FATAL_FAILURE(test_support::AddComplaintCallRule(channel(), kQueue));
  for (const char* id : {"c1", "c2"}) {
    v1::Customer customer;
    customer.set_external_id(id);
    customer.set_name(id[1] == '1' ? "王芳" : "Mary");
    customer.set_language(id[1] == '1' ? "" : "en");
    customer.set_phone(id[1] == '1' ? "+8613912345678" : "+8613912345679");
    ASSERT_NO_FATAL_FAILURE(test_support::AddCallableCustomer(channel(), customer));
    ASSERT_NO_FATAL_FAILURE(test_support::RecordClosedComplaint(channel(), absl::StrCat("complaint-", id), id));
  }
  auto agents = v1::AgentService::NewStub(channel());
  v1::CreateAgentRequest create;
  create.mutable_agent()->set_id("a1");
  create.mutable_agent()->set_display_name("小王");
  create.mutable_agent()->add_queues(kQueue);
  create.mutable_agent()->set_capacity(5);
  create.mutable_agent()->mutable_skills()->add_languages("zh-CN");
  create.mutable_agent()->mutable_skills()->add_languages("en");
  v1::Agent agent;
  ASSERT_TRUE(agents->CreateAgent(Context().get(), create, &agent).ok());
  v1::SignInRequest sign_in;
  sign_in.set_agent_id("a1");
  ASSERT_TRUE(agents->SignIn(Context().get(), sign_in, &agent).ok());

  v1::FetchDueCallbacksRequest fetch;
  fetch.set_queue(kQueue);
  fetch.set_agent_id("a1");
  fetch.set_max_count(1);
  fetch.mutable_lease_duration()->set_seconds(60);
  v1::FetchDueCallbacksResponse fetched;
  ASSERT_TRUE(stub_->FetchDueCallbacks(Context().get(), fetch, &fetched).ok());
  ASSERT_EQ(fetched.callbacks_size(), 1);
  const v1::Callback& first = fetched.callbacks(0);
  EXPECT_EQ(first.trigger(), v1::TRIGGER_COMPLAINT_CLOSED);
  EXPECT_EQ(first.language(), "zh-CN") << "the shop's default for a customer who has none";
  EXPECT_TRUE(absl::StartsWith(first.call_script(), "王芳，您好！我是Satisfaction的客服小王。")) << first.call_script();
  EXPECT_TRUE(absl::StrContains(first.call_script(), "您之前反映的问题")) << first.call_script();

  // A dialer fetching by queue alone gets the lines without an agent's name,
  // in the customer's language.
  fetch.clear_agent_id();
  ASSERT_TRUE(stub_->FetchDueCallbacks(Context().get(), fetch, &fetched).ok());
  ASSERT_EQ(fetched.callbacks_size(), 1);
  EXPECT_EQ(fetched.callbacks(0).language(), "en");
  EXPECT_TRUE(
      absl::StartsWith(fetched.callbacks(0).call_script(), "Hello Mary, this is Satisfaction customer service."))
      << fetched.callbacks(0).call_script();
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(CallScriptE2eTest);

}  // namespace
}  // namespace satisfaction
