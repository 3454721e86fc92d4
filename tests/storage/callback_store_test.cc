#include "services/callbacks/callback_store.h"

#include <google/protobuf/util/time_util.h>

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/common/secrets.h"
#include "services/customers/customer_store.h"
#include "services/customers/customer_validation.h"
#include "services/customers/do_not_call_store.h"
#include "services/questionnaires/questionnaire_store.h"
#include "services/revisits/revisit_rule_store.h"
#include "services/revisits/revisit_rule_validation.h"
#include "services/revisits/revisit_store.h"
#include "services/leases/revisit_leases.h"
#include "services/storage/transaction.h"
#include "tests/support/backend_test.h"
#include "tests/support/sample_questionnaires.h"
#include "tests/support/test_database.h"

namespace satisfaction::callbacks {
namespace {

using google::protobuf::util::TimeUtil;
using test_support::TestBackend;

const absl::TimeZone kShanghai = absl::FixedTimeZone(8 * 3600);

class CallbackStoreTest : public test_support::MigratedDatabaseTest {
 protected:
  CallbackStoreTest() : MigratedDatabaseTest(/*pool_size=*/40) {}

  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    store_ = std::make_unique<CallbackStore>(*database_, absl::Hours(2), "https://survey.example.cn");
    revisits_ = std::make_unique<revisits::RevisitStore>(*database_);
    AddRule("complaint-call", v1::TRIGGER_COMPLAINT_CLOSED, 50, /*reserve=*/false, "complaints");
    AddRule("after-sales-call", v1::TRIGGER_AFTER_SALES_CLOSED, 80, /*reserve=*/true, "complaints");
  }

  void AddRule(const std::string& id, v1::Trigger trigger, int priority, bool reserve, const std::string& queue) {
    v1::RevisitRule rule;
    rule.set_id(id);
    rule.add_customer_types(v1::CUSTOMER_TYPE_NEW);
    rule.set_trigger(trigger);
    rule.add_channels(v1::CHANNEL_PHONE);
    rule.add_channels(v1::CHANNEL_SMS);
    rule.set_priority(priority);
    rule.set_max_attempts(2);
    rule.set_reserve_for_serving_agent(reserve);
    rule.set_queue(queue);
    ASSERT_TRUE(revisits::NormalizeAndValidateRule("rule", rule).ok());
    ASSERT_TRUE(revisits::RevisitRuleStore(*database_).Create(rule, now_).ok());
  }

  // A customer and one phone revisit for it, due at `at`; returns its id.
  long long AddCallback(const std::string& customer, v1::Trigger trigger, absl::Time at,
                        const std::string& zone = "Asia/Shanghai") {
    v1::Customer c;
    c.set_external_id(customer);
    c.set_name("客户 " + customer);
    c.set_phone("+8613800138000");
    c.set_time_zone(zone);
    c.set_serving_agent_id("agent-wang");
    c.mutable_consent()->set_phone(true);
    c.mutable_consent()->set_sms(true);
    EXPECT_TRUE(customers::NormalizeAndValidateCustomer("customer", c).ok());
    EXPECT_TRUE(customers::CustomerStore(*database_).Upsert(c, at).ok());
    v1::Event event;
    event.set_event_id("event-" + customer);
    event.set_customer_external_id(customer);
    event.set_trigger(trigger);
    *event.mutable_occur_time() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(at));
    absl::StatusOr<revisits::RevisitStore::EventResult> result = revisits_->RecordEvent(event, at);
    EXPECT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->revisits.size(), 1u);
    long long id = 0;
    EXPECT_TRUE(absl::SimpleAtoi(result->revisits.at(0).id(), &id));
    return id;
  }

  std::vector<v1::Callback> Fetch(const Claimant& claimant, int count, absl::Time at) {
    absl::StatusOr<std::vector<v1::Callback>> callbacks = store_->Fetch(claimant, count, absl::Minutes(5), at);
    EXPECT_TRUE(callbacks.ok()) << callbacks.status();
    return callbacks.ok() ? *callbacks : std::vector<v1::Callback>{};
  }

  absl::StatusOr<v1::ReportDispositionResponse> Report(const v1::Callback& callback, v1::CallOutcome outcome,
                                                       absl::Time at) {
    v1::ReportDispositionRequest request;
    request.set_callback_id(callback.id());
    request.set_lease_token(callback.lease_token());
    request.set_outcome(outcome);
    long long id = 0;
    EXPECT_TRUE(absl::SimpleAtoi(callback.id(), &id));
    return store_->Report(request, id, at);
  }

  std::unique_ptr<CallbackStore> store_;
  std::unique_ptr<revisits::RevisitStore> revisits_;
  // Monday 2026-11-23, 10:00 in Shanghai.
  absl::Time now_ = absl::FromCivil(absl::CivilSecond(2026, 11, 23, 10, 0, 0), kShanghai);
};

