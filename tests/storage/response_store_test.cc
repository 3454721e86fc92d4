#include "services/responses/response_store.h"

#include <google/protobuf/util/time_util.h>

#include <atomic>
#include <map>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/callbacks/callback_store.h"
#include "services/customers/customer_store.h"
#include "services/customers/customer_validation.h"
#include "services/invitations/invitations.h"
#include "services/questionnaires/questionnaire_store.h"
#include "services/revisits/revisit_rule_store.h"
#include "services/revisits/revisit_rule_validation.h"
#include "services/storage/transaction.h"
#include "tests/support/backend_test.h"
#include "tests/support/sample_questionnaires.h"
#include "tests/support/test_database.h"

namespace satisfaction::responses {
namespace {

using google::protobuf::util::TimeUtil;

const absl::TimeZone kShanghai = absl::FixedTimeZone(8 * 3600);

long long IdOf(const std::string& id) {
  long long value = 0;
  EXPECT_TRUE(absl::SimpleAtoi(id, &value)) << id;
  return value;
}

v1::Answer Scored(const std::string& code, int score) {
  v1::Answer answer;
  answer.set_item_code(code);
  answer.set_score(score);
  return answer;
}

class ResponseStoreTest : public test_support::MigratedDatabaseTest {
 protected:
  ResponseStoreTest() : MigratedDatabaseTest(/*pool_size=*/60) {}

  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    revisits_ = std::make_unique<revisits::RevisitStore>(*database_);
    store_ = std::make_unique<ResponseStore>(*database_, *revisits_, kShanghai);
    // item_0 (overall, required), item_1 (logistics, required), comment (optional, 300 characters).
    ASSERT_TRUE(questionnaires::QuestionnaireStore(*database_)
                    .CreatePublishedFromTemplate("post-delivery", test_support::SampleQuestionnaire(), "", now_)
                    .ok());
    ASSERT_TRUE(questionnaires::QuestionnaireStore(*database_)
                    .CreatePublishedFromTemplate("other", test_support::SampleQuestionnaire("其他", 3), "", now_)
                    .ok());
    AddRule("delivery-survey", v1::TRIGGER_ORDER_DELIVERED, v1::CHANNEL_SMS, "post-delivery");
    AddRule("complaint-call", v1::TRIGGER_COMPLAINT_CLOSED, v1::CHANNEL_PHONE, "post-delivery");
    AddRule("after-sales-call", v1::TRIGGER_AFTER_SALES_CLOSED, v1::CHANNEL_PHONE, "");
    AddRule("recovery-call", v1::TRIGGER_LOW_SCORE, v1::CHANNEL_PHONE, "");
  }

  void AddRule(const std::string& id, v1::Trigger trigger, v1::Channel channel, const std::string& questionnaire) {
    v1::RevisitRule rule;
    rule.set_id(id);
    rule.add_customer_types(v1::CUSTOMER_TYPE_NEW);
    rule.set_trigger(trigger);
    rule.add_channels(channel);
    rule.set_questionnaire_id(questionnaire);
    rule.set_priority(trigger == v1::TRIGGER_LOW_SCORE ? 100 : 10);
    rule.set_queue("service");
    ASSERT_TRUE(revisits::NormalizeAndValidateRule("rule", rule).ok());
    ASSERT_TRUE(revisits::RevisitRuleStore(*database_).Create(rule, now_).ok());
  }

