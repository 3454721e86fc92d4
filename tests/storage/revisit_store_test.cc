#include "services/revisits/revisit_store.h"

#include <google/protobuf/util/time_util.h>

#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "services/customers/customer_store.h"
#include "services/customers/customer_validation.h"
#include "services/revisits/revisit_rule_store.h"
#include "services/revisits/revisit_rule_validation.h"
#include "tests/support/backend_test.h"
#include "tests/support/test_database.h"

namespace satisfaction::revisits {
namespace {

using google::protobuf::util::TimeUtil;

class RevisitStoreTest : public test_support::MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    store_ = std::make_unique<RevisitStore>(*database_);
    v1::Customer customer;
    customer.set_external_id("c1");
    customer.set_phone("+8613800138000");
    customer.mutable_consent()->set_sms(true);
    ASSERT_TRUE(customers::NormalizeAndValidateCustomer("customer", customer).ok());
    ASSERT_TRUE(customers::CustomerStore(*database_).Upsert(customer, now_).ok());
    v1::RevisitRule rule;
    rule.set_id("survey");
    rule.add_customer_types(v1::CUSTOMER_TYPE_NEW);
    rule.set_trigger(v1::TRIGGER_ORDER_DELIVERED);
    rule.add_channels(v1::CHANNEL_SMS);
    rule.set_questionnaire_id("post-delivery");
    rule.mutable_expiry()->set_seconds(60 * 86400);
    ASSERT_TRUE(NormalizeAndValidateRule("rule", rule).ok());
    ASSERT_TRUE(RevisitRuleStore(*database_).Create(rule, now_).ok());
  }

  v1::Event Event(const std::string& id) {
    v1::Event event;
    event.set_event_id(id);
    event.set_customer_external_id("c1");
    event.set_trigger(v1::TRIGGER_ORDER_DELIVERED);
    *event.mutable_occur_time() = TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(now_));
    return event;
  }

  std::unique_ptr<RevisitStore> store_;
  absl::Time now_ = absl::FromCivil(absl::CivilSecond(2026, 11, 23, 10, 0, 0), absl::FixedTimeZone(8 * 3600));
};

TEST_P(RevisitStoreTest, AnEventIsPlannedOnceAndAgainReturnsTheSame) {
  absl::StatusOr<RevisitStore::EventResult> first = store_->RecordEvent(Event("e1"), now_);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->created);
  ASSERT_EQ(first->revisits.size(), 1u);
  EXPECT_EQ(first->revisits[0].channel(), v1::CHANNEL_SMS);
  EXPECT_EQ(first->revisits[0].due_time().seconds(), absl::ToUnixSeconds(now_)) << "no delay, inside the hours";
  absl::StatusOr<RevisitStore::EventResult> again = store_->RecordEvent(Event("e1"), now_ + absl::Minutes(5));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created);
  ASSERT_EQ(again->revisits.size(), 1u);
  EXPECT_EQ(again->revisits[0].id(), first->revisits[0].id());
}

TEST_P(RevisitStoreTest, WaitingRevisitsArePlannedAgainWhenTheHoursOrTheZoneChange) {
  absl::StatusOr<RevisitStore::EventResult> planned = store_->RecordEvent(Event("e1"), now_);
  ASSERT_TRUE(planned.ok()) << planned.status();
  ASSERT_EQ(planned->revisits.size(), 1u);
  const std::string id = planned->revisits[0].id();
  customers::CustomerStore customers(*database_);
  auto due = [&] {
    return absl::FromUnixMicros(
        test_support::QueryNumber(*database_, "SELECT due_at_us FROM revisits WHERE id = " + id));
  };
  EXPECT_EQ(due(), now_) << "10:00 in Shanghai, inside the message hours";
  EXPECT_EQ(*customers.ReplanForContactPolicy(now_, 500), 0) << "no change of the hours yet";

  // Messages from noon only, every day.
  v1::ContactPolicy update;
  v1::WeeklyWindows& week = *update.mutable_message_windows();
  for (v1::TimeWindow* day :
       {week.mutable_monday(), week.mutable_tuesday(), week.mutable_wednesday(), week.mutable_thursday(),
        week.mutable_friday(), week.mutable_saturday(), week.mutable_sunday()}) {
    day->set_start("12:00");
    day->set_end("21:00");
  }
  google::protobuf::FieldMask mask;
  mask.add_paths("message_windows");
  ASSERT_TRUE(store_->UpdateContactPolicy(update, mask, now_).ok());
  absl::StatusOr<int> replanned = customers.ReplanForContactPolicy(now_, 500);
  ASSERT_TRUE(replanned.ok()) << replanned.status();
  EXPECT_EQ(*replanned, 1) << "one customer gone through, and the pass done";
  EXPECT_EQ(due(), now_ + absl::Hours(2)) << "noon in Shanghai";
  EXPECT_EQ(*customers.ReplanForContactPolicy(now_, 500), 0) << "done until the hours change again";

  // The customer moves to New York: noon there.
  v1::Customer moved;
  moved.set_external_id("c1");
  moved.set_phone("+8613800138000");
  moved.set_time_zone("America/New_York");
  moved.mutable_consent()->set_sms(true);
  ASSERT_TRUE(customers::NormalizeAndValidateCustomer("customer", moved).ok());
  ASSERT_TRUE(customers.Upsert(moved, now_).ok());
  absl::TimeZone new_york;
  ASSERT_TRUE(absl::LoadTimeZone("America/New_York", &new_york));
  absl::CivilSecond local = new_york.At(due()).cs;
  EXPECT_EQ(local.hour(), 12) << local;
  EXPECT_GE(due(), now_);
}

