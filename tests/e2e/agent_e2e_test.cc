// AgentService end to end, on each backend: agents, their shift, what they
// hold and did today, queue assignments, and who may act for whom.
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>

#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "satisfaction/v1/agent.grpc.pb.h"
#include "satisfaction/v1/callback.grpc.pb.h"
#include "tests/e2e/complaint_calls.h"
#include "tests/e2e/e2e_fixture.h"

namespace satisfaction {
namespace {

using test_support::Context;
using test_support::ExpectError;

class AgentE2eTest : public test_support::ServiceE2eTest<v1::AgentService> {
 protected:
  static v1::Agent Agent(const std::string& id, std::vector<std::string> queues = {"complaints"}) {
    v1::Agent agent;
    agent.set_id(id);
    agent.set_display_name("小王 " + id);
    for (const std::string& queue : queues) agent.add_queues(queue);
    agent.set_capacity(5);
    return agent;
  }

  grpc::Status Create(const v1::Agent& agent, v1::Agent* out = nullptr) {
    v1::CreateAgentRequest request;
    *request.mutable_agent() = agent;
    v1::Agent created;
    return stub_->CreateAgent(Context().get(), request, out != nullptr ? out : &created);
  }

  grpc::Status Get(const std::string& id, v1::Agent* out) {
    v1::GetAgentRequest request;
    request.set_id(id);
    return stub_->GetAgent(Context().get(), request, out);
  }

  grpc::Status SignIn(v1::AgentService::Stub& stub, const std::string& id, v1::Agent* out = nullptr) {
    v1::SignInRequest request;
    request.set_agent_id(id);
    v1::Agent agent;
    return stub.SignIn(Context().get(), request, out != nullptr ? out : &agent);
  }
  grpc::Status SignIn(const std::string& id, v1::Agent* out = nullptr) { return SignIn(*stub_, id, out); }

  grpc::Status SignOut(const std::string& id, v1::Agent* out = nullptr) {
    v1::SignOutRequest request;
    request.set_agent_id(id);
    v1::Agent agent;
    return stub_->SignOut(Context().get(), request, out != nullptr ? out : &agent);
  }