  // A customer (once) and a revisit for an event of it; returns the revisit's id.
  long long AddRevisit(const std::string& customer, v1::Trigger trigger, const std::string& event_id) {
    v1::Customer c;
    c.set_external_id(customer);
    c.set_name("王芳");
    c.set_phone("+8613800138000");
    c.set_serving_agent_id("agent-li");
    c.mutable_consent()->set_sms(true);
    c.mutable_consent()->set_phone(true);
    EXPECT_TRUE(customers::NormalizeAndValidateCustomer("customer", c).ok());
    EXPECT_TRUE(customers::CustomerStore(*database_).Upsert(c, now_ - absl::Hours(1)).ok());
    v1::Event event;
    event.set_event_id(event_id);
    event.set_customer_external_id(customer);
    event.set_trigger(trigger);
    *event.mutable_occur_time() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(now_ - absl::Hours(1)));
    absl::StatusOr<revisits::RevisitStore::EventResult> result = revisits_->RecordEvent(event, now_ - absl::Hours(1));
    EXPECT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->revisits.size(), 1u);
    return result->revisits.empty() ? 0 : IdOf(result->revisits[0].id());
  }

  // A new invitation to the survey of a revisit, as a message would carry.
  std::string Invite(long long revisit_id, absl::Time expires) {
    std::vector<std::string> tokens;
    EXPECT_TRUE(database_
                    ->InTransaction(storage::Access::kWrite,
                                    [&](storage::Transaction& tx) {
                                      tokens = invitations::IssueInvitations(tx, {{.revisit_id = revisit_id}},
                                                                             v1::CHANNEL_SMS, absl::ToUnixMicros(now_),
                                                                             absl::ToUnixMicros(expires));
                                      return absl::OkStatus();
                                    })
                    .ok());
    return tokens.at(0);
  }

  v1::SubmitResponseRequest ByInvitation(const std::string& token, std::vector<v1::Answer> answers) {
    v1::SubmitResponseRequest request;
    request.set_invitation_token(token);
    for (v1::Answer& answer : answers) *request.add_answers() = answer;
    return request;
  }

  long long Count(const std::string& sql) { return test_support::QueryNumber(*database_, sql); }

  std::unique_ptr<ResponseStore> store_;
  std::unique_ptr<revisits::RevisitStore> revisits_;
  // Monday 2026-11-23, 10:00 in Shanghai.
  absl::Time now_ = absl::FromCivil(absl::CivilSecond(2026, 11, 23, 10, 0, 0), kShanghai);
};

TEST_P(ResponseStoreTest, AWebResponseIsStoredWithItsContextAndCountedInTheAggregates) {
  long long revisit = AddRevisit("amy", v1::TRIGGER_ORDER_DELIVERED, "delivered-1");
  std::string token = Invite(revisit, now_ + absl::Hours(24 * 14));
  v1::Answer comment;
  comment.set_item_code("comment");
  comment.set_text("快递很快，包装也好");
  absl::StatusOr<v1::Response> stored =
      store_->Submit(ByInvitation(token, {Scored("item_0", 5), Scored("item_1", 4), comment}), now_);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->questionnaire_id(), "post-delivery");
  EXPECT_EQ(stored->questionnaire_version(), 1);
  EXPECT_EQ(stored->customer_external_id(), "amy");
  EXPECT_EQ(stored->customer_type(), v1::CUSTOMER_TYPE_NEW);
  EXPECT_EQ(stored->channel(), v1::CHANNEL_SMS);
  EXPECT_EQ(stored->agent_id(), "agent-li") << "the serving agent, for a web response";
  EXPECT_EQ(stored->revisit_id(), absl::StrCat(revisit));
  EXPECT_EQ(stored->submit_time().seconds(), absl::ToUnixSeconds(now_));
  ASSERT_EQ(stored->answers_size(), 3);
  EXPECT_TRUE(stored->recovery_revisit_id().empty());

  absl::StatusOr<v1::Response> read = store_->Get(IdOf(stored->id()));
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->DebugString(), stored->DebugString());
  EXPECT_EQ(
      Count(absl::StrCat("SELECT COUNT(*) FROM invitations WHERE revisit_id = ", revisit, " AND used_at_us IS NULL")),
      0);
  EXPECT_EQ(Count(absl::StrCat("SELECT state FROM revisits WHERE id = ", revisit)), v1::REVISIT_STATE_COMPLETED)
      << "answered online: the SMS still planned is moot";
  // One count for the response and one per 5-point answer, on the operator's day.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM response_rollups"), 3);
  EXPECT_EQ(Count("SELECT SUM(answers) FROM response_rollups WHERE item_code = '' AND score = 0 AND day = 20261123"
                  " AND customer_type = 1 AND channel = 2 AND agent_id = 'agent-li'"),
            1);
  EXPECT_EQ(Count("SELECT SUM(answers) FROM response_rollups WHERE item_code = 'item_0' AND score = 5"), 1);
  EXPECT_EQ(Count("SELECT SUM(answers) FROM response_rollups WHERE item_code = 'item_1' AND score = 4"), 1);
}