TEST_P(CallbackStoreTest, AFetchClaimsTheDueByPriorityThenAgeAndNobodyElseGetsThem) {
  AddCallback("old", v1::TRIGGER_COMPLAINT_CLOSED, now_ - absl::Minutes(30));
  AddCallback("young", v1::TRIGGER_COMPLAINT_CLOSED, now_ - absl::Minutes(15));
  AddCallback("later", v1::TRIGGER_COMPLAINT_CLOSED, now_ + absl::Hours(1));  // not due yet
  std::vector<v1::Callback> first = Fetch({.queue = "complaints"}, 10, now_);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].customer_external_id(), "old");
  EXPECT_EQ(first[1].customer_external_id(), "young");
  EXPECT_EQ(first[0].customer_name(), "客户 old");
  EXPECT_EQ(first[0].phone(), "+8613800138000");
  EXPECT_EQ(first[0].attempt_number(), 1);
  EXPECT_EQ(first[0].max_attempts(), 2);
  EXPECT_EQ(first[0].state(), v1::REVISIT_STATE_LEASED);
  EXPECT_FALSE(first[0].lease_token().empty());
  EXPECT_NE(first[0].lease_token(), first[1].lease_token());
  EXPECT_EQ(first[0].lease_expire_time().seconds(), absl::ToUnixSeconds(now_ + absl::Minutes(5)));
  EXPECT_TRUE(Fetch({.queue = "complaints"}, 10, now_ + absl::Minutes(1)).empty()) << "both are leased";
  EXPECT_TRUE(Fetch({.queue = "other"}, 10, now_).empty());

  // An hour on, the third is due; the leases of the first two have ended.
  std::vector<v1::Callback> later = Fetch({.queue = "complaints"}, 10, now_ + absl::Hours(1));
  ASSERT_EQ(later.size(), 3u);
  EXPECT_EQ(later[2].customer_external_id(), "later");
}

TEST_P(CallbackStoreTest, HigherPriorityComesFirstAndReservedCallbacksWaitForTheirAgent) {
  AddCallback("complaint", v1::TRIGGER_COMPLAINT_CLOSED, now_ - absl::Hours(1));
  AddCallback("reserved", v1::TRIGGER_AFTER_SALES_CLOSED, now_ - absl::Minutes(30));  // priority 80, for agent-wang
  std::vector<v1::Callback> queue_only = Fetch({.queue = "complaints"}, 10, now_);
  ASSERT_EQ(queue_only.size(), 1u) << "the reserved one is not for just anyone yet";
  EXPECT_EQ(queue_only[0].customer_external_id(), "complaint");

  std::vector<v1::Callback> mine = Fetch({.agent_id = "agent-wang"}, 10, now_);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].reserved_agent_id(), "agent-wang");
  ASSERT_TRUE(store_->Release(std::stoll(mine[0].id()), mine[0].lease_token(), now_).ok());
  ASSERT_TRUE(store_->Release(std::stoll(queue_only[0].id()), queue_only[0].lease_token(), now_).ok());

  // Overdue past the two hours' grace, anyone of the queue gets it, and first: its priority is higher.
  std::vector<v1::Callback> anyone = Fetch({.queue = "complaints", .agent_id = "agent-li"}, 10, now_ + absl::Hours(3));
  ASSERT_EQ(anyone.size(), 2u);
  EXPECT_EQ(anyone[0].customer_external_id(), "reserved");
  EXPECT_EQ(anyone[1].customer_external_id(), "complaint");
}

