#include "services/dashboard/dashboard_sessions.h"

#include "services/common/enum_bridges.h"
#include "services/common/secrets.h"
#include "services/storage/query.h"
#include "services/storage/transaction.h"

namespace satisfaction::dashboard {
namespace {

using storage::Access;

constexpr int kCookieBytes = 32;

}  // namespace

absl::StatusOr<std::string> DashboardSessionStore::Open(const access::Caller& caller, absl::string_view peer,
                                                        absl::Time now, absl::Duration lifetime) {
  std::string cookie = RandomUrlToken(kCookieBytes);
  absl::Status stored = database_.InTransaction(Access::kWrite, [&](storage::Transaction& tx) -> absl::Status {
    std::string hash = Sha256Hex(cookie), key_id = caller.key_id, from(peer.substr(0, 128));
    long long created_us = absl::ToUnixMicros(now), expires_us = absl::ToUnixMicros(now + lifetime);
    storage::Query insert(tx,
                          "INSERT INTO dashboard_sessions (session_hash, key_id, created_at_us, expires_at_us, peer)"
                          " VALUES (:hash, :key_id, :created, :expires, :peer)");
    insert.Bind("hash", hash).Bind("key_id", key_id).Bind("created", created_us).Bind("expires", expires_us);
    insert.Bind("peer", from).Execute();
    return absl::OkStatus();
  });
  if (!stored.ok()) return stored;
  return cookie;
}

absl::StatusOr<DashboardSession> DashboardSessionStore::Find(absl::string_view cookie, absl::Time now) {
  return database_.InTransaction<DashboardSession>(
      Access::kRead, [&](storage::Transaction& tx) -> absl::StatusOr<DashboardSession> {
        std::string hash = Sha256Hex(cookie);
        long long now_us = absl::ToUnixMicros(now), expires_us = 0;
        int role = 0;
        DashboardSession session;
        access::Caller& caller = session.caller;
        storage::Query query(tx,
                             "SELECT k.id, k.role, k.queue, k.agent_id, k.rate_limit_per_minute, s.expires_at_us"
                             " FROM dashboard_sessions s JOIN api_keys k ON k.id = s.key_id"
                             " WHERE s.session_hash = :hash AND s.expires_at_us > :now AND k.revoked_at_us IS NULL");
        query.Bind("hash", hash).Bind("now", now_us);
        query.Into(caller.key_id).Into(role).Into(caller.queue).Into(caller.agent_id);
        query.Into(caller.rate_limit_per_minute).Into(expires_us);
        if (!query.Execute()) return absl::NotFoundError("no such session");
        caller.role = ProtoEnumOrUnspecified<v1::Role>(role);
        session.expires = absl::FromUnixMicros(expires_us);
        return session;
      });
}

absl::StatusOr<bool> DashboardSessionStore::End(absl::string_view cookie) {
  return database_.InTransaction<bool>(Access::kWrite, [&](storage::Transaction& tx) -> absl::StatusOr<bool> {
    std::string hash = Sha256Hex(cookie);
    storage::Query remove(tx, "DELETE FROM dashboard_sessions WHERE session_hash = :hash");
    remove.Bind("hash", hash).Execute();
    return remove.affected_rows() > 0;
  });
}

absl::StatusOr<int> DashboardSessionStore::DeleteExpired(absl::Time now, int limit) {
  return database_.InTransaction<int>(Access::kWrite, [&](storage::Transaction& tx) -> absl::StatusOr<int> {
    long long now_us = absl::ToUnixMicros(now);
    int batch = limit;
    std::string sql = tx.dialect().DeleteFirst("dashboard_sessions", "expires_at_us <= :now", "session_hash", ":batch");
    storage::Query remove(tx, sql);
    remove.Bind("now", now_us).Bind("batch", batch).Execute();
    return static_cast<int>(remove.affected_rows());
  });
}

}  // namespace satisfaction::dashboard