TEST_P(ResponseStoreTest, ASurveyIsAnsweredOnceWhicheverOfItsInvitationsIsUsed) {
  long long revisit = AddRevisit("amy", v1::TRIGGER_ORDER_DELIVERED, "delivered-1");
  std::string first_link = Invite(revisit, now_ + absl::Hours(24)),
              second_link = Invite(revisit, now_ + absl::Hours(24));
  absl::StatusOr<v1::Response> first =
      store_->Submit(ByInvitation(first_link, {Scored("item_0", 4), Scored("item_1", 4)}), now_);
  ASSERT_TRUE(first.ok()) << first.status();
  for (const std::string& token : {first_link, second_link}) {
    absl::StatusOr<v1::Response> again =
        store_->Submit(ByInvitation(token, {Scored("item_0", 1), Scored("item_1", 1)}), now_ + absl::Minutes(1));
    EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists) << again.status();
    EXPECT_TRUE(absl::StrContains(again.status().message(), absl::StrCat("'", first->id(), "'"))) << again.status();
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM responses"), 1);
  EXPECT_EQ(Count("SELECT SUM(answers) FROM response_rollups WHERE item_code = ''"), 1);
}

TEST_P(ResponseStoreTest, ARetryWithTheSameIdempotencyKeyGetsTheSameAnswerAndCountsOnce) {
  long long revisit = AddRevisit("amy", v1::TRIGGER_ORDER_DELIVERED, "delivered-1");
  v1::SubmitResponseRequest request =
      ByInvitation(Invite(revisit, now_ + absl::Hours(1)), {Scored("item_0", 5), Scored("item_1", 5)});
  request.set_idempotency_key("form-7f3a9c");
  absl::StatusOr<v1::Response> first = store_->Submit(request, now_);
  ASSERT_TRUE(first.ok()) << first.status();
  // Retried after the invitation expired: the answer stands.
  absl::StatusOr<v1::Response> retried = store_->Submit(request, now_ + absl::Hours(2));
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->DebugString(), first->DebugString());
  EXPECT_EQ(Count("SELECT SUM(answers) FROM response_rollups WHERE item_code = ''"), 1);

  long long other = AddRevisit("bob", v1::TRIGGER_ORDER_DELIVERED, "delivered-2");
  v1::SubmitResponseRequest reused =
      ByInvitation(Invite(other, now_ + absl::Hours(1)), {Scored("item_0", 5), Scored("item_1", 5)});
  reused.set_idempotency_key("form-7f3a9c");
  EXPECT_EQ(store_->Submit(reused, now_).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(ResponseStoreTest, ExpiredAndUnknownInvitationsStoreNothing) {
  long long revisit = AddRevisit("amy", v1::TRIGGER_ORDER_DELIVERED, "delivered-1");
  std::string token = Invite(revisit, now_ + absl::Hours(1));
  absl::StatusOr<v1::Response> late =
      store_->Submit(ByInvitation(token, {Scored("item_0", 5), Scored("item_1", 5)}), now_ + absl::Hours(1));
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition) << late.status();
  EXPECT_TRUE(absl::StrContains(late.status().message(), "expired")) << late.status();
  absl::StatusOr<v1::Response> guessed =
      store_->Submit(ByInvitation("AAAAAAAAAAAAAAAAAAAAAA", {Scored("item_0", 5), Scored("item_1", 5)}), now_);
  EXPECT_EQ(guessed.status().code(), absl::StatusCode::kNotFound) << guessed.status();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM responses"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM response_rollups"), 0);
}

