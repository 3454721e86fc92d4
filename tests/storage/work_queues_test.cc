#include "services/revisits/work_queues.h"

#include <google/protobuf/util/time_util.h>

#include <string>

#include "gtest/gtest.h"
#include "services/customers/customer_store.h"
#include "services/customers/customer_validation.h"
#include "services/revisits/revisit_rule_store.h"
#include "services/revisits/revisit_rule_validation.h"
#include "services/revisits/revisit_store.h"
#include "tests/support/backend_test.h"
#include "tests/support/test_database.h"

namespace satisfaction::revisits {
namespace {

using google::protobuf::util::TimeUtil;

constexpr absl::Duration kGrace = absl::Minutes(10);
constexpr absl::Duration kOverdueAfter = absl::Hours(1);

// Real revisits, planned by the store from real rules, read at later times:
// a survey SMS and a recovery call reserved for the customer's agent, both
// due at 10:00 in Shanghai.
class WorkQueuesTest : public test_support::MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    v1::Customer customer;
    customer.set_external_id("c1");
    customer.set_phone("+8613800138000");
    customer.set_serving_agent_id("agent-7");
    customer.mutable_consent()->set_sms(true);
    customer.mutable_consent()->set_phone(true);
    ASSERT_TRUE(customers::NormalizeAndValidateCustomer("customer", customer).ok());
    ASSERT_TRUE(customers::CustomerStore(*database_).Upsert(customer, now_).ok());
    ASSERT_NO_FATAL_FAILURE(AddRule("survey", v1::TRIGGER_ORDER_DELIVERED, v1::CHANNEL_SMS));
    ASSERT_NO_FATAL_FAILURE(AddRule("recovery", v1::TRIGGER_LOW_SCORE, v1::CHANNEL_PHONE));
    RevisitStore store(*database_);
    for (auto [id, trigger] : {std::pair{"delivered", v1::TRIGGER_ORDER_DELIVERED}, {"low", v1::TRIGGER_LOW_SCORE}}) {
      v1::Event event;
      event.set_event_id(id);
      event.set_customer_external_id("c1");
      event.set_trigger(trigger);
      *event.mutable_occur_time() = TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(now_));
      absl::StatusOr<RevisitStore::EventResult> recorded = store.RecordEvent(event, now_);
      ASSERT_TRUE(recorded.ok()) << recorded.status();
      ASSERT_EQ(recorded->revisits.size(), 1u) << id;
    }
  }

  void AddRule(const std::string& id, v1::Trigger trigger, v1::Channel channel) {
    v1::RevisitRule rule;
    rule.set_id(id);
    rule.add_customer_types(v1::CUSTOMER_TYPE_NEW);
    rule.set_trigger(trigger);
    rule.add_channels(channel);
    rule.set_reserve_for_serving_agent(channel == v1::CHANNEL_PHONE);
    rule.mutable_expiry()->set_seconds(3 * 86400);
    absl::Status valid = NormalizeAndValidateRule("rule", rule);
    ASSERT_TRUE(valid.ok()) << valid;
    ASSERT_TRUE(RevisitRuleStore(*database_).Create(rule, now_).ok());
  }

  WorkQueues ReadAt(absl::Time at) {
    absl::StatusOr<WorkQueues> queues = ReadWorkQueues(*database_, at, kGrace, kOverdueAfter);
    EXPECT_TRUE(queues.ok()) << queues.status();
    return queues.value_or(WorkQueues{});
  }

  absl::Time now_ = absl::FromCivil(absl::CivilSecond(2026, 11, 23, 10, 0, 0), absl::FixedTimeZone(8 * 3600));
};

TEST_P(WorkQueuesTest, NothingIsDueBeforeItsTimeButTheRecoveryIsOpen) {
  WorkQueues early = ReadAt(now_ - absl::Minutes(1));
  EXPECT_TRUE(early.callbacks_by_queue.empty());
  EXPECT_TRUE(early.outbox_by_channel.empty());
  EXPECT_EQ(early.reserved_past_grace, 0);
  EXPECT_EQ(early.recoveries_open, 1);
  EXPECT_EQ(early.recoveries_overdue, 0);
}

TEST_P(WorkQueuesTest, WaitsGrowUntilTheGraceAndThenTheRecoveryLimitRunOut) {
  WorkQueues due = ReadAt(now_ + absl::Minutes(5));
  ASSERT_EQ(due.callbacks_by_queue.size(), 1u);
  EXPECT_EQ(due.callbacks_by_queue[0].name, "default");
  EXPECT_EQ(due.callbacks_by_queue[0].due, 1);
  EXPECT_EQ(due.callbacks_by_queue[0].oldest_wait, absl::Minutes(5));
  ASSERT_EQ(due.outbox_by_channel.size(), 1u);
  EXPECT_EQ(due.outbox_by_channel[0].name, "sms");
  EXPECT_EQ(due.outbox_by_channel[0].due, 1);
  EXPECT_EQ(due.reserved_past_grace, 0) << "the agent's grace still runs";
  EXPECT_EQ(due.recoveries_overdue, 0);

  WorkQueues past_grace = ReadAt(now_ + absl::Minutes(30));
  EXPECT_EQ(past_grace.reserved_past_grace, 1) << "only the call is reserved: messages have no agent";
  EXPECT_EQ(past_grace.recoveries_overdue, 0);

  WorkQueues overdue = ReadAt(now_ + absl::Hours(2));
  EXPECT_EQ(overdue.recoveries_open, 1);
  EXPECT_EQ(overdue.recoveries_overdue, 1);
  EXPECT_EQ(overdue.callbacks_by_queue[0].oldest_wait, absl::Hours(2));
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(WorkQueuesTest);

}  // namespace
}  // namespace satisfaction::revisits
