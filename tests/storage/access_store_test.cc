// API keys and the audit log on each backend: what is stored, and what holds
// when calls race.
#include <google/protobuf/util/time_util.h>

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "services/access/api_key_store.h"
#include "services/access/audit_log.h"
#include "services/common/secrets.h"
#include "services/storage/transaction.h"
#include "tests/support/backend_test.h"
#include "tests/support/test_database.h"

namespace satisfaction::access {
namespace {

using google::protobuf::util::TimeUtil;

class AccessStoreTest : public test_support::MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    keys_ = std::make_unique<ApiKeyStore>(*database_);
  }

  ApiKeyStore::Created Create(v1::Role role, const std::string& agent = "") {
    v1::ApiKey spec;
    spec.set_display_name("test");
    spec.set_role(role);
    spec.set_agent_id(agent);
    absl::StatusOr<ApiKeyStore::Created> created = keys_->Create(spec, "", absl::Now());
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? *created : ApiKeyStore::Created{};
  }

  std::unique_ptr<ApiKeyStore> keys_;
};

TEST_P(AccessStoreTest, KeysAreStoredAsTheirHashAndFoundUntilRevoked) {
  ApiKeyStore::Created dialer = Create(v1::ROLE_DIALER, "agent-7");
  EXPECT_EQ(test_support::QueryNumber(*database_, absl::StrCat("SELECT COUNT(*) FROM api_keys WHERE key_hash = '",
                                                               Sha256Hex(dialer.key), "'")),
            1);
  EXPECT_EQ(test_support::QueryNumber(
                *database_, absl::StrCat("SELECT COUNT(*) FROM api_keys WHERE key_hash = '", dialer.key, "'")),
            0);

  absl::StatusOr<std::optional<Caller>> found = keys_->FindActive(dialer.key);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->key_id, dialer.api_key.id());
  EXPECT_EQ((*found)->role, v1::ROLE_DIALER);
  EXPECT_EQ((*found)->agent_id, "agent-7");
  absl::StatusOr<std::optional<Caller>> unknown = keys_->FindActive("sat_unknown");
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->has_value());

  absl::StatusOr<v1::ApiKey> revoked = keys_->Revoke(dialer.api_key.id(), absl::Now());
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_TRUE(revoked->has_revoke_time());
  absl::StatusOr<v1::ApiKey> again = keys_->Revoke(dialer.api_key.id(), absl::Now() + absl::Hours(1));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(TimeUtil::TimestampToMicroseconds(again->revoke_time()),
            TimeUtil::TimestampToMicroseconds(revoked->revoke_time()))
      << "revoking again changes nothing";
  found = keys_->FindActive(dialer.key);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
  EXPECT_EQ(keys_->Revoke("0000000000000000", absl::Now()).status().code(), absl::StatusCode::kNotFound);
}

TEST_P(AccessStoreTest, LastUseKeepsTheLatestTimeAnyServerNoted) {
  ApiKeyStore::Created key = Create(v1::ROLE_ANALYST);
  absl::Time later = absl::FromUnixSeconds(2'000'000'000), earlier = later - absl::Minutes(3);
  ASSERT_TRUE(keys_->NoteLastUse({{key.api_key.id(), later}}).ok());
  ASSERT_TRUE(keys_->NoteLastUse({{key.api_key.id(), earlier}, {"0000000000000000", earlier}}).ok())
      << "another server's older note, and a key deleted meanwhile";
  absl::StatusOr<ApiKeyStore::ListPage> listed = keys_->List(false, 0, "", 10);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->api_keys.size(), 1u);
  EXPECT_EQ(TimeUtil::TimestampToMicroseconds(listed->api_keys[0].last_use_time()), absl::ToUnixMicros(later));
}

TEST_P(AccessStoreTest, TheFirstAdminIsMadeOnceEvenByServersStartingTogether) {
  std::vector<std::thread> servers;
  std::atomic<int> created{0};
  for (int i = 0; i < 4; ++i) {
    servers.emplace_back([&] {
      absl::StatusOr<bool> made = keys_->CreateFirstAdmin("bootstrap-key-0123456789abcdef0123456789", absl::Now());
      EXPECT_TRUE(made.ok()) << made.status();
      if (made.ok() && *made) ++created;
    });
  }
  for (std::thread& server : servers) server.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(test_support::QueryNumber(*database_, "SELECT COUNT(*) FROM api_keys"), 1);
  absl::StatusOr<bool> later = keys_->CreateFirstAdmin("another-key-0123456789abcdef0123456789ab", absl::Now());
  ASSERT_TRUE(later.ok());
  EXPECT_FALSE(*later);
}