TEST_P(ResponseStoreTest, BadAnswersAreRefusedNamingTheAnswerAndStoreNothing) {
  long long revisit = AddRevisit("amy", v1::TRIGGER_ORDER_DELIVERED, "delivered-1");
  std::string token = Invite(revisit, now_ + absl::Hours(24));
  v1::Answer scored_comment = Scored("comment", 3), texted_score = Scored("item_1", 4), long_comment;
  texted_score.set_text("很好");
  long_comment.set_item_code("comment");
  long_comment.set_text(std::string(301, 'x'));
  struct Case {
    std::vector<v1::Answer> answers;
    std::string field;
  };
  for (const Case& bad : std::vector<Case>{
           {{Scored("item_0", 0), Scored("item_1", 4)}, "answers[0].score"},
           {{Scored("item_0", 6), Scored("item_1", 4)}, "answers[0].score"},
           {{Scored("item_0", 5), Scored("item_1", -1)}, "answers[1].score"},
           {{Scored("item_0", 5)}, "answers"},  // item_1 is required
           {{Scored("item_0", 5), Scored("item_1", 4), Scored("item_9", 4)}, "answers[2].item_code"},
           {{Scored("item_0", 5), Scored("item_0", 4), Scored("item_1", 4)}, "answers[1].item_code"},
           {{Scored("item_0", 5), texted_score}, "answers[1].text"},
           {{Scored("item_0", 5), Scored("item_1", 4), scored_comment}, "answers[2].score"},
           {{Scored("item_0", 5), Scored("item_1", 4), long_comment}, "answers[2].text"},
           {{Scored("item_2", 5), Scored("item_0", 5), Scored("item_1", 4)}, "answers[0].item_code"},  // "other"'s
       }) {
    absl::StatusOr<v1::Response> refused = store_->Submit(ByInvitation(token, bad.answers), now_);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << bad.field << ": " << refused.status();
    EXPECT_TRUE(absl::StartsWith(refused.status().message(), bad.field + ":")) << refused.status();
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM responses"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM response_answers"), 0);
  EXPECT_TRUE(store_->Submit(ByInvitation(token, {Scored("item_0", 5), Scored("item_1", 4)}), now_).ok())
      << "the invitation still works";
}