TEST_P(CallbackStoreTest, ACallbackPutBackBehindWhereClaimsStoppedComesBeforeLowerPriorities) {
  AddRule("order-call", v1::TRIGGER_ORDER_DELIVERED, 20, /*reserve=*/false, "complaints");
  AddCallback("first", v1::TRIGGER_COMPLAINT_CLOSED, now_ - absl::Minutes(30));
  AddCallback("second", v1::TRIGGER_COMPLAINT_CLOSED, now_ - absl::Minutes(20));
  AddCallback("lower", v1::TRIGGER_ORDER_DELIVERED, now_ - absl::Hours(5));
  std::vector<v1::Callback> first = Fetch({.queue = "complaints"}, 1, now_);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].customer_external_id(), "first");
  ASSERT_TRUE(store_->Release(std::stoll(first[0].id()), first[0].lease_token(), now_).ok());
  // Claims go on from where the last one stopped...
  std::vector<v1::Callback> second = Fetch({.queue = "complaints"}, 1, now_ + absl::Milliseconds(100));
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].customer_external_id(), "second");
  // ...and at the end of the level look behind them before going lower.
  std::vector<v1::Callback> third = Fetch({.queue = "complaints"}, 1, now_ + absl::Milliseconds(200));
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].customer_external_id(), "first");
  std::vector<v1::Callback> last = Fetch({.queue = "complaints"}, 5, now_ + absl::Milliseconds(300));
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].customer_external_id(), "lower");
}

// The revisits of `ids` that fall in `share` of `count` shares, in the same order.
std::vector<long long> OfShare(storage::Database& database, const std::vector<long long>& ids, int share, int count) {
  std::set<long long> members;
  absl::Status read = database.WithSession([&](soci::session& session) {
    long long id = 0;
    soci::statement select = (session.prepare << absl::StrCat("SELECT id FROM revisits WHERE ",
                                                               database.dialect().InShare("id", ":shares", ":share")),
                              soci::use(count, "shares"), soci::use(share, "share"), soci::into(id));
    select.execute();
    while (select.fetch()) members.insert(id);
    return absl::OkStatus();
  });
  EXPECT_TRUE(read.ok()) << read;
  std::vector<long long> out;
  for (long long id : ids) {
    if (members.contains(id)) out.push_back(id);
  }
  return out;
}

