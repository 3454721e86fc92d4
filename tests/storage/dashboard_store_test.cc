// The dashboard's sessions on each backend: only a cookie's hash is stored,
// and a session ends by expiry, sign-out or its key's revocation.
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "services/access/api_key_store.h"
#include "services/common/secrets.h"
#include "services/dashboard/dashboard_sessions.h"
#include "tests/support/backend_test.h"
#include "tests/support/test_database.h"

namespace satisfaction::dashboard {
namespace {

class DashboardSessionStoreTest : public test_support::MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    keys_ = std::make_unique<access::ApiKeyStore>(*database_);
    sessions_ = std::make_unique<DashboardSessionStore>(*database_);
    v1::ApiKey spec;
    spec.set_display_name("analyst");
    spec.set_role(v1::ROLE_ANALYST);
    absl::StatusOr<access::ApiKeyStore::Created> created = keys_->Create(spec, "", absl::Now());
    ASSERT_TRUE(created.ok()) << created.status();
    analyst_ = created->api_key;
    absl::StatusOr<std::optional<access::Caller>> caller = keys_->FindActive(created->key);
    ASSERT_TRUE(caller.ok() && caller->has_value());
    caller_ = **caller;
  }

  std::string Open(absl::Time now, absl::Duration lifetime = absl::Hours(8)) {
    absl::StatusOr<std::string> cookie = sessions_->Open(caller_, "127.0.0.1", now, lifetime);
    EXPECT_TRUE(cookie.ok()) << cookie.status();
    return cookie.value_or("");
  }

  std::unique_ptr<access::ApiKeyStore> keys_;
  std::unique_ptr<DashboardSessionStore> sessions_;
  v1::ApiKey analyst_;
  access::Caller caller_;
  const absl::Time now_ = absl::FromCivil(absl::CivilSecond(2026, 12, 7, 10, 0, 0), absl::UTCTimeZone());
};

TEST_P(DashboardSessionStoreTest, ACookieOpensItsSessionAndOnlyItsHashIsStored) {
  std::string cookie = Open(now_);
  EXPECT_EQ(cookie.size(), 43u) << "256 bits in URL-safe base64";
  EXPECT_NE(Open(now_), cookie) << "every sign-in gets a cookie of its own";
  EXPECT_EQ(test_support::QueryNumber(*database_, absl::StrCat("SELECT COUNT(*) FROM dashboard_sessions WHERE"
                                                               " session_hash = '",
                                                               Sha256Hex(cookie), "'")),
            1);
  EXPECT_EQ(test_support::QueryNumber(*database_, absl::StrCat("SELECT COUNT(*) FROM dashboard_sessions WHERE"
                                                               " session_hash = '",
                                                               cookie, "'")),
            0);
  absl::StatusOr<DashboardSession> session = sessions_->Find(cookie, now_ + absl::Hours(1));
  ASSERT_TRUE(session.ok()) << session.status();
  EXPECT_EQ(session->caller.key_id, analyst_.id());
  EXPECT_EQ(session->caller.role, v1::ROLE_ANALYST);
  EXPECT_EQ(session->expires, now_ + absl::Hours(8));
  EXPECT_EQ(sessions_->Find("forged-cookie", now_).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(sessions_->Find("", now_).status().code(), absl::StatusCode::kNotFound);
}

TEST_P(DashboardSessionStoreTest, ASessionEndsAtExpirySignOutOrRevocation) {
  std::string expiring = Open(now_, absl::Minutes(30));
  EXPECT_TRUE(sessions_->Find(expiring, now_ + absl::Minutes(29)).ok());
  EXPECT_EQ(sessions_->Find(expiring, now_ + absl::Minutes(30)).status().code(), absl::StatusCode::kNotFound);

  std::string signed_out = Open(now_);
  absl::StatusOr<bool> ended = sessions_->End(signed_out);
  ASSERT_TRUE(ended.ok()) << ended.status();
  EXPECT_TRUE(*ended);
  EXPECT_EQ(sessions_->Find(signed_out, now_).status().code(), absl::StatusCode::kNotFound) << "a replayed cookie";
  EXPECT_FALSE(*sessions_->End(signed_out)) << "ending it again finds nothing";

  std::string revoked = Open(now_);
  ASSERT_TRUE(keys_->Revoke(analyst_.id(), now_).ok());
  EXPECT_EQ(sessions_->Find(revoked, now_).status().code(), absl::StatusCode::kNotFound);
}

TEST_P(DashboardSessionStoreTest, ExpiredSessionsAreDeletedInBatches) {
  for (int i = 0; i < 5; ++i) Open(now_, absl::Minutes(10));
  std::string live = Open(now_, absl::Hours(1));
  absl::StatusOr<int> deleted = sessions_->DeleteExpired(now_ + absl::Minutes(20), 3);
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(*deleted, 3);
  EXPECT_EQ(*sessions_->DeleteExpired(now_ + absl::Minutes(20), 3), 2);
  EXPECT_EQ(*sessions_->DeleteExpired(now_ + absl::Minutes(20), 3), 0);
  EXPECT_TRUE(sessions_->Find(live, now_ + absl::Minutes(20)).ok());
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(DashboardSessionStoreTest);

}  // namespace
}  // namespace satisfaction::dashboard