TEST_P(AccessStoreTest, TwoRevocationsAtOnceNeverLeaveNoAdmin) {
  for (int round = 0; round < 5; ++round) {
    std::string first = Create(v1::ROLE_ADMIN).api_key.id();
    std::string second = Create(v1::ROLE_ADMIN).api_key.id();
    absl::Notification go;
    std::atomic<int> revoked{0}, refused{0};
    std::vector<std::thread> admins;
    for (const std::string& id : {first, second}) {
      admins.emplace_back([&, id] {
        go.WaitForNotification();
        absl::Status status = keys_->Revoke(id, absl::Now()).status();
        // A deadlock victim or a busy SQLite is retried, as a client would.
        for (int retry = 0; retry < 20 && (status.code() == absl::StatusCode::kAborted ||
                                           status.code() == absl::StatusCode::kUnavailable);
             ++retry) {
          status = keys_->Revoke(id, absl::Now()).status();
        }
        if (status.ok()) ++revoked;
        if (status.code() == absl::StatusCode::kFailedPrecondition) ++refused;
      });
    }
    go.Notify();
    for (std::thread& admin : admins) admin.join();
    EXPECT_EQ(revoked.load(), 1) << "round " << round;
    EXPECT_EQ(refused.load(), 1) << "round " << round;
    EXPECT_EQ(test_support::QueryNumber(*database_, "SELECT COUNT(*) FROM api_keys WHERE revoked_at_us IS NULL"), 1);
    // Leave no admin for the next round to count: revoke the survivor directly.
    ASSERT_TRUE(database_
                    ->InTransaction(storage::Access::kWrite,
                                    [](storage::Transaction& tx) {
                                      soci::session& session = tx.session();
                                      session << "UPDATE api_keys SET revoked_at_us = 1";
                                      return absl::OkStatus();
                                    })
                    .ok());
  }
}

TEST_P(AccessStoreTest, AuditEventsFromManyCallsAreAllKeptAndListedNewestFirst) {
  AuditLog audit(*database_);
  constexpr int kThreads = 8, kEach = 25;
  std::vector<std::thread> callers;
  absl::Time start = absl::Now();
  for (int t = 0; t < kThreads; ++t) {
    callers.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        v1::AuditEvent event;
        *event.mutable_time() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now()));
        event.set_key_id(absl::StrCat("key", t));
        event.set_role(v1::ROLE_OPERATOR);
        event.set_method(i % 2 == 0 ? "/satisfaction.v1.CustomerService/UpsertCustomer"
                                    : "/satisfaction.v1.RevisitService/RecordEvent");
        event.set_resource(absl::StrCat("c", i));
        event.set_outcome("OK");
        event.set_message(std::string(600, 'm'));  // cut to the column, not refused
        absl::Notification committed;
        audit.Record(event, [&committed](const absl::Status& recorded) {
          EXPECT_TRUE(recorded.ok()) << recorded;
          committed.Notify();
        });
        committed.WaitForNotification();
      }
    });
  }
  for (std::thread& caller : callers) caller.join();
  EXPECT_EQ(test_support::QueryNumber(*database_, "SELECT COUNT(*) FROM audit_events"), kThreads * kEach);

  std::vector<v1::AuditEvent> all;
  AuditLog::Query query{.limit = 40};
  while (true) {
    absl::StatusOr<AuditLog::Page> page = audit.List(query);
    ASSERT_TRUE(page.ok()) << page.status();
    all.insert(all.end(), page->events.begin(), page->events.end());
    if (!page->has_more) break;
    ASSERT_TRUE(absl::SimpleAtoi(page->events.back().id(), &query.before_id));
  }
  ASSERT_EQ(all.size(), static_cast<size_t>(kThreads * kEach));
  for (size_t i = 1; i < all.size(); ++i) {
    long long newer = 0, older = 0;
    ASSERT_TRUE(absl::SimpleAtoi(all[i - 1].id(), &newer));
    ASSERT_TRUE(absl::SimpleAtoi(all[i].id(), &older));
    EXPECT_GT(newer, older);
  }
  EXPECT_EQ(all[0].message().size(), 500u);

  absl::StatusOr<AuditLog::Page> filtered = audit.List(
      {.key_id = "key3", .method = "/satisfaction.v1.RevisitService/RecordEvent", .start = start, .limit = 100});
  ASSERT_TRUE(filtered.ok());
  EXPECT_EQ(filtered->events.size(), 12u);
  absl::StatusOr<AuditLog::Page> none = audit.List({.end = start, .limit = 100});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->events.empty());
}

TEST_P(AccessStoreTest, EventsPastTheRetentionAreDeletedOldestFirstInBatches) {
  AuditLog audit(*database_);
  absl::Time now = absl::Now();
  for (int days_ago : {400, 380, 370, 10, 0}) {
    v1::AuditEvent event;
    *event.mutable_time() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(now - absl::Hours(24 * days_ago)));
    event.set_resource(absl::StrCat(days_ago, " days ago"));
    absl::Notification committed;
    audit.Record(event, [&committed](const absl::Status& recorded) {
      EXPECT_TRUE(recorded.ok()) << recorded;
      committed.Notify();
    });
    committed.WaitForNotification();
  }
  absl::Time cutoff = now - absl::Hours(24 * 365);
  absl::StatusOr<int> first = audit.DeleteOlderThan(cutoff, 2);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, 2);
  absl::StatusOr<int> second = audit.DeleteOlderThan(cutoff, 2);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, 1);
  EXPECT_EQ(*audit.DeleteOlderThan(cutoff, 2), 0);
  absl::StatusOr<AuditLog::Page> kept = audit.List({});
  ASSERT_TRUE(kept.ok());
  ASSERT_EQ(kept->events.size(), 2u);
  EXPECT_EQ(kept->events[0].resource(), "0 days ago");
  EXPECT_EQ(kept->events[1].resource(), "10 days ago");
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(AccessStoreTest);

}  // namespace
}  // namespace satisfaction::access