TEST_P(ResponseStoreTest, AnAgentAnswersOnACallUnderTheCallbacksLease) {
  long long revisit = AddRevisit("amy", v1::TRIGGER_COMPLAINT_CLOSED, "complaint-1");
  callbacks::CallbackStore callbacks(*database_, absl::Hours(2), "https://survey.example.cn");
  absl::StatusOr<std::vector<v1::Callback>> fetched =
      callbacks.Fetch({.queue = "service", .agent_id = "agent-wang"}, 1, absl::Minutes(5), now_);
  ASSERT_TRUE(fetched.ok()) << fetched.status();
  ASSERT_EQ(fetched->size(), 1u);
  const v1::Callback& call = fetched->at(0);
  ASSERT_EQ(IdOf(call.id()), revisit);

  v1::SubmitResponseRequest request;
  request.mutable_callback()->set_callback_id(call.id());
  request.mutable_callback()->set_lease_token(absl::StrCat(std::string(32, '0'), ".", call.id()));
  *request.add_answers() = Scored("item_0", 4);
  *request.add_answers() = Scored("item_1", 3);
  EXPECT_EQ(store_->Submit(request, now_).status().code(), absl::StatusCode::kFailedPrecondition) << "not its lease";
  request.mutable_callback()->set_lease_token("garbage");
  EXPECT_EQ(store_->Submit(request, now_).status().code(), absl::StatusCode::kInvalidArgument);
  request.mutable_callback()->set_lease_token(call.lease_token());
  EXPECT_EQ(store_->Submit(request, now_ + absl::Minutes(6)).status().code(), absl::StatusCode::kFailedPrecondition)
      << "the lease ended";

  absl::StatusOr<v1::Response> stored = store_->Submit(request, now_ + absl::Minutes(1));
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->channel(), v1::CHANNEL_PHONE);
  EXPECT_EQ(stored->agent_id(), "agent-wang") << "the lease's holder";
  EXPECT_EQ(stored->questionnaire_version(), 1);

  // A call without a survey has nothing to answer.
  long long plain = AddRevisit("bob", v1::TRIGGER_AFTER_SALES_CLOSED, "after-sales-1");
  absl::StatusOr<std::vector<v1::Callback>> plain_call =
      callbacks.Fetch({.queue = "service"}, 1, absl::Minutes(5), now_ + absl::Minutes(2));
  ASSERT_TRUE(plain_call.ok());
  ASSERT_EQ(plain_call->size(), 1u);
  ASSERT_EQ(IdOf(plain_call->at(0).id()), plain);
  request.mutable_callback()->set_callback_id(plain_call->at(0).id());
  request.mutable_callback()->set_lease_token(plain_call->at(0).lease_token());
  EXPECT_EQ(store_->Submit(request, now_ + absl::Minutes(2)).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_P(ResponseStoreTest, ALowScoreOpensOneRecoveryCallbackPerCustomer) {
  long long first = AddRevisit("amy", v1::TRIGGER_ORDER_DELIVERED, "delivered-1");
  long long second = AddRevisit("amy", v1::TRIGGER_COMPLAINT_CLOSED, "complaint-1");
  // A low score on logistics alone is not a mark of the rule.
  long long third = AddRevisit("bob", v1::TRIGGER_ORDER_DELIVERED, "delivered-2");
  absl::StatusOr<v1::Response> logistics = store_->Submit(
      ByInvitation(Invite(third, now_ + absl::Hours(1)), {Scored("item_0", 4), Scored("item_1", 1)}), now_);
  ASSERT_TRUE(logistics.ok()) << logistics.status();
  EXPECT_TRUE(logistics->recovery_revisit_id().empty());

  absl::StatusOr<v1::Response> angry = store_->Submit(
      ByInvitation(Invite(first, now_ + absl::Hours(1)), {Scored("item_0", 2), Scored("item_1", 5)}), now_);
  ASSERT_TRUE(angry.ok()) << angry.status();
  ASSERT_FALSE(angry->recovery_revisit_id().empty());
  std::string recovery = angry->recovery_revisit_id();
  EXPECT_EQ(Count(absl::StrCat("SELECT trigger_kind FROM revisits WHERE id = ", recovery)), v1::TRIGGER_LOW_SCORE);
  EXPECT_EQ(Count(absl::StrCat("SELECT channel FROM revisits WHERE id = ", recovery)), v1::CHANNEL_PHONE);
  EXPECT_EQ(Count(absl::StrCat("SELECT priority FROM revisits WHERE id = ", recovery)), 100);

  // While that recovery is open, another low score opens no second one.
  absl::StatusOr<v1::Response> again =
      store_->Submit(ByInvitation(Invite(second, now_ + absl::Hours(1)), {Scored("item_0", 1), Scored("item_1", 1)}),
                     now_ + absl::Minutes(5));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->recovery_revisit_id().empty());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM revisits WHERE trigger_kind = 5"), 1);
}