// ClaimDue as a server on node `node` of a cluster runs it, for the
// "complaints" queue, in run `attempt` of its unit of work: the ids it leased.
std::vector<long long> ClaimOnNode(storage::Database& database, storage::ClusterNode node, int count, absl::Time at,
                                   leases::ClaimCursors& cursors, int attempt = 1) {
  leases::ClaimScope scope{.where = "channel = 1 AND queue = :queue",
                           .levels_where = "channel = 1 AND queue = :queue",
                           .bind = [queue = std::string("complaints")](storage::Query& query,
                                                                        bool) { query.Bind("queue", queue); },
                           .cursor_key = "complaints"};
  std::vector<long long> claimed;
  absl::Status status = database.WithSession([&](soci::session& session) {
    session.begin();
    storage::Transaction tx(session, database.dialect(), attempt, node);
    claimed = leases::ClaimDue(tx, scope, scheduler::ContactPolicy{}, {.token_hash = "h", .holder = "test",
                                                                         .until_us = absl::ToUnixMicros(at + absl::Minutes(5))},
                               count, absl::ToUnixMicros(at), cursors);
    session.commit();
    return absl::OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status;
  return claimed;
}

TEST(ClaimShare, TheNodesHoldDistinctSharesThatTurnAmongThem) {
  absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  EXPECT_FALSE(leases::OwnShare({.index = 0, .count = 1}, now)) << "one node: no shares";
  for (absl::Time at : {now, now + leases::ClaimShare::kTurn, now + 2 * leases::ClaimShare::kTurn}) {
    std::set<int> shares;
    for (int node = 0; node < 3; ++node) {
      std::optional<leases::ClaimShare> share = leases::OwnShare({.index = node, .count = 3}, at);
      ASSERT_TRUE(share);
      EXPECT_EQ(share->count, 3);
      shares.insert(share->share);
    }
    EXPECT_EQ(shares, (std::set<int>{0, 1, 2}));
  }
  std::set<int> turns;
  for (int turn = 0; turn < 3; ++turn) {
    turns.insert(leases::OwnShare({.index = 0, .count = 3}, now + turn * leases::ClaimShare::kTurn)->share);
  }
  EXPECT_EQ(turns, (std::set<int>{0, 1, 2})) << "a node's share turns, so every share is claimed by every node in turn";
}

TEST_P(CallbackStoreTest, OnAClusterANodeClaimsItsShareFirstThenHelpsAndKeepsPriorityFirst) {
  AddRule("order-call", v1::TRIGGER_ORDER_DELIVERED, 90, /*reserve=*/false, "complaints");
  std::vector<long long> due;  // oldest first
  for (int i = 0; i < 30; ++i) {
    due.push_back(AddCallback(absl::StrCat("c", i), v1::TRIGGER_COMPLAINT_CLOSED, now_ - absl::Minutes(60 - i)));
  }
  long long urgent = AddCallback("urgent", v1::TRIGGER_ORDER_DELIVERED, now_ - absl::Minutes(1));
  storage::ClusterNode node{.index = 1, .count = 3};
  std::optional<leases::ClaimShare> share = leases::OwnShare(node, now_);
  ASSERT_TRUE(share);
  std::vector<long long> own = OfShare(*database_, due, share->share, share->count);
  ASSERT_GE(own.size(), 3u) << "30 revisits over 3 shares";
  leases::ClaimCursors cursors;

  // The higher priority first, whatever its share; then the node's own share, in due order.
  int first_count = static_cast<int>(own.size());
  std::vector<long long> first = ClaimOnNode(*database_, node, first_count, now_, cursors);
  std::vector<long long> expected = {urgent};
  expected.insert(expected.end(), own.begin(), own.end() - 1);
  EXPECT_EQ(first, expected);

  // Another node at the same time claims from its own share: nothing in common.
  storage::ClusterNode other{.index = 2, .count = 3};
  std::optional<leases::ClaimShare> other_share = leases::OwnShare(other, now_);
  std::vector<long long> theirs = OfShare(*database_, due, other_share->share, other_share->count);
  std::vector<long long> second = ClaimOnNode(*database_, other, 2, now_, cursors);
  EXPECT_EQ(second, std::vector<long long>(theirs.begin(), theirs.begin() + 2));

  // When its share runs short, a node helps with the others', longest due first.
  std::vector<long long> rest;
  for (long long id : due) {
    if (id != own.back() && std::find(first.begin(), first.end(), id) == first.end() &&
        std::find(second.begin(), second.end(), id) == second.end()) {
      rest.push_back(id);
    }
  }
  std::vector<long long> third = ClaimOnNode(*database_, node, 4, now_ + absl::Milliseconds(10), cursors);
  expected = {own.back()};
  expected.insert(expected.end(), rest.begin(), rest.begin() + 3);
  EXPECT_EQ(third, expected);
}

TEST_P(CallbackStoreTest, OnAClusterAClaimRunAgainKeepsToItsOwnShareAndNeverJumpsPriority) {
  AddRule("order-call", v1::TRIGGER_ORDER_DELIVERED, 90, /*reserve=*/false, "complaints");
  std::vector<long long> due;  // oldest first
  for (int i = 0; i < 30; ++i) {
    due.push_back(AddCallback(absl::StrCat("c", i), v1::TRIGGER_COMPLAINT_CLOSED, now_ - absl::Minutes(60 - i)));
  }
  long long urgent = AddCallback("urgent", v1::TRIGGER_ORDER_DELIVERED, now_ - absl::Minutes(1));
  // A node whose share the urgent call is not in.
  std::optional<storage::ClusterNode> node;
  std::optional<leases::ClaimShare> share;
  for (int index = 0; index < 3 && !node; ++index) {
    share = leases::OwnShare({.index = index, .count = 3}, now_);
    if (OfShare(*database_, {urgent}, share->share, share->count).empty()) node = {.index = index, .count = 3};
  }
  ASSERT_TRUE(node);
  leases::ClaimCursors cursors;

  // Its own share has none of the higher priority: a run again takes nothing
  // rather than lower-priority calls ahead of the urgent one, or the urgent
  // one from another node's share.
  EXPECT_EQ(ClaimOnNode(*database_, *node, 5, now_, cursors, /*attempt=*/2), std::vector<long long>{});

  // Once the urgent call is taken, a run again takes its own share only, in due order.
  std::vector<long long> own = OfShare(*database_, due, share->share, share->count);
  ASSERT_GE(own.size(), 3u) << "30 revisits over 3 shares";
  EXPECT_EQ(ClaimOnNode(*database_, *node, 1, now_, cursors), std::vector<long long>{urgent}) << "a first run helps";
  int all_of_its_share = static_cast<int>(own.size());
  EXPECT_EQ(ClaimOnNode(*database_, *node, all_of_its_share + 5, now_ + absl::Milliseconds(10), cursors, 2), own)
      << "no help with the other shares";
}

TEST_P(CallbackStoreTest, AfterAFewSecondsClaimsStartAgainAtTheHeadOfTheQueue) {
  AddCallback("first", v1::TRIGGER_COMPLAINT_CLOSED, now_ - absl::Minutes(30));
  AddCallback("second", v1::TRIGGER_COMPLAINT_CLOSED, now_ - absl::Minutes(20));
  AddCallback("third", v1::TRIGGER_COMPLAINT_CLOSED, now_ - absl::Minutes(10));
  std::vector<v1::Callback> first = Fetch({.queue = "complaints"}, 1, now_);
  ASSERT_EQ(first.size(), 1u);
  ASSERT_TRUE(store_->Release(std::stoll(first[0].id()), first[0].lease_token(), now_).ok());
  std::vector<v1::Callback> again = Fetch({.queue = "complaints"}, 1, now_ + leases::ClaimCursors::kCursorLifetime);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].customer_external_id(), "first");
}