TEST_P(RevisitStoreTest, ConcurrentEventsOfOneCustomerKeepTheBudget) {
  std::vector<std::thread> shops;
  for (int i = 0; i < 6; ++i) {
    shops.emplace_back([&, i] {
      absl::StatusOr<RevisitStore::EventResult> result = store_->RecordEvent(Event("e" + std::to_string(i)), now_);
      ASSERT_TRUE(result.ok()) << result.status();
    });
  }
  for (std::thread& shop : shops) shop.join();
  absl::StatusOr<RevisitStore::ListPage> all = store_->ListForCustomer("c1", -1, 0, 100);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->revisits.size(), 6u);
  for (size_t i = 1; i < all->revisits.size(); ++i) {
    EXPECT_GE(all->revisits[i].due_time().seconds() - all->revisits[i - 1].due_time().seconds(), 7 * 86400)
        << "one survey a week at most";
  }
}

TEST_P(RevisitStoreTest, PeriodicCareReachesEachCustomerOncePerInterval) {
  v1::Customer loyal;
  loyal.set_external_id("loyal-1");
  loyal.set_phone("+8613900139000");
  loyal.mutable_consent()->set_phone(true);
  loyal.set_type_override(v1::CUSTOMER_TYPE_LOYAL);
  ASSERT_TRUE(customers::NormalizeAndValidateCustomer("customer", loyal).ok());
  ASSERT_TRUE(customers::CustomerStore(*database_).Upsert(loyal, now_).ok());
  v1::RevisitRule care;
  care.set_id("loyal-care");
  care.add_customer_types(v1::CUSTOMER_TYPE_LOYAL);
  care.set_trigger(v1::TRIGGER_PERIODIC_CARE);
  care.add_channels(v1::CHANNEL_PHONE);
  care.set_questionnaire_id("loyalty-care");
  care.mutable_care_interval()->set_seconds(90 * 86400);
  ASSERT_TRUE(NormalizeAndValidateRule("rule", care).ok());
  ASSERT_TRUE(RevisitRuleStore(*database_).Create(care, now_).ok());

  absl::StatusOr<int> first = store_->PlanPeriodicCare(now_, 100);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, 1) << "the loyal customer, not the new one";
  absl::StatusOr<RevisitStore::ListPage> planned = store_->ListForCustomer("loyal-1", -1, 0, 10);
  ASSERT_TRUE(planned.ok());
  ASSERT_EQ(planned->revisits.size(), 1u);
  EXPECT_EQ(planned->revisits[0].rule_id(), "loyal-care");
  EXPECT_EQ(planned->revisits[0].channel(), v1::CHANNEL_PHONE);

  EXPECT_EQ(*store_->PlanPeriodicCare(now_ + absl::Hours(24), 100), 0) << "cared for this period";

  // Three replicas running the job at once still plan the next care once.
  std::vector<std::thread> replicas;
  for (int i = 0; i < 3; ++i) {
    replicas.emplace_back([&] { EXPECT_TRUE(store_->PlanPeriodicCare(now_ + absl::Hours(24 * 91), 100).ok()); });
  }
  for (std::thread& replica : replicas) replica.join();
  EXPECT_EQ(store_->ListForCustomer("loyal-1", -1, 0, 10)->revisits.size(), 2u);
  EXPECT_EQ(*store_->PlanPeriodicCare(now_ + absl::Hours(24 * 92), 100), 0) << "and nothing more this period";
}

TEST_P(RevisitStoreTest, ANewContactPolicyPlansTheNextEventOnEveryServer) {
  ASSERT_TRUE(store_->RecordEvent(Event("before"), now_).ok());  // this server has the defaults cached

  // Another server: messages only 14:00-15:00, none today (a holiday), and up
  // to ten surveys an hour.
  v1::ContactPolicy update;
  for (v1::TimeWindow* day :
       {update.mutable_message_windows()->mutable_monday(), update.mutable_message_windows()->mutable_tuesday()}) {
    day->set_start("14:00");
    day->set_end("15:00");
  }
  update.add_holidays("2026-11-23");
  update.mutable_survey_cap()->set_max_contacts(10);
  update.mutable_survey_cap()->mutable_period()->set_seconds(3600);
  google::protobuf::FieldMask mask;
  for (const char* path : {"message_windows", "holidays", "survey_cap"}) mask.add_paths(path);
  RevisitStore elsewhere(*database_);
  absl::StatusOr<v1::ContactPolicy> updated = elsewhere.UpdateContactPolicy(update, mask, now_);
  ASSERT_TRUE(updated.ok()) << updated.status();

  absl::StatusOr<RevisitStore::EventResult> after = store_->RecordEvent(Event("after"), now_);
  ASSERT_TRUE(after.ok()) << after.status();
  ASSERT_EQ(after->revisits.size(), 1u);
  absl::Time tuesday_two_pm = absl::FromCivil(absl::CivilSecond(2026, 11, 24, 14, 0, 0), absl::FixedTimeZone(8 * 3600));
  EXPECT_EQ(after->revisits[0].due_time().seconds(), absl::ToUnixSeconds(tuesday_two_pm))
      << "the first message window after the holiday, although a survey was planned for today";
  absl::StatusOr<v1::ContactPolicy> seen = store_->GetContactPolicy();
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(seen->etag(), updated->etag());
}

