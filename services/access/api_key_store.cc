#include "services/access/api_key_store.h"

#include <google/protobuf/util/time_util.h>

#include <limits>

#include "absl/strings/str_cat.h"
#include "services/common/enum_bridges.h"
#include "services/common/secrets.h"

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

  // Binds the row to a statement's results, in kColumns' order.
  void Bind(soci::statement& statement) {
    statement.exchange(soci::into(id));
    statement.exchange(soci::into(display_name));
    statement.exchange(soci::into(role));
    statement.exchange(soci::into(queue));
    statement.exchange(soci::into(agent_id));
    statement.exchange(soci::into(rate_limit));
    statement.exchange(soci::into(hint));
    statement.exchange(soci::into(created_by));
    statement.exchange(soci::into(created_us));
    statement.exchange(soci::into(revoked_us, revoked_indicator));
    statement.exchange(soci::into(last_used_us, last_used_indicator));
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

std::optional<KeyRow> LoadById(soci::session& session, const std::string& id) {
  KeyRow row;
  soci::statement statement(session);
  std::string key_id = id;
  row.Bind(statement);
  statement.exchange(soci::use(key_id));
  statement.alloc();
  statement.prepare(absl::StrCat("SELECT ", kColumns, " FROM api_keys WHERE id = :id"));
  statement.define_and_bind();
  if (!statement.execute(true)) return std::nullopt;
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
      database_.InTransaction<v1::ApiKey>(Access::kWrite, [&](soci::session& session) -> absl::StatusOr<v1::ApiKey> {
        session << "INSERT INTO api_keys (id, key_hash, display_name, role, queue, agent_id, rate_limit_per_minute,"
                   " hint, created_by, created_at_us) VALUES (:id, :hash, :name, :role, :queue, :agent, :rate,"
                   " :hint, :by, :now)",
            soci::use(id), soci::use(hash), soci::use(name), soci::use(role), soci::use(queue), soci::use(agent),
            soci::use(rate_limit), soci::use(hint), soci::use(by), soci::use(now_us);
        return LoadById(session, id)->ToProto();
      });
  if (!stored.ok()) return stored.status();
  created.api_key = *std::move(stored);
  return created;
}

absl::StatusOr<bool> ApiKeyStore::AnyKeyExists() {
  return database_.InTransaction<bool>(Access::kRead, [&](soci::session& session) {
    int count = 0;
    session << "SELECT COUNT(*) FROM api_keys", soci::into(count);
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
      Access::kRead, [&](soci::session& session) -> absl::StatusOr<std::optional<Caller>> {
        std::string hash = key_hash;
        Caller caller;
        int role = 0;
        session << "SELECT id, role, queue, agent_id, rate_limit_per_minute FROM api_keys"
                   " WHERE key_hash = :hash AND revoked_at_us IS NULL",
            soci::use(hash), soci::into(caller.key_id), soci::into(role), soci::into(caller.queue),
            soci::into(caller.agent_id), soci::into(caller.rate_limit_per_minute);
        if (!session.got_data()) return std::nullopt;
        caller.role = ProtoEnumOrUnspecified<v1::Role>(role);
        return caller;
      });
}

absl::StatusOr<ApiKeyStore::ListPage> ApiKeyStore::List(bool show_revoked, long long after_created_us,
                                                        const std::string& after_id, int limit) {
  return database_.InTransaction<ListPage>(Access::kRead, [&](soci::session& session) -> absl::StatusOr<ListPage> {
    KeyRow row;
    // From the start: before every time, and every id (hex digits sort below '~').
    long long before_us = after_id.empty() ? std::numeric_limits<long long>::max() : after_created_us,
              same_us = before_us;
    std::string before_id = after_id.empty() ? std::string(16, '~') : after_id;
    int fetch = limit + 1;
    soci::statement statement(session);
    row.Bind(statement);
    statement.exchange(soci::use(before_us));
    statement.exchange(soci::use(same_us));
    statement.exchange(soci::use(before_id));
    statement.exchange(soci::use(fetch));
    statement.alloc();
    statement.prepare(absl::StrCat("SELECT ", kColumns,
                                   " FROM api_keys WHERE (created_at_us < :before OR (created_at_us = :same AND"
                                   " id < :before_id))",
                                   show_revoked ? "" : " AND revoked_at_us IS NULL",
                                   " ORDER BY created_at_us DESC, id DESC LIMIT :fetch"));
    statement.define_and_bind();
    statement.execute();
    ListPage page;
    while (statement.fetch()) {
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
  return database_.InTransaction<v1::ApiKey>(Access::kWrite, [&](soci::session& session) -> absl::StatusOr<v1::ApiKey> {
    std::string key_id(id);
    std::optional<KeyRow> row = LoadById(session, key_id);
    if (!row) return absl::NotFoundError(absl::StrCat("id: no API key ", key_id));
    if (row->revoked_indicator == soci::i_ok) return row->ToProto();
    if (row->role == v1::ROLE_ADMIN) {
      // Locks the admin keys, so that two revocations cannot leave none.
      int admins = 0, admin_role = v1::ROLE_ADMIN;
      session << absl::StrCat("SELECT COUNT(*) FROM api_keys WHERE role = :role AND revoked_at_us IS NULL",
                              session.get_backend_name() == "mysql" ? " FOR UPDATE" : ""),
          soci::use(admin_role), soci::into(admins);
      if (admins <= 1) {
        return absl::FailedPreconditionError("id: the last admin key cannot be revoked; create another one first");
      }
    }
    long long now_us = absl::ToUnixMicros(now);
    session << "UPDATE api_keys SET revoked_at_us = :now WHERE id = :id", soci::use(now_us), soci::use(key_id);
    return LoadById(session, key_id)->ToProto();
  });
}

absl::Status ApiKeyStore::NoteLastUse(const absl::flat_hash_map<std::string, absl::Time>& last_use) {
  if (last_use.empty()) return absl::OkStatus();
  return database_.InTransaction(Access::kWrite, [&](soci::session& session) {
    std::string id;
    long long used_us = 0, later_us = 0;
    soci::statement statement = (session.prepare << "UPDATE api_keys SET last_used_at_us = :used WHERE id = :id AND"
                                                    " (last_used_at_us IS NULL OR last_used_at_us < :later)",
                                 soci::use(used_us), soci::use(id), soci::use(later_us));
    for (const auto& [key_id, time] : last_use) {
      id = key_id;
      used_us = later_us = absl::ToUnixMicros(time);
      statement.execute(true);
    }
    return absl::OkStatus();
  });
}

}  // namespace satisfaction::access