TEST_P(CallbackStoreTest, ACallbackWithASurveyComesWithALinkToANewInvitation) {
  ASSERT_TRUE(questionnaires::QuestionnaireStore(*database_)
                  .CreatePublishedFromTemplate("post-delivery", test_support::SampleQuestionnaire(), "", now_)
                  .ok());
  v1::RevisitRule rule;
  rule.set_id("delivery-call");
  rule.add_customer_types(v1::CUSTOMER_TYPE_NEW);
  rule.set_trigger(v1::TRIGGER_ORDER_DELIVERED);
  rule.add_channels(v1::CHANNEL_PHONE);
  rule.set_questionnaire_id("post-delivery");
  rule.set_queue("complaints");
  ASSERT_TRUE(revisits::NormalizeAndValidateRule("rule", rule).ok());
  ASSERT_TRUE(revisits::RevisitRuleStore(*database_).Create(rule, now_).ok());
  long long with_survey = AddCallback("surveyed", v1::TRIGGER_ORDER_DELIVERED, now_ - absl::Minutes(30));
  AddCallback("plain", v1::TRIGGER_COMPLAINT_CLOSED, now_ - absl::Minutes(20));

  std::vector<v1::Callback> fetched = Fetch({.queue = "complaints"}, 10, now_);
  ASSERT_EQ(fetched.size(), 2u);
  const v1::Callback& surveyed = fetched[0].questionnaire_id().empty() ? fetched[1] : fetched[0];
  const v1::Callback& plain = fetched[0].questionnaire_id().empty() ? fetched[0] : fetched[1];
  ASSERT_TRUE(absl::StartsWith(surveyed.survey_url(), "https://survey.example.cn/s/")) << surveyed.survey_url();
  EXPECT_EQ(surveyed.invitation_expire_time().seconds(), absl::ToUnixSeconds(now_ + absl::Hours(24 * 14)));
  EXPECT_TRUE(plain.survey_url().empty());
  EXPECT_FALSE(plain.has_invitation_expire_time());

  std::string token = surveyed.survey_url().substr(std::string("https://survey.example.cn/s/").size());
  long long stored = 0;
  ASSERT_TRUE(database_
                  ->InTransaction(storage::Access::kRead,
                                  [&](storage::Transaction& tx) {
                                    soci::session& session = tx.session();
                                    std::string hash = Sha256Hex(token);
                                    // No message carries it: no message language.
                                    session << "SELECT COUNT(*) FROM invitations WHERE token_hash = :hash AND"
                                               " revisit_id = :id AND channel = 1 AND questionnaire_version = 1"
                                               " AND message_language = ''",
                                        soci::use(hash), soci::use(with_survey), soci::into(stored);
                                    return absl::OkStatus();
                                  })
                  .ok());
  EXPECT_EQ(stored, 1);
}

TEST_P(CallbackStoreTest, OutsideTheCustomersHoursACallbackWaitsForThem) {
  long long id = AddCallback("new-york", v1::TRIGGER_COMPLAINT_CLOSED, now_ - absl::Hours(1), "America/New_York");
  // 10:00 in Shanghai is 21:00 the day before in New York: too late to call.
  EXPECT_TRUE(Fetch({.queue = "complaints"}, 10, now_).empty());
  absl::StatusOr<revisits::RevisitStore::ListPage> page = revisits_->ListForCustomer("new-york", -1, 0, 10);
  ASSERT_TRUE(page.ok());
  const std::vector<v1::Revisit>* revisits = &page->revisits;
  absl::TimeZone new_york;
  ASSERT_TRUE(absl::LoadTimeZone("America/New_York", &new_york));
  EXPECT_EQ(absl::FormatTime("%H:%M", absl::FromUnixSeconds(revisits->at(0).due_time().seconds()), new_york), "09:00")
      << "moved to the next morning there";
  std::vector<v1::Callback> morning = Fetch({.queue = "complaints"}, 10, now_ + absl::Hours(12));
  ASSERT_EQ(morning.size(), 1u);
  EXPECT_EQ(morning[0].id(), absl::StrCat(id));
}