  grpc::Status SetAvailability(const std::string& id, v1::AgentState state, v1::Agent* out = nullptr) {
    v1::SetAvailabilityRequest request;
    request.set_agent_id(id);
    request.set_state(state);
    v1::Agent agent;
    return stub_->SetAvailability(Context().get(), request, out != nullptr ? out : &agent);
  }
};

TEST_P(AgentE2eTest, AnAgentIsCreatedSignedOutAndReadsBackNormalized) {
  v1::Agent agent = Agent("a1", {"vip", "complaints"});
  agent.mutable_skills()->add_languages("zh-CN");
  agent.mutable_skills()->add_languages("en");
  agent.mutable_skills()->add_product_categories("家用电器");
  agent.mutable_skills()->add_regions("华东");
  agent.mutable_skills()->add_platforms("京东");
  agent.mutable_skills()->add_platforms("淘宝");
  agent.set_state(v1::AGENT_STATE_AVAILABLE);  // output only: ignored
  agent.set_handled_today(7);                  // output only: ignored
  v1::Agent created;
  ASSERT_TRUE(Create(agent, &created).ok());
  EXPECT_EQ(created.state(), v1::AGENT_STATE_SIGNED_OUT);
  EXPECT_FALSE(created.has_sign_in_time());
  EXPECT_EQ(created.handled_today(), 0);
  EXPECT_EQ(created.open_callbacks(), 0);
  EXPECT_TRUE(created.has_create_time());
  EXPECT_EQ(std::vector<std::string>(created.queues().begin(), created.queues().end()),
            (std::vector<std::string>{"complaints", "vip"}));
  EXPECT_EQ(std::vector<std::string>(created.skills().languages().begin(), created.skills().languages().end()),
            (std::vector<std::string>{"en", "zh-CN"}));

  v1::Agent read;
  ASSERT_TRUE(Get("a1", &read).ok());
  EXPECT_EQ(read.DebugString(), created.DebugString());
}

TEST_P(AgentE2eTest, UpdateReplacesTheSettingsAndKeepsTheShift) {
  ASSERT_TRUE(Create(Agent("a1")).ok());
  v1::Agent signed_in;
  ASSERT_TRUE(SignIn("a1", &signed_in).ok());
  v1::UpdateAgentRequest update;
  *update.mutable_agent() = Agent("a1", {"vip"});
  update.mutable_agent()->set_display_name("Wang");
  update.mutable_agent()->set_capacity(9);
  v1::Agent updated;
  ASSERT_TRUE(stub_->UpdateAgent(Context().get(), update, &updated).ok());
  EXPECT_EQ(updated.display_name(), "Wang");
  EXPECT_EQ(updated.capacity(), 9);
  ASSERT_EQ(updated.queues_size(), 1);
  EXPECT_EQ(updated.queues(0), "vip");
  EXPECT_EQ(updated.state(), v1::AGENT_STATE_AVAILABLE);
  EXPECT_EQ(updated.sign_in_time(), signed_in.sign_in_time());

  *update.mutable_agent() = Agent("nobody");
  ExpectError(stub_->UpdateAgent(Context().get(), update, &updated), grpc::StatusCode::NOT_FOUND, "agent 'nobody'");
}

TEST_P(AgentE2eTest, TheShiftMovesOnlyAsAShiftCan) {
  ASSERT_TRUE(Create(Agent("a1")).ok());
  ASSERT_TRUE(Create(Agent("a2")).ok());
  v1::Agent first, second;
  ASSERT_TRUE(SignIn("a1", &first).ok());
  ASSERT_TRUE(SignIn("a2", &second).ok());
  EXPECT_EQ(first.state(), v1::AGENT_STATE_AVAILABLE);
  EXPECT_LT(first.sign_in_time(), second.sign_in_time()) << "sign-in order is the order of sign-in times";
  ExpectError(SignIn("a1"), grpc::StatusCode::FAILED_PRECONDITION, "agent_id: agent 'a1' is signed in already");

  v1::Agent on_break;
  ASSERT_TRUE(SetAvailability("a1", v1::AGENT_STATE_ON_BREAK, &on_break).ok());
  EXPECT_EQ(on_break.state(), v1::AGENT_STATE_ON_BREAK);
  EXPECT_EQ(on_break.sign_in_time(), first.sign_in_time()) << "a break keeps the agent's place in sign-in order";
  EXPECT_GE(on_break.state_time(), first.state_time());
  v1::Agent wrap_up;
  ASSERT_TRUE(SetAvailability("a1", v1::AGENT_STATE_WRAP_UP, &wrap_up).ok());
  EXPECT_EQ(wrap_up.state(), v1::AGENT_STATE_WRAP_UP);
  ExpectError(SetAvailability("a1", v1::AGENT_STATE_SIGNED_OUT), grpc::StatusCode::INVALID_ARGUMENT, "state:");
  ExpectError(SetAvailability("a1", v1::AGENT_STATE_UNSPECIFIED), grpc::StatusCode::INVALID_ARGUMENT, "state:");
  ExpectError(SetAvailability("a1", static_cast<v1::AgentState>(42)), grpc::StatusCode::INVALID_ARGUMENT, "state:");

  v1::Agent signed_out;
  ASSERT_TRUE(SignOut("a1", &signed_out).ok());
  EXPECT_EQ(signed_out.state(), v1::AGENT_STATE_SIGNED_OUT);
  EXPECT_FALSE(signed_out.has_sign_in_time());
  ExpectError(SignOut("a1"), grpc::StatusCode::FAILED_PRECONDITION, "agent_id: agent 'a1' is not signed in");
  ExpectError(SetAvailability("a1", v1::AGENT_STATE_AVAILABLE), grpc::StatusCode::FAILED_PRECONDITION,
              "agent_id: agent 'a1' is not signed in");

  // Signing in again puts the agent last in sign-in order.
  v1::Agent again;
  ASSERT_TRUE(SignIn("a1", &again).ok());
  EXPECT_GT(again.sign_in_time(), second.sign_in_time());

  ExpectError(SignIn("ghost"), grpc::StatusCode::NOT_FOUND, "agent 'ghost' does not exist");
  ExpectError(SignOut("ghost"), grpc::StatusCode::NOT_FOUND, "agent 'ghost' does not exist");
  ExpectError(SetAvailability("ghost", v1::AGENT_STATE_ON_BREAK), grpc::StatusCode::NOT_FOUND,
              "agent 'ghost' does not exist");
  ExpectError(SignIn("not an id"), grpc::StatusCode::INVALID_ARGUMENT, "agent_id:");
  ExpectError(SignIn(""), grpc::StatusCode::INVALID_ARGUMENT, "agent_id: required");
}

TEST_P(AgentE2eTest, OfManySignInsAtOnceExactlyOnePasses) {
  ASSERT_TRUE(Create(Agent("a1")).ok());
  constexpr int kCallers = 8;
  std::vector<grpc::Status> outcomes(kCallers);
  std::vector<std::thread> callers;
  for (int i = 0; i < kCallers; ++i) {
    callers.emplace_back([&, i] { outcomes[i] = SignIn("a1"); });
  }
  for (std::thread& caller : callers) caller.join();
  int passed = 0;
  for (const grpc::Status& outcome : outcomes) {
    if (outcome.ok()) {
      ++passed;
    } else {
      ExpectError(outcome, grpc::StatusCode::FAILED_PRECONDITION, "agent_id: agent 'a1' is signed in already");
    }
  }
  EXPECT_EQ(passed, 1);
}

TEST_P(AgentE2eTest, BadAgentsAreRefusedAndNothingIsWritten) {
  struct Case {
    std::string name;
    std::function<void(v1::Agent&)> spoil;
    std::string field;
  };
  std::vector<Case> cases = {
      {"no id", [](v1::Agent& a) { a.clear_id(); }, "agent.id: required"},
      {"bad id", [](v1::Agent& a) { a.set_id("a 1"); }, "agent.id:"},
      {"long id", [](v1::Agent& a) { a.set_id(std::string(65, 'a')); }, "agent.id:"},
      {"no name", [](v1::Agent& a) { a.set_display_name("  "); }, "agent.display_name:"},
      {"long name", [](v1::Agent& a) { a.set_display_name(std::string(101, 'x')); }, "agent.display_name:"},
      {"no queue", [](v1::Agent& a) { a.clear_queues(); }, "agent.queues:"},
      {"bad queue", [](v1::Agent& a) { a.add_queues("vip queue"); }, "agent.queues:"},
      {"queue twice", [](v1::Agent& a) { a.add_queues("complaints"); }, "agent.queues: 'complaints' is given twice"},
      {"too many queues",
       [](v1::Agent& a) {
         for (int i = 0; i < 20; ++i) a.add_queues("q" + std::to_string(i));
       },
       "agent.queues:"},
      {"capacity 0", [](v1::Agent& a) { a.set_capacity(0); }, "agent.capacity:"},
      {"negative capacity", [](v1::Agent& a) { a.set_capacity(-1); }, "agent.capacity:"},
      {"absurd capacity", [](v1::Agent& a) { a.set_capacity(1000000); }, "agent.capacity:"},
      {"long skill", [](v1::Agent& a) { a.mutable_skills()->add_product_categories(std::string(65, 'x')); },
       "agent.skills.product_categories:"},
      {"empty skill", [](v1::Agent& a) { a.mutable_skills()->add_regions(""); }, "agent.skills.regions:"},
      {"skill twice",
       [](v1::Agent& a) {
         a.mutable_skills()->add_platforms("淘宝");
         a.mutable_skills()->add_platforms("淘宝");
       },
       "agent.skills.platforms: '淘宝' is given twice"},
      {"too many skills",
       [](v1::Agent& a) {
         for (int i = 0; i < 51; ++i) a.mutable_skills()->add_sources("s" + std::to_string(i));
       },
       "agent.skills.sources:"},
      {"bad language", [](v1::Agent& a) { a.mutable_skills()->add_languages("zh CN"); }, "agent.skills.languages:"},
      {"control character", [](v1::Agent& a) { a.set_display_name("a\nb"); }, "agent.display_name:"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    v1::Agent agent = Agent("a1");
    c.spoil(agent);
    ExpectError(Create(agent), grpc::StatusCode::INVALID_ARGUMENT, c.field);
  }
  v1::Agent none;
  ExpectError(Get("a1", &none), grpc::StatusCode::NOT_FOUND, "agent 'a1' does not exist");
  ExpectError(stub_->CreateAgent(Context().get(), v1::CreateAgentRequest(), &none), grpc::StatusCode::INVALID_ARGUMENT,
              "agent: required");

  ASSERT_TRUE(Create(Agent("a1")).ok());
  ExpectError(Create(Agent("a1")), grpc::StatusCode::ALREADY_EXISTS, "agent.id: agent 'a1' exists already");
}

TEST_P(AgentE2eTest, ListFiltersByQueueAndStateAndPages) {
  for (const char* id : {"a1", "a2", "a3"}) ASSERT_TRUE(Create(Agent(id)).ok());
  ASSERT_TRUE(Create(Agent("b1", {"vip"})).ok());
  ASSERT_TRUE(SignIn("a2").ok());
  ASSERT_TRUE(SignIn("b1").ok());

  auto ids = [](const v1::ListAgentsResponse& response) {
    std::vector<std::string> ids;
    for (const v1::Agent& agent : response.agents()) ids.push_back(agent.id());
    return ids;
  };
  v1::ListAgentsRequest request;
  v1::ListAgentsResponse response;
  ASSERT_TRUE(stub_->ListAgents(Context().get(), request, &response).ok());
  EXPECT_EQ(ids(response), (std::vector<std::string>{"a1", "a2", "a3", "b1"}));
  request.set_queue("complaints");
  ASSERT_TRUE(stub_->ListAgents(Context().get(), request, &response).ok());
  EXPECT_EQ(ids(response), (std::vector<std::string>{"a1", "a2", "a3"}));
  ASSERT_EQ(response.agents(0).queues_size(), 1) << "listed agents carry their queues";
  request.set_state(v1::AGENT_STATE_AVAILABLE);
  ASSERT_TRUE(stub_->ListAgents(Context().get(), request, &response).ok());
  EXPECT_EQ(ids(response), (std::vector<std::string>{"a2"}));

  v1::ListAgentsRequest paged;
  paged.set_page_size(3);
  ASSERT_TRUE(stub_->ListAgents(Context().get(), paged, &response).ok());
  EXPECT_EQ(ids(response), (std::vector<std::string>{"a1", "a2", "a3"}));
  ASSERT_FALSE(response.next_page_token().empty());
  paged.set_page_token(response.next_page_token());
  ASSERT_TRUE(stub_->ListAgents(Context().get(), paged, &response).ok());
  EXPECT_EQ(ids(response), (std::vector<std::string>{"b1"}));
  EXPECT_TRUE(response.next_page_token().empty());

  // A token is for the list it came from.
  paged.set_queue("vip");
  ExpectError(stub_->ListAgents(Context().get(), paged, &response), grpc::StatusCode::INVALID_ARGUMENT, "page_token");
  v1::ListAgentsRequest bad;
  bad.set_queue("no such queue");
  ExpectError(stub_->ListAgents(Context().get(), bad, &response), grpc::StatusCode::INVALID_ARGUMENT, "queue:");
  bad.Clear();
  bad.set_state(static_cast<v1::AgentState>(9));
  ExpectError(stub_->ListAgents(Context().get(), bad, &response), grpc::StatusCode::INVALID_ARGUMENT, "state:");
  bad.Clear();
  bad.set_page_size(-1);
  ExpectError(stub_->ListAgents(Context().get(), bad, &response), grpc::StatusCode::INVALID_ARGUMENT, "page_size");
}

TEST_P(AgentE2eTest, AnAgentCountsTheCallbacksItHoldsAndTheCallsItHandledToday) {
  ASSERT_NO_FATAL_FAILURE(test_support::AddComplaintCallRule(channel(), "complaints"));
  for (const char* id : {"c1", "c2"}) {
    v1::Customer customer;
    customer.set_external_id(id);
    customer.set_phone(std::string("+861391234567") + (id[1] == '1' ? "1" : "2"));
    ASSERT_NO_FATAL_FAILURE(test_support::AddCallableCustomer(channel(), customer));
    ASSERT_NO_FATAL_FAILURE(test_support::RecordClosedComplaint(channel(), std::string("complaint-") + id, id));
  }
  ASSERT_TRUE(Create(Agent("a1")).ok());
  ASSERT_TRUE(Create(Agent("a2")).ok());
  ASSERT_TRUE(SignIn("a1").ok());

  auto callbacks = v1::CallbackService::NewStub(channel());
  v1::FetchDueCallbacksRequest fetch;
  fetch.set_queue("complaints");
  fetch.set_agent_id("a1");
  fetch.set_max_count(10);
  fetch.mutable_lease_duration()->set_seconds(300);
  v1::FetchDueCallbacksResponse fetched;
  ASSERT_TRUE(callbacks->FetchDueCallbacks(Context().get(), fetch, &fetched).ok());
  ASSERT_EQ(fetched.callbacks_size(), 2);
  v1::Agent a1;
  ASSERT_TRUE(Get("a1", &a1).ok());
  EXPECT_EQ(a1.open_callbacks(), 2);
  EXPECT_EQ(a1.handled_today(), 0);

  v1::ReportDispositionRequest report;
  report.set_callback_id(fetched.callbacks(0).id());
  report.set_lease_token(fetched.callbacks(0).lease_token());
  report.set_outcome(v1::CALL_OUTCOME_NO_ANSWER);
  v1::ReportDispositionResponse reported;
  ASSERT_TRUE(callbacks->ReportDisposition(Context().get(), report, &reported).ok());
  ASSERT_TRUE(Get("a1", &a1).ok());
  EXPECT_EQ(a1.open_callbacks(), 1);
  EXPECT_EQ(a1.handled_today(), 1);

  // Another agent's report counts for that agent, not for the lease's holder.
  report.set_callback_id(fetched.callbacks(1).id());
  report.set_lease_token(fetched.callbacks(1).lease_token());
  report.set_agent_id("a2");
  ASSERT_TRUE(callbacks->ReportDisposition(Context().get(), report, &reported).ok());
  v1::ListAgentsRequest list;
  v1::ListAgentsResponse agents;
  ASSERT_TRUE(stub_->ListAgents(Context().get(), list, &agents).ok());
  ASSERT_EQ(agents.agents_size(), 2);
  EXPECT_EQ(agents.agents(0).handled_today(), 1);
  EXPECT_EQ(agents.agents(0).open_callbacks(), 0);
  EXPECT_EQ(agents.agents(1).handled_today(), 1);
  EXPECT_EQ(agents.agents(1).open_callbacks(), 0);
}

TEST_P(AgentE2eTest, ADialerKeyActsOnlyForItsAgentOrItsQueue) {
  ASSERT_TRUE(Create(Agent("a1", {"complaints"})).ok());
  ASSERT_TRUE(Create(Agent("b1", {"vip"})).ok());
  v1::ApiKey as_agent;
  as_agent.set_agent_id("a1");
  auto agent_key = v1::AgentService::NewStub(ChannelAs(v1::ROLE_DIALER, as_agent));
  ASSERT_TRUE(SignIn(*agent_key, "a1").ok());
  ExpectError(SignIn(*agent_key, "b1"), grpc::StatusCode::PERMISSION_DENIED, "agent_id:");
  v1::GetAgentRequest get;
  get.set_id("a1");
  v1::Agent agent;
  ASSERT_TRUE(agent_key->GetAgent(Context().get(), get, &agent).ok());
  EXPECT_EQ(agent.state(), v1::AGENT_STATE_AVAILABLE);
  get.set_id("b1");
  ExpectError(agent_key->GetAgent(Context().get(), get, &agent), grpc::StatusCode::PERMISSION_DENIED, "agent_id:");

  v1::ApiKey for_queue;
  for_queue.set_queue("vip");
  auto queue_key = v1::AgentService::NewStub(ChannelAs(v1::ROLE_DIALER, for_queue));
  ASSERT_TRUE(SignIn(*queue_key, "b1").ok());
  ExpectError(SignIn(*queue_key, "a1"), grpc::StatusCode::PERMISSION_DENIED, "agent_id: the key");
  ExpectError(SignIn(*queue_key, "ghost"), grpc::StatusCode::NOT_FOUND, "agent 'ghost'");

  // An unbound dialer key acts for any agent.
  auto any_key = v1::AgentService::NewStub(ChannelAs(v1::ROLE_DIALER));
  v1::SignOutRequest sign_out;
  sign_out.set_agent_id("a1");
  ASSERT_TRUE(any_key->SignOut(Context().get(), sign_out, &agent).ok());
  EXPECT_EQ(agent.state(), v1::AGENT_STATE_SIGNED_OUT);
}

TEST_P(AgentE2eTest, QueueAssignmentsAreSetReadAndListed) {
  v1::GetQueueAssignmentRequest get;
  get.set_queue("complaints");
  v1::QueueAssignment assignment;
  ExpectError(stub_->GetQueueAssignment(Context().get(), get, &assignment), grpc::StatusCode::NOT_FOUND,
              "queue: queue 'complaints' has no assignment set");

  v1::UpdateQueueAssignmentRequest update;
  update.mutable_assignment()->set_queue("complaints");
  update.mutable_assignment()->set_strategy(v1::ASSIGNMENT_STRATEGY_ROUND_ROBIN);
  ASSERT_TRUE(stub_->UpdateQueueAssignment(Context().get(), update, &assignment).ok());
  EXPECT_EQ(assignment.strategy(), v1::ASSIGNMENT_STRATEGY_ROUND_ROBIN);
  EXPECT_TRUE(assignment.has_update_time());
  update.mutable_assignment()->set_strategy(v1::ASSIGNMENT_STRATEGY_ADVANCED);
  update.mutable_assignment()->add_route_by(v1::ROUTING_ATTRIBUTE_PLATFORM);
  update.mutable_assignment()->add_route_by(v1::ROUTING_ATTRIBUTE_REGION);
  ASSERT_TRUE(stub_->UpdateQueueAssignment(Context().get(), update, &assignment).ok());
  ASSERT_TRUE(stub_->GetQueueAssignment(Context().get(), get, &assignment).ok());
  EXPECT_EQ(assignment.strategy(), v1::ASSIGNMENT_STRATEGY_ADVANCED);
  ASSERT_EQ(assignment.route_by_size(), 2);
  EXPECT_EQ(assignment.route_by(0), v1::ROUTING_ATTRIBUTE_REGION) << "route_by reads back sorted";

  update.mutable_assignment()->set_queue("vip");
  update.mutable_assignment()->set_strategy(v1::ASSIGNMENT_STRATEGY_FILL_UP);
  update.mutable_assignment()->clear_route_by();
  ASSERT_TRUE(stub_->UpdateQueueAssignment(Context().get(), update, &assignment).ok());
  v1::ListQueueAssignmentsRequest list;
  list.set_page_size(1);
  v1::ListQueueAssignmentsResponse listed;
  ASSERT_TRUE(stub_->ListQueueAssignments(Context().get(), list, &listed).ok());
  ASSERT_EQ(listed.assignments_size(), 1);
  EXPECT_EQ(listed.assignments(0).queue(), "complaints");
  list.set_page_token(listed.next_page_token());
  ASSERT_TRUE(stub_->ListQueueAssignments(Context().get(), list, &listed).ok());
  ASSERT_EQ(listed.assignments_size(), 1);
  EXPECT_EQ(listed.assignments(0).queue(), "vip");
  EXPECT_EQ(listed.assignments(0).strategy(), v1::ASSIGNMENT_STRATEGY_FILL_UP);
  EXPECT_TRUE(listed.next_page_token().empty());
}

TEST_P(AgentE2eTest, BadQueueAssignmentsAreRefusedAndNothingIsWritten) {
  struct Case {
    std::string name;
    std::function<void(v1::QueueAssignment&)> spoil;
    std::string field;
  };
  std::vector<Case> cases = {
      {"no queue", [](v1::QueueAssignment& a) { a.clear_queue(); }, "assignment.queue: required"},
      {"bad queue", [](v1::QueueAssignment& a) { a.set_queue("a queue"); }, "assignment.queue:"},
      {"no strategy", [](v1::QueueAssignment& a) { a.clear_strategy(); }, "assignment.strategy:"},
      {"unknown strategy", [](v1::QueueAssignment& a) { a.set_strategy(static_cast<v1::AssignmentStrategy>(77)); },
       "assignment.strategy:"},
      {"advanced without attributes", [](v1::QueueAssignment& a) { a.set_strategy(v1::ASSIGNMENT_STRATEGY_ADVANCED); },
       "assignment.route_by:"},
      {"attributes without advanced", [](v1::QueueAssignment& a) { a.add_route_by(v1::ROUTING_ATTRIBUTE_SOURCE); },
       "assignment.route_by:"},
      {"attribute twice",
       [](v1::QueueAssignment& a) {
         a.set_strategy(v1::ASSIGNMENT_STRATEGY_ADVANCED);
         a.add_route_by(v1::ROUTING_ATTRIBUTE_SOURCE);
         a.add_route_by(v1::ROUTING_ATTRIBUTE_SOURCE);
       },
       "assignment.route_by:"},
      {"unknown attribute",
       [](v1::QueueAssignment& a) {
         a.set_strategy(v1::ASSIGNMENT_STRATEGY_ADVANCED);
         a.add_route_by(static_cast<v1::RoutingAttribute>(12));
       },
       "assignment.route_by:"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    v1::UpdateQueueAssignmentRequest update;
    update.mutable_assignment()->set_queue("complaints");
    update.mutable_assignment()->set_strategy(v1::ASSIGNMENT_STRATEGY_LOAD_BASED);
    c.spoil(*update.mutable_assignment());
    v1::QueueAssignment out;
    ExpectError(stub_->UpdateQueueAssignment(Context().get(), update, &out), grpc::StatusCode::INVALID_ARGUMENT,
                c.field);
  }
  v1::ListQueueAssignmentsResponse listed;
  ASSERT_TRUE(stub_->ListQueueAssignments(Context().get(), v1::ListQueueAssignmentsRequest(), &listed).ok());
  EXPECT_EQ(listed.assignments_size(), 0);
  v1::GetQueueAssignmentRequest get;
  get.set_queue("bad queue");
  v1::QueueAssignment out;
  ExpectError(stub_->GetQueueAssignment(Context().get(), get, &out), grpc::StatusCode::INVALID_ARGUMENT, "queue:");
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(AgentE2eTest);

}  // namespace
}  // namespace satisfaction
