#include "services/access/api_key_store.h"

#include <google/protobuf/util/time_util.h>

#include <limits>

#include "absl/strings/str_cat.h"
#include "services/common/enum_bridges.h"
#include "services/common/secrets.h"
#include "services/storage/named_lock.h"
#include "services/storage/query.h"
#include "services/storage/transaction.h"

namespace satisfaction::access {
namespace {

using google::protobuf::util::TimeUtil;
using storage::Access;

constexpr const char* kColumns =
    "id, display_name, role, queue, agent_id, rate_limit_per_minute, hint, created_by, created_at_us, revoked_at_us,"
    " last_used_at_us";

// One row of api_keys, as read with kColumns.
struct KeyRow {
  std::string id, display_name, queue, agent_id, hint, created_by;
  int role = 0, rate_limit = 0;
  long long created_us = 0, revoked_us = 0, last_used_us = 0;
  soci::indicator revoked_indicator = soci::i_null, last_used_indicator = soci::i_null;

  // Reads the columns of kColumns, in their order.
  void Into(storage::Query& query) {
    query.Into(id).Into(display_name).Into(role).Into(queue).Into(agent_id).Into(rate_limit).Into(hint);
    query.Into(created_by).Into(created_us).Into(revoked_us, revoked_indicator);
    query.Into(last_used_us, last_used_indicator);
  }

