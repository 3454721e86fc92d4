#include "services/customers/customer_store.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "services/customers/customer_validation.h"
#include "tests/support/backend_test.h"

namespace satisfaction::customers {
namespace {

class CustomerStoreTest : public test_support::MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    store_ = std::make_unique<CustomerStore>(*database_);
  }

  static v1::Customer Customer(const std::string& id) {
    v1::Customer c;
    c.set_external_id(id);
    c.set_name("客户 " + id);
    c.set_phone("+8613800138000");
    c.mutable_consent()->set_sms(true);
    c.add_tags("vip");
    EXPECT_TRUE(NormalizeAndValidateCustomer("customer", c).ok());
    return c;
  }

  std::unique_ptr<CustomerStore> store_;
  absl::Time now_ = absl::FromUnixSeconds(1'800'000'000);
};

TEST_P(CustomerStoreTest, FirstUpsertCreatesANewCustomer) {
  absl::StatusOr<CustomerStore::UpsertResult> result = store_->Upsert(Customer("c1"), now_);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->created);
  EXPECT_EQ(result->customer.type(), v1::CUSTOMER_TYPE_NEW);
  EXPECT_EQ(result->customer.computed_type(), v1::CUSTOMER_TYPE_NEW);
  EXPECT_EQ(result->customer.rfm().recency(), 1);
  EXPECT_EQ(result->customer.time_zone(), "Asia/Shanghai");
  EXPECT_TRUE(result->customer.consent().sms());
  EXPECT_EQ(result->customer.tags_size(), 1);
  EXPECT_EQ(result->customer.create_time().seconds(), 1'800'000'000);
  absl::StatusOr<v1::Customer> read = store_->Get("c1");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->name(), "客户 c1");
  EXPECT_EQ(store_->Get("missing").status().code(), absl::StatusCode::kNotFound);
}

TEST_P(CustomerStoreTest, UpsertReplacesFieldsButNeverUndoesAnOptOut) {
  v1::Customer c = Customer("c1");
  c.mutable_opted_out()->set_sms(true);
  ASSERT_TRUE(store_->Upsert(c, now_).ok());
  v1::Customer again = Customer("c1");
  again.set_name("新名字");
  again.clear_tags();
  again.add_tags("wholesale");
  again.set_type_override(v1::CUSTOMER_TYPE_LOYAL);
  absl::StatusOr<CustomerStore::UpsertResult> result = store_->Upsert(again, now_ + absl::Hours(1));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->created);
  EXPECT_EQ(result->customer.name(), "新名字");
  EXPECT_TRUE(result->customer.opted_out().sms()) << "the opt-out stays";
  EXPECT_EQ(result->customer.tags_size(), 1);
  EXPECT_EQ(result->customer.tags(0), "wholesale");
  EXPECT_EQ(result->customer.type(), v1::CUSTOMER_TYPE_LOYAL);
  EXPECT_EQ(result->customer.computed_type(), v1::CUSTOMER_TYPE_NEW);
  EXPECT_EQ(result->customer.create_time().seconds(), 1'800'000'000);
  EXPECT_EQ(result->customer.update_time().seconds(), 1'800'003'600);
}

TEST_P(CustomerStoreTest, ListFiltersByTypeAndTagAndPages) {
  for (int i = 0; i < 5; ++i) {
    v1::Customer c = Customer("c" + std::to_string(i));
    if (i % 2 == 0) c.set_type_override(v1::CUSTOMER_TYPE_LOYAL);
    if (i == 4) c.clear_tags();
    ASSERT_TRUE(store_->Upsert(c, now_).ok());
  }
  auto ids = [&](const CustomerStore::ListQuery& query) {
    std::vector<std::string> out;
    absl::StatusOr<CustomerStore::ListPage> page = store_->List(query);
    EXPECT_TRUE(page.ok()) << page.status();
    for (const auto& c : page->customers) out.push_back(c.external_id());
    return out;
  };
  EXPECT_EQ(ids({}), (std::vector<std::string>{"c0", "c1", "c2", "c3", "c4"}));
  EXPECT_EQ(ids({.type = v1::CUSTOMER_TYPE_LOYAL}), (std::vector<std::string>{"c0", "c2", "c4"}));
  EXPECT_EQ(ids({.type = v1::CUSTOMER_TYPE_LOYAL, .tag = "vip"}), (std::vector<std::string>{"c0", "c2"}));
  EXPECT_EQ(ids({.tag = "nobody"}), (std::vector<std::string>{}));

  absl::StatusOr<CustomerStore::ListPage> first = store_->List({.limit = 2});
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->has_more);
  absl::StatusOr<CustomerStore::ListPage> rest = store_->List({.after_id = first->last_id, .limit = 10});
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->customers.size(), 3u);
  EXPECT_FALSE(rest->has_more);
}