TEST_P(ResponseStoreTest, TwoLowScoresOfOneCustomerAtOnceOpenOneRecovery) {
  std::vector<std::string> tokens = {
      Invite(AddRevisit("amy", v1::TRIGGER_ORDER_DELIVERED, "delivered-1"), now_ + absl::Hours(1)),
      Invite(AddRevisit("amy", v1::TRIGGER_COMPLAINT_CLOSED, "complaint-1"), now_ + absl::Hours(1))};
  std::atomic<int> stored{0};
  std::vector<std::thread> threads;
  for (const std::string& token : tokens) {
    threads.emplace_back([&, token] {
      if (store_->Submit(ByInvitation(token, {Scored("item_0", 1), Scored("item_1", 1)}), now_).ok()) ++stored;
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(stored.load(), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM revisits WHERE trigger_kind = 5"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM responses WHERE recovery_revisit_id IS NOT NULL"), 1);
}

TEST_P(ResponseStoreTest, FiftySubmissionsOfOneInvitationAtOnceStoreExactlyOne) {
  long long revisit = AddRevisit("amy", v1::TRIGGER_ORDER_DELIVERED, "delivered-1");
  std::string token = Invite(revisit, now_ + absl::Hours(24));
  std::atomic<int> stored{0}, already{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&, i] {
      absl::StatusOr<v1::Response> result =
          store_->Submit(ByInvitation(token, {Scored("item_0", 1 + i % 5), Scored("item_1", 3)}), now_);
      if (result.ok()) {
        ++stored;
      } else if (result.status().code() == absl::StatusCode::kAlreadyExists) {
        ++already;
      } else {
        ++other;
        ADD_FAILURE() << result.status();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(stored.load(), 1);
  EXPECT_EQ(already.load(), 49);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM responses"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM response_answers"), 2);
  EXPECT_EQ(Count("SELECT SUM(answers) FROM response_rollups WHERE item_code = ''"), 1);
}

// Web submissions arriving together are committed together; each is still
// judged on its own: refusals cost the others nothing.
TEST_P(ResponseStoreTest, SubmissionsOfManySurveysAtOnceAreEachAnsweredOnTheirOwn) {
  std::vector<std::string> tokens;
  for (int i = 0; i < 12; ++i) {
    std::string customer = absl::StrCat("customer-", i);
    tokens.push_back(Invite(AddRevisit(customer, v1::TRIGGER_ORDER_DELIVERED, customer), now_ + absl::Hours(24)));
  }
  std::string expired = Invite(AddRevisit("late", v1::TRIGGER_ORDER_DELIVERED, "late"), now_ - absl::Minutes(1));
  struct Case {
    std::string token, key;
    int score;
    absl::StatusCode expected;
  };
  std::vector<Case> cases;
  for (int i = 0; i < 8; ++i) cases.push_back({tokens[i], absl::StrCat("key-", i), 4, absl::StatusCode::kOk});
  cases.push_back({tokens[8], "", 6, absl::StatusCode::kInvalidArgument});
  cases.push_back({expired, "", 4, absl::StatusCode::kFailedPrecondition});
  cases.push_back({"no-such-token", "", 4, absl::StatusCode::kNotFound});
  // One survey twice (one answer stands), and two surveys with one key (the second is refused).
  cases.push_back({tokens[9], "", 5, absl::StatusCode::kOk});
  cases.push_back({tokens[9], "", 5, absl::StatusCode::kAlreadyExists});
  cases.push_back({tokens[10], "shared-key", 3, absl::StatusCode::kOk});
  cases.push_back({tokens[11], "shared-key", 3, absl::StatusCode::kInvalidArgument});

  std::vector<absl::StatusCode> outcomes(cases.size());
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (size_t i = 0; i < cases.size(); ++i) {
    threads.emplace_back([&, i] {
      v1::SubmitResponseRequest request =
          ByInvitation(cases[i].token, {Scored("item_0", cases[i].score), Scored("item_1", 4)});
      request.set_idempotency_key(cases[i].key);
      while (!go) std::this_thread::yield();
      outcomes[i] = store_->Submit(request, now_).status().code();
    });
  }
  go = true;
  for (std::thread& thread : threads) thread.join();

  // Which of the pairs wins is a race; each pair has one winner and one loser.
  std::map<absl::StatusCode, int> tally;
  for (size_t i = 0; i < cases.size(); ++i) {
    if (i < 11) {
      EXPECT_EQ(outcomes[i], cases[i].expected) << "case " << i;
    }
    ++tally[outcomes[i]];
  }
  EXPECT_EQ(tally[absl::StatusCode::kOk], 10);
  EXPECT_EQ(tally[absl::StatusCode::kAlreadyExists], 1);
  EXPECT_EQ(tally[absl::StatusCode::kInvalidArgument], 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM responses"), 10);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM response_answers"), 20);
  EXPECT_EQ(Count("SELECT SUM(answers) FROM response_rollups WHERE item_code = ''"), 10);
  EXPECT_EQ(Count("SELECT SUM(answers) FROM response_rollups WHERE item_code = 'item_1' AND score = 4"), 10);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM invitations WHERE used_at_us IS NOT NULL"), 10);
  // The refused link still works.
  EXPECT_TRUE(store_->Submit(ByInvitation(tokens[8], {Scored("item_0", 5), Scored("item_1", 5)}), now_).ok());
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(ResponseStoreTest);

}  // namespace
}  // namespace satisfaction::responses