  v1::ApiKey ToProto() const {
    v1::ApiKey key;
    key.set_id(id);
    key.set_display_name(display_name);
    key.set_role(ProtoEnumOrUnspecified<v1::Role>(role));
    key.set_queue(queue);
    key.set_agent_id(agent_id);
    key.set_rate_limit_per_minute(rate_limit);
    key.set_hint(hint);
    key.set_created_by_key_id(created_by);
    *key.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(created_us);
    if (revoked_indicator == soci::i_ok) *key.mutable_revoke_time() = TimeUtil::MicrosecondsToTimestamp(revoked_us);
    if (last_used_indicator == soci::i_ok) {
      *key.mutable_last_use_time() = TimeUtil::MicrosecondsToTimestamp(last_used_us);
    }
    return key;
  }
};

std::optional<KeyRow> LoadById(storage::Transaction& tx, const std::string& id) {
  KeyRow row;
  storage::Query query(tx, absl::StrCat("SELECT ", kColumns, " FROM api_keys WHERE id = :id"));
  if (!query.Bind("id", id).IntoRow(row).Execute()) return std::nullopt;
  return row;
}

}  // namespace

std::string NewApiKey() { return absl::StrCat("sat_", RandomUrlToken(32)); }

absl::StatusOr<ApiKeyStore::Created> ApiKeyStore::Create(const v1::ApiKey& spec, absl::string_view created_by,
                                                         absl::Time now, std::optional<std::string> key) {
  Created created;
  created.key = key.has_value() ? *std::move(key) : NewApiKey();
  std::string id = RandomHex(8), hash = Sha256Hex(created.key), name = spec.display_name(), queue = spec.queue(),
              agent = spec.agent_id(), hint = created.key.substr(created.key.size() - 4), by(created_by);
  int role = spec.role(), rate_limit = spec.rate_limit_per_minute();
  long long now_us = absl::ToUnixMicros(now);
  absl::StatusOr<v1::ApiKey> stored =
      database_.InTransaction<v1::ApiKey>(Access::kWrite, [&](storage::Transaction& tx) -> absl::StatusOr<v1::ApiKey> {
        storage::Query insert(tx,
                              "INSERT INTO api_keys (id, key_hash, display_name, role, queue, agent_id,"
                              " rate_limit_per_minute, hint, created_by, created_at_us) VALUES (:id, :hash, :name,"
                              " :role, :queue, :agent, :rate, :hint, :by, :now)");
        insert.Bind("id", id).Bind("hash", hash).Bind("name", name).Bind("role", role).Bind("queue", queue);
        insert.Bind("agent", agent).Bind("rate", rate_limit).Bind("hint", hint).Bind("by", by).Bind("now", now_us);
        insert.Execute();
        return LoadById(tx, id)->ToProto();
      });
  if (!stored.ok()) return stored.status();
  created.api_key = *std::move(stored);
  return created;
}

absl::StatusOr<bool> ApiKeyStore::AnyKeyExists() {
  return database_.InTransaction<bool>(Access::kRead, [&](storage::Transaction& tx) {
    int count = 0;
    storage::Query(tx, "SELECT COUNT(*) FROM api_keys").Into(count).Execute();
    return absl::StatusOr<bool>(count > 0);
  });
}

absl::StatusOr<bool> ApiKeyStore::CreateFirstAdmin(const std::string& key, absl::Time now) {
  absl::StatusOr<bool> any = AnyKeyExists();
  if (!any.ok()) return any.status();
  if (*any) return false;
  v1::ApiKey spec;
  spec.set_display_name("bootstrap admin (SATISFACTION_BOOTSTRAP_ADMIN_KEY)");
  spec.set_role(v1::ROLE_ADMIN);
  absl::StatusOr<Created> created = Create(spec, "", now, key);
  // Another server of the deployment, starting at the same moment, created it.
  if (created.status().code() == absl::StatusCode::kAlreadyExists) return false;
  if (!created.ok()) return created.status();
  return true;
}

absl::StatusOr<std::optional<Caller>> ApiKeyStore::FindActive(absl::string_view key) {
  return FindActiveByHash(Sha256Hex(key));
}

absl::StatusOr<std::optional<Caller>> ApiKeyStore::FindActiveByHash(const std::string& key_hash) {
  return database_.InTransaction<std::optional<Caller>>(
      Access::kRead, [&](storage::Transaction& tx) -> absl::StatusOr<std::optional<Caller>> {
        std::string hash = key_hash;
        Caller caller;
        int role = 0;
        storage::Query query(tx,
                             "SELECT id, role, queue, agent_id, rate_limit_per_minute FROM api_keys"
                             " WHERE key_hash = :hash AND revoked_at_us IS NULL");
        query.Bind("hash", hash).Into(caller.key_id).Into(role).Into(caller.queue).Into(caller.agent_id);
        if (!query.Into(caller.rate_limit_per_minute).Execute()) return std::nullopt;
        caller.role = ProtoEnumOrUnspecified<v1::Role>(role);
        return caller;
      });
}

absl::StatusOr<ApiKeyStore::ListPage> ApiKeyStore::List(bool show_revoked, long long after_created_us,
                                                        const std::string& after_id, int limit) {
  return database_.InTransaction<ListPage>(Access::kRead, [&](storage::Transaction& tx) -> absl::StatusOr<ListPage> {
    KeyRow row;
    // From the start: before every time, and every id (hex digits sort below '~').
    long long before_us = after_id.empty() ? std::numeric_limits<long long>::max() : after_created_us,
              same_us = before_us;
    std::string before_id = after_id.empty() ? std::string(16, '~') : after_id;
    int fetch = limit + 1;
    storage::Query query(tx, absl::StrCat("SELECT ", kColumns,
                                          " FROM api_keys WHERE (created_at_us < :before OR (created_at_us = :same AND"
                                          " id < :before_id))",
                                          show_revoked ? "" : " AND revoked_at_us IS NULL",
                                          " ORDER BY created_at_us DESC, id DESC LIMIT :fetch"));
    query.Bind("before", before_us).Bind("same", same_us).Bind("before_id", before_id).Bind("fetch", fetch);
    query.IntoRow(row).Start();
    ListPage page;
    while (query.Next()) {
      if (static_cast<int>(page.api_keys.size()) == limit) {
        page.has_more = true;
        break;
      }
      page.api_keys.push_back(row.ToProto());
    }
    return page;
  });
}

absl::StatusOr<v1::ApiKey> ApiKeyStore::Revoke(absl::string_view id, absl::Time now) {
  return database_.InTransaction<v1::ApiKey>(
      Access::kWrite, [&](storage::Transaction& tx) -> absl::StatusOr<v1::ApiKey> {
        std::string key_id(id);
        std::optional<KeyRow> row = LoadById(tx, key_id);
        if (!row) return absl::NotFoundError(absl::StrCat("id: no API key ", key_id));
        if (row->revoked_indicator == soci::i_ok) return row->ToProto();
        if (row->role == v1::ROLE_ADMIN) {
          // Two revocations at once, through any nodes, cannot leave none.
          storage::TakeNamedLock(tx, "admin_keys");
          int admins = 0, admin_role = v1::ROLE_ADMIN;
          storage::Query count(tx, "SELECT COUNT(*) FROM api_keys WHERE role = :role AND revoked_at_us IS NULL");
          count.Bind("role", admin_role).Into(admins).Execute();
          if (admins <= 1) {
            return absl::FailedPreconditionError("id: the last admin key cannot be revoked; create another one first");
          }
        }
        long long now_us = absl::ToUnixMicros(now);
        storage::Query update(tx, "UPDATE api_keys SET revoked_at_us = :now WHERE id = :id");
        update.Bind("now", now_us).Bind("id", key_id).Execute();
        return LoadById(tx, key_id)->ToProto();
      });
}

absl::Status ApiKeyStore::NoteLastUse(const absl::flat_hash_map<std::string, absl::Time>& last_use) {
  if (last_use.empty()) return absl::OkStatus();
  return database_.InTransaction(Access::kWrite, [&](storage::Transaction& tx) {
    std::string id;
    long long used_us = 0, later_us = 0;
    storage::Query update(tx,
                          "UPDATE api_keys SET last_used_at_us = :used WHERE id = :id AND"
                          " (last_used_at_us IS NULL OR last_used_at_us < :later)");
    update.Bind("used", used_us).Bind("id", id).Bind("later", later_us);
    for (const auto& [key_id, time] : last_use) {
      id = key_id;
      used_us = later_us = absl::ToUnixMicros(time);
      update.Execute();
    }
    return absl::OkStatus();
  });
}

}  // namespace satisfaction::access