TEST_P(CustomerStoreTest, ConcurrentFirstUpsertsMakeOneCustomer) {
  std::atomic<int> created{0};
  std::vector<std::thread> shops;
  for (int i = 0; i < 6; ++i) {
    shops.emplace_back([&] {
      absl::StatusOr<CustomerStore::UpsertResult> result = store_->Upsert(Customer("same"), now_);
      ASSERT_TRUE(result.ok()) << result.status();
      if (result->created) ++created;
    });
  }
  for (std::thread& shop : shops) shop.join();
  EXPECT_EQ(created.load(), 1);
  absl::StatusOr<CustomerStore::ListPage> all = store_->List({});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->customers.size(), 1u);
}

TEST_P(CustomerStoreTest, UpsertBatchCreatesUpdatesAndKeepsOptOuts) {
  v1::Customer opted_out = Customer("c1");
  opted_out.mutable_opted_out()->set_phone(true);
  ASSERT_TRUE(store_->Upsert(opted_out, now_).ok());
  std::vector<v1::Customer> batch;
  for (int i = 0; i < 300; ++i) {
    v1::Customer c = Customer("c" + std::to_string(i));
    c.clear_tags();
    if (i % 3 == 0) c.add_tags("batch");
    if (i == 7) c.set_type_override(v1::CUSTOMER_TYPE_LOYAL);
    batch.push_back(c);
  }
  v1::Customer later = Customer("c5");
  later.set_name("后来的名字");
  batch.push_back(later);  // the same id twice: the later row wins
  absl::StatusOr<CustomerStore::BatchResult> result = store_->UpsertBatch(batch, now_);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->created, 299);
  EXPECT_EQ(result->updated, 2) << "c1, and the first c5 by the second: every row counts once";
  EXPECT_TRUE(store_->Get("c1")->opted_out().phone()) << "the opt-out stays";
  EXPECT_EQ(store_->Get("c5")->name(), "后来的名字");
  EXPECT_EQ(store_->Get("c7")->type(), v1::CUSTOMER_TYPE_LOYAL);
  EXPECT_EQ(store_->Get("c8")->type(), v1::CUSTOMER_TYPE_NEW);
  absl::StatusOr<CustomerStore::ListPage> tagged = store_->List({.tag = "batch", .limit = 500});
  ASSERT_TRUE(tagged.ok());
  EXPECT_EQ(tagged->customers.size(), 100u);

  absl::StatusOr<CustomerStore::BatchResult> again = store_->UpsertBatch(batch, now_ + absl::Hours(1));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->created, 0);
  EXPECT_EQ(again->updated, 301);
  EXPECT_EQ(store_->List({.tag = "batch", .limit = 500})->customers.size(), 100u) << "tags replaced, not doubled";
}

v1::Order Order(const std::string& id, const std::string& customer, absl::Time at, int64_t amount = 10000,
                v1::OrderStatus status = v1::ORDER_STATUS_DELIVERED) {
  v1::Order order;
  order.set_order_id(id);
  order.set_customer_external_id(customer);
  order.set_amount_minor(amount);
  order.mutable_order_time()->set_seconds(absl::ToUnixSeconds(at));
  order.set_status(status);
  return order;
}

TEST_P(CustomerStoreTest, OrdersClassifyTheCustomer) {
  ASSERT_TRUE(store_->Upsert(Customer("c1"), now_).ok());
  absl::StatusOr<CustomerStore::OrderResult> first =
      store_->RecordOrder(Order("o1", "c1", now_ - absl::Hours(24 * 30)), now_);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->created);
  EXPECT_EQ(first->customer.type(), v1::CUSTOMER_TYPE_NEW);
  EXPECT_EQ(first->customer.order_count(), 1);
  EXPECT_EQ(first->customer.total_spent_minor(), 10000);
  EXPECT_EQ(first->customer.last_order_time().seconds(), absl::ToUnixSeconds(now_ - absl::Hours(24 * 30)));

  absl::StatusOr<CustomerStore::OrderResult> second =
      store_->RecordOrder(Order("o2", "c1", now_ - absl::Hours(24)), now_);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->customer.type(), v1::CUSTOMER_TYPE_ACTIVE) << "two orders within 90 days";
  EXPECT_EQ(second->customer.rfm().recency(), 5);

  // The same order id again, now refunded: an update, and it no longer counts.
  absl::StatusOr<CustomerStore::OrderResult> refunded =
      store_->RecordOrder(Order("o2", "c1", now_ - absl::Hours(24), 10000, v1::ORDER_STATUS_REFUNDED), now_);
  ASSERT_TRUE(refunded.ok());
  EXPECT_FALSE(refunded->created);
  EXPECT_EQ(refunded->customer.order_count(), 1);
  EXPECT_EQ(refunded->customer.type(), v1::CUSTOMER_TYPE_NEW);
}