TEST_P(CallbackStoreTest, DispositionsFollowTheRetryPolicyAndAreRecordedOnce) {
  AddCallback("c1", v1::TRIGGER_COMPLAINT_CLOSED, now_);
  std::vector<v1::Callback> fetched = Fetch({.queue = "complaints"}, 1, now_);
  ASSERT_EQ(fetched.size(), 1u);
  absl::StatusOr<v1::ReportDispositionResponse> no_answer = Report(fetched[0], v1::CALL_OUTCOME_NO_ANSWER, now_);
  ASSERT_TRUE(no_answer.ok()) << no_answer.status();
  EXPECT_EQ(no_answer->revisit().state(), v1::REVISIT_STATE_PLANNED);
  EXPECT_EQ(no_answer->revisit().attempts(), 1);
  EXPECT_EQ(no_answer->revisit().due_time().seconds(), absl::ToUnixSeconds(now_ + absl::Hours(2)));
  EXPECT_EQ(no_answer->attempt().number(), 1);

  // The same report again (a lost answer) gets the same answer; another outcome for the lease is refused.
  absl::StatusOr<v1::ReportDispositionResponse> again = Report(fetched[0], v1::CALL_OUTCOME_NO_ANSWER, now_);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->attempt().number(), 1);
  EXPECT_EQ(again->revisit().attempts(), 1);
  EXPECT_EQ(Report(fetched[0], v1::CALL_OUTCOME_COMPLETED, now_).status().code(), absl::StatusCode::kAlreadyExists);

  // The second and last attempt: no answer again, so it gives up.
  std::vector<v1::Callback> second = Fetch({.queue = "complaints"}, 1, now_ + absl::Hours(2));
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].attempt_number(), 2);
  ASSERT_EQ(second[0].earlier_attempts_size(), 1);
  EXPECT_EQ(second[0].earlier_attempts(0).outcome(), v1::CALL_OUTCOME_NO_ANSWER);
  absl::StatusOr<v1::ReportDispositionResponse> last =
      Report(second[0], v1::CALL_OUTCOME_NO_ANSWER, now_ + absl::Hours(2));
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(last->revisit().state(), v1::REVISIT_STATE_GAVE_UP);
  EXPECT_EQ(last->revisit().attempts(), 2);
}

TEST_P(CallbackStoreTest, DoNotCallStopsAndListsTheNumberAndAWrongNumberFallsBackToSms) {
  AddCallback("c1", v1::TRIGGER_COMPLAINT_CLOSED, now_);
  std::vector<v1::Callback> fetched = Fetch({.queue = "complaints"}, 1, now_);
  ASSERT_EQ(fetched.size(), 1u);
  absl::StatusOr<v1::ReportDispositionResponse> stop = Report(fetched[0], v1::CALL_OUTCOME_DO_NOT_CALL, now_);
  ASSERT_TRUE(stop.ok()) << stop.status();
  EXPECT_EQ(stop->revisit().state(), v1::REVISIT_STATE_STOPPED);
  absl::StatusOr<customers::DoNotCallStore::ListPage> listed = customers::DoNotCallStore(*database_).List(0, 10);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->entries.size(), 1u);
  EXPECT_EQ(listed->entries[0].phone(), "+8613800138000");

  ASSERT_TRUE(customers::DoNotCallStore(*database_).Remove("+8613800138000").ok());
  AddCallback("c2", v1::TRIGGER_COMPLAINT_CLOSED, now_);
  fetched = Fetch({.queue = "complaints"}, 1, now_);
  ASSERT_EQ(fetched.size(), 1u);
  absl::StatusOr<v1::ReportDispositionResponse> wrong = Report(fetched[0], v1::CALL_OUTCOME_WRONG_NUMBER, now_);
  ASSERT_TRUE(wrong.ok()) << wrong.status();
  EXPECT_EQ(wrong->revisit().state(), v1::REVISIT_STATE_PLANNED);
  EXPECT_EQ(wrong->revisit().channel(), v1::CHANNEL_SMS);
  EXPECT_TRUE(Fetch({.queue = "complaints"}, 1, now_).empty()) << "no longer a call";
}

