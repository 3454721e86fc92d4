#include "services/customers/customer_store.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "services/customers/customer_validation.h"
#include "tests/support/test_database.h"

namespace satisfaction::customers {
namespace {

using testing::TestBackend;

class CustomerStoreTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override {
    test_database_ = testing::TestDatabase::Create(GetParam());
    database_ = testing::OpenMigrated(*test_database_, 8);
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

  std::unique_ptr<testing::TestDatabase> test_database_;
  std::unique_ptr<storage::Database> database_;
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

INSTANTIATE_TEST_SUITE_P(Backends, CustomerStoreTest, ::testing::ValuesIn(testing::AllBackends()),
                         [](const auto& info) { return testing::BackendName(info.param); });

}  // namespace
}  // namespace satisfaction::customers
