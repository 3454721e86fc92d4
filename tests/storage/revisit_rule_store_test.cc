#include "services/revisits/revisit_rule_store.h"

#include <google/protobuf/util/time_util.h>

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/revisits/revisit_rule_validation.h"
#include "services/storage/migrations.h"
#include "tests/support/backend_test.h"
#include "tests/support/test_database.h"

namespace satisfaction::revisits {
namespace {

using google::protobuf::util::TimeUtil;

class RevisitRuleStoreTest : public test_support::MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    store_ = std::make_unique<RevisitRuleStore>(*database_);
  }

  static v1::RevisitRule Rule(const std::string& id, std::vector<v1::CustomerType> types,
                              v1::Trigger trigger = v1::TRIGGER_ORDER_DELIVERED) {
    v1::RevisitRule rule;
    rule.set_id(id);
    for (v1::CustomerType type : types) rule.add_customer_types(type);
    rule.set_trigger(trigger);
    rule.add_channels(v1::CHANNEL_SMS);
    rule.mutable_delay()->set_seconds(3 * 86400);
    EXPECT_TRUE(NormalizeAndValidateRule("rule", rule).ok());
    return rule;
  }

  std::unique_ptr<RevisitRuleStore> store_;
  absl::Time now_ = absl::FromUnixSeconds(1'800'000'000);
};

TEST_P(RevisitRuleStoreTest, MigrationReservesTheDefaultRecoveryCallLoadedBefore) {
  // A database whose default low-score rule was loaded before the template
  // reserved the call (step 17), then migrated on.
  std::unique_ptr<test_support::TestDatabase> old = test_support::TestDatabase::Create(GetParam());
  absl::StatusOr<std::unique_ptr<storage::Database>> database =
      storage::Database::Connect({.url = old->url(), .pool_size = 2});
  ASSERT_TRUE(database.ok()) << database.status();
  ASSERT_TRUE(storage::ApplyMigrations(**database, storage::SchemaMigrations().first(17)).ok());
  // Today's store locks rule writes through step 19's column: it is there
  // while the rules are written as then, and gone again before migrating on.
  auto lock_column = [&](const char* change) {
    return (*database)->WithSession([&](soci::session& session) {
      session << absl::StrCat("ALTER TABLE named_locks ", change);
      return absl::OkStatus();
    });
  };
  ASSERT_TRUE(lock_column("ADD COLUMN taken BIGINT NOT NULL DEFAULT 0").ok());
  RevisitRuleStore rules(**database);
  v1::RevisitRule recovery = Rule("low-score-recovery-call", {v1::CUSTOMER_TYPE_NEW}, v1::TRIGGER_LOW_SCORE);
  recovery.clear_channels();
  recovery.add_channels(v1::CHANNEL_PHONE);
  recovery.set_description("低分回复后立即安排高优先级电话补救");
  ASSERT_TRUE(rules.Create(recovery, now_).ok());
  v1::RevisitRule own = Rule("operators-own-rule", {v1::CUSTOMER_TYPE_LOYAL});
  ASSERT_TRUE(rules.Create(own, now_).ok());
  ASSERT_TRUE(lock_column("DROP COLUMN taken").ok());

  ASSERT_TRUE(storage::ApplyMigrations(**database, storage::SchemaMigrations()).ok());
  absl::StatusOr<v1::RevisitRule> migrated = rules.Get("low-score-recovery-call");
  ASSERT_TRUE(migrated.ok()) << migrated.status();
  EXPECT_TRUE(migrated->reserve_for_serving_agent());
  EXPECT_EQ(migrated->description(), recovery.description()) << "the rest as it was";
  EXPECT_EQ(migrated->channels_size(), 1);
  EXPECT_GT(TimeUtil::TimestampToMicroseconds(migrated->update_time()),
            TimeUtil::TimestampToMicroseconds(migrated->create_time()))
      << "changed, so caches of the rules read it again";
  EXPECT_FALSE(rules.Get("operators-own-rule")->reserve_for_serving_agent()) << "other rules untouched";
}

TEST_P(RevisitRuleStoreTest, CreateGetUpdateDisable) {
  absl::StatusOr<v1::RevisitRule> created = store_->Create(Rule("new-sms", {v1::CUSTOMER_TYPE_NEW}), now_);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_TRUE(created->enabled());
  EXPECT_EQ(created->max_attempts(), 3);
  EXPECT_EQ(created->expiry().seconds(), 14 * 86400);
  EXPECT_EQ(created->create_time().seconds(), 1'800'000'000);
  EXPECT_EQ(store_->Create(Rule("new-sms", {v1::CUSTOMER_TYPE_LOYAL}), now_).status().code(),
            absl::StatusCode::kAlreadyExists);

  v1::RevisitRule changed = Rule("new-sms", {v1::CUSTOMER_TYPE_NEW, v1::CUSTOMER_TYPE_ACTIVE});
  changed.set_priority(40);
  absl::StatusOr<v1::RevisitRule> updated = store_->Update(changed, now_ + absl::Hours(1));
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->priority(), 40);
  EXPECT_EQ(updated->customer_types_size(), 2);
  EXPECT_EQ(store_->Update(Rule("missing", {v1::CUSTOMER_TYPE_NEW}), now_).status().code(),
            absl::StatusCode::kNotFound);

  absl::StatusOr<v1::RevisitRule> disabled = store_->Disable("new-sms", now_);
  ASSERT_TRUE(disabled.ok());
  EXPECT_FALSE(disabled->enabled());
  EXPECT_TRUE(store_->Disable("new-sms", now_).ok()) << "disabling twice is fine";
  EXPECT_EQ(store_->Disable("missing", now_).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->Get("missing").status().code(), absl::StatusCode::kNotFound);
}

TEST_P(RevisitRuleStoreTest, OverlappingEnabledRulesAreRefused) {
  ASSERT_TRUE(store_->Create(Rule("a", {v1::CUSTOMER_TYPE_NEW, v1::CUSTOMER_TYPE_ACTIVE}), now_).ok());
  absl::StatusOr<v1::RevisitRule> overlap = store_->Create(Rule("b", {v1::CUSTOMER_TYPE_ACTIVE}), now_);
  EXPECT_EQ(overlap.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(store_->Create(Rule("c", {v1::CUSTOMER_TYPE_LOYAL}), now_).ok()) << "another type";
  EXPECT_TRUE(store_->Create(Rule("d", {v1::CUSTOMER_TYPE_ACTIVE}, v1::TRIGGER_COMPLAINT_CLOSED), now_).ok())
      << "another trigger";
  EXPECT_EQ(store_->Update(Rule("c", {v1::CUSTOMER_TYPE_NEW}), now_).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(store_->Disable("a", now_).ok());
  EXPECT_TRUE(store_->Create(Rule("b", {v1::CUSTOMER_TYPE_ACTIVE}), now_).ok()) << "after disabling the other";
}

TEST_P(RevisitRuleStoreTest, ConcurrentOverlappingCreatesLetOneWin) {
  std::atomic<int> created{0}, refused{0};
  std::vector<std::thread> operators;
  for (int i = 0; i < 6; ++i) {
    operators.emplace_back([&, i] {
      absl::StatusOr<v1::RevisitRule> result =
          store_->Create(Rule("rule-" + std::to_string(i), {v1::CUSTOMER_TYPE_NEW}), now_);
      if (result.ok()) {
        ++created;
      } else if (result.status().code() == absl::StatusCode::kFailedPrecondition) {
        ++refused;
      } else {
        ADD_FAILURE() << result.status();
      }
    });
  }
  for (std::thread& t : operators) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(refused.load(), 5);
}

TEST_P(RevisitRuleStoreTest, ListFiltersAndPages) {
  ASSERT_TRUE(store_->Create(Rule("a", {v1::CUSTOMER_TYPE_NEW}), now_).ok());
  ASSERT_TRUE(store_->Create(Rule("b", {v1::CUSTOMER_TYPE_LOYAL}), now_).ok());
  ASSERT_TRUE(store_->Create(Rule("c", {v1::CUSTOMER_TYPE_NEW}, v1::TRIGGER_COMPLAINT_CLOSED), now_).ok());
  ASSERT_TRUE(store_->Disable("b", now_).ok());
  auto ids = [&](const RevisitRuleStore::ListQuery& query) {
    std::vector<std::string> out;
    absl::StatusOr<RevisitRuleStore::ListPage> page = store_->List(query);
    EXPECT_TRUE(page.ok()) << page.status();
    for (const auto& rule : page->rules) out.push_back(rule.id());
    return out;
  };
  EXPECT_EQ(ids({}), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(ids({.include_disabled = true}), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(ids({.trigger = v1::TRIGGER_COMPLAINT_CLOSED}), (std::vector<std::string>{"c"}));
  EXPECT_EQ(ids({.customer_type = v1::CUSTOMER_TYPE_LOYAL, .include_disabled = true}), (std::vector<std::string>{"b"}));
  absl::StatusOr<RevisitRuleStore::ListPage> first = store_->List({.limit = 1});
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->has_more);
  EXPECT_EQ(ids({.after_id = "a", .limit = 5}), (std::vector<std::string>{"c"}));
}

TEST_P(RevisitRuleStoreTest, CreateIfAbsentLoadsOnce) {
  EXPECT_TRUE(*store_->CreateIfAbsent(Rule("t", {v1::CUSTOMER_TYPE_NEW}), now_));
  EXPECT_FALSE(*store_->CreateIfAbsent(Rule("t", {v1::CUSTOMER_TYPE_NEW}), now_));
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(RevisitRuleStoreTest);

}  // namespace
}  // namespace satisfaction::revisits