TEST_P(RevisitStoreTest, LeavingATypeCancelsItsPlannedCareButNotEventRevisits) {
  v1::RevisitRule care;
  care.set_id("welcome-care");
  care.add_customer_types(v1::CUSTOMER_TYPE_NEW);
  care.set_trigger(v1::TRIGGER_PERIODIC_CARE);
  care.add_channels(v1::CHANNEL_SMS);
  care.mutable_care_interval()->set_seconds(30 * 86400);
  care.mutable_delay()->set_seconds(8 * 86400);  // after the event survey's budget week
  ASSERT_TRUE(NormalizeAndValidateRule("rule", care).ok());
  ASSERT_TRUE(RevisitRuleStore(*database_).Create(care, now_).ok());
  ASSERT_TRUE(store_->RecordEvent(Event("delivered"), now_).ok());
  ASSERT_EQ(*store_->PlanPeriodicCare(now_, 100), 1);
  absl::StatusOr<RevisitStore::ListPage> planned = store_->ListForCustomer("c1", -1, 0, 10);
  ASSERT_TRUE(planned.ok());
  ASSERT_EQ(planned->revisits.size(), 2u);

  // The shop marks the customer loyal: the care for new customers is moot.
  v1::Customer c1 = *customers::CustomerStore(*database_).Get("c1");
  c1.set_type_override(v1::CUSTOMER_TYPE_LOYAL);
  ASSERT_TRUE(customers::NormalizeAndValidateCustomer("customer", c1).ok());
  ASSERT_TRUE(customers::CustomerStore(*database_).Upsert(c1, now_ + absl::Hours(1)).ok());
  absl::StatusOr<RevisitStore::ListPage> after = store_->ListForCustomer("c1", -1, 0, 10);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->revisits.size(), 2u);
  for (const v1::Revisit& revisit : after->revisits) {
    if (revisit.rule_id() == "welcome-care") {
      EXPECT_EQ(revisit.state(), v1::REVISIT_STATE_CANCELLED);
      EXPECT_FALSE(revisit.state_reason().empty());
    } else {
      EXPECT_EQ(revisit.state(), v1::REVISIT_STATE_PLANNED) << "the delivery it asks about still happened";
    }
  }
}

TEST_P(RevisitStoreTest, AChurnedCustomerOrderingAgainNeedsNoWinBackCall) {
  v1::RevisitRule win_back;
  win_back.set_id("win-back");
  win_back.add_customer_types(v1::CUSTOMER_TYPE_CHURNED);
  win_back.set_trigger(v1::TRIGGER_PERIODIC_CARE);
  win_back.add_channels(v1::CHANNEL_SMS);
  win_back.mutable_care_interval()->set_seconds(180 * 86400);
  win_back.mutable_delay()->set_seconds(2 * 86400);
  ASSERT_TRUE(NormalizeAndValidateRule("rule", win_back).ok());
  ASSERT_TRUE(RevisitRuleStore(*database_).Create(win_back, now_).ok());
  customers::CustomerStore customers(*database_);
  v1::Order old_order;
  old_order.set_order_id("o-old");
  old_order.set_customer_external_id("c1");
  old_order.set_amount_minor(5000);
  old_order.mutable_order_time()->set_seconds(absl::ToUnixSeconds(now_ - absl::Hours(24 * 400)));
  old_order.set_status(v1::ORDER_STATUS_DELIVERED);
  ASSERT_TRUE(customers.RecordOrder(old_order, now_).ok());
  ASSERT_EQ(customers.Get("c1")->type(), v1::CUSTOMER_TYPE_CHURNED);
  ASSERT_EQ(*store_->PlanPeriodicCare(now_, 100), 1);

  v1::Order new_order = old_order;
  new_order.set_order_id("o-new");
  new_order.mutable_order_time()->set_seconds(absl::ToUnixSeconds(now_));
  ASSERT_TRUE(customers.RecordOrder(new_order, now_ + absl::Hours(1)).ok());
  absl::StatusOr<RevisitStore::ListPage> revisits = store_->ListForCustomer("c1", -1, 0, 10);
  ASSERT_TRUE(revisits.ok());
  ASSERT_EQ(revisits->revisits.size(), 1u);
  EXPECT_EQ(revisits->revisits[0].state(), v1::REVISIT_STATE_CANCELLED);
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(RevisitStoreTest);

}  // namespace
}  // namespace satisfaction::revisits