TEST_P(CustomerStoreTest, OrdersOfUnknownOrOtherCustomersAreRefused) {
  ASSERT_TRUE(store_->Upsert(Customer("c1"), now_).ok());
  ASSERT_TRUE(store_->Upsert(Customer("c2"), now_).ok());
  EXPECT_EQ(store_->RecordOrder(Order("o1", "nobody", now_), now_).status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(store_->RecordOrder(Order("o1", "c1", now_), now_).ok());
  EXPECT_EQ(store_->RecordOrder(Order("o1", "c2", now_), now_).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->Get("c2")->order_count(), 0) << "nothing was written";
}

TEST_P(CustomerStoreTest, TimeAloneTurnsActiveCustomersDormant) {
  ASSERT_TRUE(store_->Upsert(Customer("c1"), now_).ok());
  ASSERT_TRUE(store_->Upsert(Customer("quiet"), now_).ok());
  ASSERT_TRUE(store_->RecordOrder(Order("o1", "c1", now_ - absl::Hours(24 * 30)), now_).ok());
  ASSERT_TRUE(store_->RecordOrder(Order("o2", "c1", now_ - absl::Hours(24 * 10)), now_).ok());
  EXPECT_EQ(store_->Get("c1")->type(), v1::CUSTOMER_TYPE_ACTIVE);

  absl::StatusOr<int> early = store_->ReclassifyDue(now_ + absl::Hours(24 * 79), 100);
  ASSERT_TRUE(early.ok()) << early.status();
  EXPECT_EQ(*early, 0);
  absl::Time later = now_ + absl::Hours(24 * 81);             // 91 days after the last order
  absl::StatusOr<int> due = store_->ReclassifyDue(later, 1);  // a batch of one row (SOCI fills no vector of one)
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(*due, 1);
  EXPECT_EQ(store_->Get("c1")->type(), v1::CUSTOMER_TYPE_DORMANT);
  EXPECT_EQ(*store_->ReclassifyDue(later, 100), 0) << "the next change is churning, much later";
  EXPECT_EQ(*store_->ReclassifyDue(now_ + absl::Hours(24 * 400), 100), 1);
  EXPECT_EQ(store_->Get("c1")->type(), v1::CUSTOMER_TYPE_CHURNED);
}

TEST_P(CustomerStoreTest, TheSameNewOrderRecordedConcurrentlyIsCreatedOnce) {
  ASSERT_TRUE(store_->Upsert(Customer("c1"), now_).ok());
  std::atomic<int> created{0};
  std::vector<std::thread> senders;
  for (int i = 0; i < 5; ++i) {
    senders.emplace_back([&] {
      absl::StatusOr<CustomerStore::OrderResult> result = store_->RecordOrder(Order("o1", "c1", now_), now_);
      ASSERT_TRUE(result.ok()) << result.status();
      if (result->created) ++created;
    });
  }
  for (std::thread& sender : senders) sender.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(store_->Get("c1")->order_count(), 1);
}

TEST_P(CustomerStoreTest, NewClassificationSettingsRetypeEveryCustomerInTheBackground) {
  ASSERT_TRUE(store_->Upsert(Customer("c1"), now_).ok());
  ASSERT_TRUE(store_->Upsert(Customer("no-orders"), now_).ok());
  ASSERT_TRUE(store_->RecordOrder(Order("o1", "c1", now_ - absl::Hours(24 * 100)), now_).ok());
  EXPECT_EQ(store_->Get("c1")->type(), v1::CUSTOMER_TYPE_DORMANT) << "no order for 90 days";

  // Another server changes the settings: dormant only after 120 days.
  CustomerStore elsewhere(*database_);
  v1::ClassificationSettings update;
  update.mutable_dormant_after()->set_seconds(120 * 86400);
  google::protobuf::FieldMask mask;
  mask.add_paths("dormant_after");
  absl::StatusOr<v1::ClassificationSettings> updated = elsewhere.UpdateClassificationSettings(update, mask, now_);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->dormant_after().seconds(), 120 * 86400);
  EXPECT_EQ(updated->churned_after().seconds(), 365 * 86400) << "not named, so kept";
  ASSERT_TRUE(store_->Upsert(Customer("after-the-change"), now_).ok());

  // Both customers typed under the old settings are reclassified, once; the
  // one created since already was.
  absl::StatusOr<int> reclassified = store_->ReclassifyDue(now_, 100);
  ASSERT_TRUE(reclassified.ok()) << reclassified.status();
  EXPECT_EQ(*reclassified, 2);
  EXPECT_EQ(*store_->ReclassifyDue(now_, 100), 0);
  EXPECT_EQ(store_->Get("c1")->type(), v1::CUSTOMER_TYPE_NEW) << "one order, 100 days ago, is no longer dormant";

  // An order recorded from now on is classified by the new settings at once.
  ASSERT_TRUE(store_->Upsert(Customer("c2"), now_).ok());
  ASSERT_TRUE(store_->RecordOrder(Order("o2", "c2", now_ - absl::Hours(24 * 100)), now_).ok());
  EXPECT_EQ(store_->Get("c2")->type(), v1::CUSTOMER_TYPE_NEW);
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(CustomerStoreTest);

}  // namespace
}  // namespace satisfaction::customers