TEST_P(CallbackStoreTest, ACallBackTimeOutsideTheHoursIsRefusedNamingTheNextAllowedOne) {
  AddCallback("c1", v1::TRIGGER_COMPLAINT_CLOSED, now_);
  std::vector<v1::Callback> fetched = Fetch({.queue = "complaints"}, 1, now_);
  ASSERT_EQ(fetched.size(), 1u);
  v1::ReportDispositionRequest request;
  request.set_callback_id(fetched[0].id());
  request.set_lease_token(fetched[0].lease_token());
  request.set_outcome(v1::CALL_OUTCOME_CALL_BACK_LATER);
  *request.mutable_call_back_time() =
      TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(now_ + absl::Hours(13)));  // 23:00 there
  absl::StatusOr<v1::ReportDispositionResponse> refused = store_->Report(request, std::stoll(fetched[0].id()), now_);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(refused.status().message(), "call_back_time:")) << refused.status();
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "09:00")) << refused.status();

  // Nothing was recorded: a time inside the hours is then accepted, as the first attempt.
  *request.mutable_call_back_time() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(now_ + absl::Hours(6)));
  absl::StatusOr<v1::ReportDispositionResponse> accepted = store_->Report(request, std::stoll(fetched[0].id()), now_);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->attempt().number(), 1);
  EXPECT_EQ(accepted->revisit().due_time().seconds(), absl::ToUnixSeconds(now_ + absl::Hours(6)));
}

TEST_P(CallbackStoreTest, LeasesAreCheckedAndAnExpiredOneComesBackWithNoAttemptCounted) {
  AddCallback("c1", v1::TRIGGER_COMPLAINT_CLOSED, now_);
  std::vector<v1::Callback> fetched = Fetch({.queue = "complaints"}, 1, now_);
  ASSERT_EQ(fetched.size(), 1u);
  long long id = std::stoll(fetched[0].id());
  v1::Callback forged = fetched[0];
  forged.set_lease_token(std::string(32, 'a') + "." + fetched[0].id());
  EXPECT_EQ(Report(forged, v1::CALL_OUTCOME_COMPLETED, now_).status().code(), absl::StatusCode::kFailedPrecondition);
  forged.set_lease_token("nonsense");
  EXPECT_EQ(Report(forged, v1::CALL_OUTCOME_COMPLETED, now_).status().code(), absl::StatusCode::kInvalidArgument);

  absl::StatusOr<v1::Callback> extended = store_->ExtendLease(id, fetched[0].lease_token(), absl::Minutes(20), now_);
  ASSERT_TRUE(extended.ok()) << extended.status();
  EXPECT_EQ(extended->lease_expire_time().seconds(), absl::ToUnixSeconds(now_ + absl::Minutes(20)));

  absl::Time after = now_ + absl::Minutes(21);
  EXPECT_EQ(Report(fetched[0], v1::CALL_OUTCOME_COMPLETED, after).status().code(),
            absl::StatusCode::kFailedPrecondition)
      << "the lease has ended";
  absl::StatusOr<int> expired = store_->ExpireLeases(after, 100);
  ASSERT_TRUE(expired.ok()) << expired.status();
  EXPECT_EQ(*expired, 1);
  std::vector<v1::Callback> again = Fetch({.queue = "complaints"}, 1, after);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].attempt_number(), 1) << "no attempt was counted";
  EXPECT_EQ(Report(fetched[0], v1::CALL_OUTCOME_COMPLETED, after).status().code(),
            absl::StatusCode::kFailedPrecondition)
      << "the old lease is worthless";
  absl::StatusOr<v1::ReportDispositionResponse> done = Report(again[0], v1::CALL_OUTCOME_COMPLETED, after);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->revisit().state(), v1::REVISIT_STATE_COMPLETED);
  EXPECT_EQ(store_->Release(id, again[0].lease_token(), after).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->Release(id + 1000, again[0].lease_token(), after).status().code(), absl::StatusCode::kNotFound);
}

// Many dialers fetching and reporting at once, some vanishing with their
// batch: no callback is ever claimed while another lease on it is live, every
// callback is done in the end, and every attempt is counted once.
TEST_P(CallbackStoreTest, ConcurrentDialersNeverShareACallbackAndLoseNothing) {
  const int callbacks = GetParam() == TestBackend::kMariaDb ? 240 : 80;
  const int dialers = GetParam() == TestBackend::kMariaDb ? 32 : 6;
  for (int i = 0; i < callbacks; ++i) AddCallback("c" + std::to_string(i), v1::TRIGGER_COMPLAINT_CLOSED, now_);
  // Four servers: claims take turns within a server, and meet across them in
  // the database's row locks.
  std::vector<std::unique_ptr<CallbackStore>> servers;
  for (int i = 0; i < 4; ++i)
    servers.push_back(std::make_unique<CallbackStore>(*database_, absl::Hours(2), "https://survey.example.cn"));

  // Virtual time moves a millisecond per call, so no lease (5 minutes) ends
  // while the dialers run: any callback claimed twice would be a double claim.
  std::atomic<int64_t> clock_us{absl::ToUnixMicros(now_)};
  auto tick = [&] { return absl::FromUnixMicros(clock_us.fetch_add(1000)); };
  std::mutex mutex;
  std::map<std::string, int> claims;
  std::atomic<int> completed{0}, abandoned{0}, failures{0};
  auto work = [&](CallbackStore& server, bool vanish) {
    int empty = 0;
    while (empty < 3 && failures.load() == 0) {
      absl::StatusOr<std::vector<v1::Callback>> batch =
          server.Fetch({.queue = "complaints"}, 5, absl::Minutes(5), tick());
      if (!batch.ok()) {
        if (batch.status().code() != absl::StatusCode::kAborted) ++failures;  // a deadlock victim tries again
        continue;
      }
      if (batch->empty()) {
        ++empty;
        absl::SleepFor(absl::Milliseconds(5));
        continue;
      }
      empty = 0;
      {
        std::lock_guard<std::mutex> lock(mutex);
        for (const v1::Callback& callback : *batch) ++claims[callback.id()];
      }
      if (vanish) {  // gone with the batch, unreported
        abandoned += static_cast<int>(batch->size());
        return;
      }
      for (const v1::Callback& callback : *batch) {
        v1::ReportDispositionRequest request;
        request.set_callback_id(callback.id());
        request.set_lease_token(callback.lease_token());
        request.set_outcome(v1::CALL_OUTCOME_COMPLETED);
        absl::StatusOr<v1::ReportDispositionResponse> report =
            server.Report(request, std::stoll(callback.id()), tick());
        if (report.ok()) {
          ++completed;
        } else {
          ADD_FAILURE() << report.status();
          ++failures;
        }
      }
    }
  };
  // One dialer vanishes before the others start; some more vanish on the way.
  absl::StatusOr<std::vector<v1::Callback>> lost = store_->Fetch({.queue = "complaints"}, 5, absl::Minutes(5), tick());
  ASSERT_TRUE(lost.ok()) << lost.status();
  ASSERT_EQ(lost->size(), 5u);
  for (const v1::Callback& callback : *lost) ++claims[callback.id()];
  abandoned += 5;
  std::vector<std::thread> threads;
  for (int i = 0; i < dialers; ++i)
    threads.emplace_back(work, std::ref(*servers[i % servers.size()]), /*vanish=*/i % 8 == 7);
  for (std::thread& thread : threads) thread.join();
  ASSERT_EQ(failures.load(), 0);
  for (const auto& [id, count] : claims) EXPECT_EQ(count, 1) << "callback " << id << " was claimed twice";
  EXPECT_EQ(completed.load() + abandoned.load(), callbacks);

  // The vanished dialers' leases end; their callbacks come back, uncounted.
  clock_us.fetch_add(absl::ToInt64Microseconds(absl::Minutes(6)));
  absl::StatusOr<int> expired = store_->ExpireLeases(tick(), 1000);
  ASSERT_TRUE(expired.ok()) << expired.status();
  EXPECT_EQ(*expired, abandoned.load());
  work(*store_, /*vanish=*/false);
  EXPECT_EQ(completed.load(), callbacks);
  for (int i = 0; i < callbacks; ++i) {
    absl::StatusOr<revisits::RevisitStore::ListPage> page =
        revisits_->ListForCustomer("c" + std::to_string(i), -1, 0, 10);
    ASSERT_TRUE(page.ok());
    ASSERT_EQ(page->revisits.size(), 1u);
    EXPECT_EQ(page->revisits[0].state(), v1::REVISIT_STATE_COMPLETED);
    EXPECT_EQ(page->revisits[0].attempts(), 1) << "each attempt counted once; a vanished lease counts none";
  }
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(CallbackStoreTest);

}  // namespace
}  // namespace satisfaction::callbacks
