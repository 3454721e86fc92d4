#include "services/revisits/revisit_rule_store.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <optional>

#include "absl/strings/str_cat.h"
#include "services/common/enum_bridges.h"
#include "services/common/text_limits.h"
#include "services/revisits/revisit_rule_validation.h"

namespace satisfaction::revisits {
namespace {

using google::protobuf::util::TimeUtil;
using storage::Access;

struct StoredRule {
  std::string id;
  int trigger = 0, mask = 0, enabled = 0;
  std::string json;
  long long created_at_us = 0, updated_at_us = 0;

  v1::RevisitRule ToProto() const {
    v1::RevisitRule rule;
    if (!google::protobuf::util::JsonStringToMessage(json, &rule).ok()) {
      throw soci::soci_error(absl::StrCat("stored revisit rule ", Quote(id), " is corrupt"));
    }
    rule.set_id(id);
    rule.set_enabled(enabled != 0);
    *rule.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(created_at_us);
    *rule.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(updated_at_us);
    return rule;
  }
};

constexpr char kColumns[] = "id, trigger_kind, customer_type_mask, enabled, rule_json, created_at_us, updated_at_us";

void Bind(soci::statement& statement, StoredRule& row) {
  statement.exchange(soci::into(row.id));
  statement.exchange(soci::into(row.trigger));
  statement.exchange(soci::into(row.mask));
  statement.exchange(soci::into(row.enabled));
  statement.exchange(soci::into(row.json));
  statement.exchange(soci::into(row.created_at_us));
  statement.exchange(soci::into(row.updated_at_us));
}

std::optional<StoredRule> Load(soci::session& session, const std::string& id) {
  StoredRule row;
  std::string key = id;
  soci::statement statement(session);
  statement.exchange(soci::use(key));
  Bind(statement, row);
  statement.alloc();
  statement.prepare(absl::StrCat("SELECT ", kColumns, " FROM revisit_rules WHERE id = :id"));
  statement.define_and_bind();
  if (!statement.execute(true)) return std::nullopt;
  return row;
}

// Serialises rule writes (SQLite's write transaction does so by itself).
void LockRuleWrites(soci::session& session) {
  if (session.get_backend_name() != "mysql") return;
  std::string name;
  session << "SELECT name FROM named_locks WHERE name = 'revisit_rules' FOR UPDATE", soci::into(name);
}

// FAILED_PRECONDITION if another enabled rule covers one of `rule`'s types for its trigger.
absl::Status CheckNoOverlap(soci::session& session, const v1::RevisitRule& rule) {
  int trigger = rule.trigger(), mask = CustomerTypeMask(rule);
  std::string id = rule.id(), other;
  int other_mask = 0;
  soci::statement statement = (session.prepare << "SELECT id, customer_type_mask FROM revisit_rules"
                                                  " WHERE trigger_kind = :trigger AND enabled = 1 AND id <> :id",
                               soci::use(trigger), soci::use(id), soci::into(other), soci::into(other_mask));
  statement.execute();
  while (statement.fetch()) {
    if ((other_mask & mask) != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("rule.customer_types: enabled rule ", Quote(other),
                       " already covers one of these customer types for this trigger; disable or change it first"));
    }
  }
  return absl::OkStatus();
}

std::string ToJson(const v1::RevisitRule& rule) {
  v1::RevisitRule settings = rule;
  settings.clear_id();
  settings.clear_enabled();
  settings.clear_create_time();
  settings.clear_update_time();
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(settings, &json).ok()) throw soci::soci_error("cannot encode rule");
  return json;
}

absl::StatusOr<v1::RevisitRule> Insert(soci::session& session, const v1::RevisitRule& rule, absl::Time now) {
  LockRuleWrites(session);
  if (Load(session, rule.id()))
    return absl::AlreadyExistsError(absl::StrCat("revisit rule ", Quote(rule.id()), " already exists"));
  if (absl::Status s = CheckNoOverlap(session, rule); !s.ok()) return s;
  std::string id = rule.id(), json = ToJson(rule);
  int trigger = rule.trigger(), mask = CustomerTypeMask(rule);
  long long now_us = absl::ToUnixMicros(now);
  session << "INSERT INTO revisit_rules (id, trigger_kind, customer_type_mask, enabled, rule_json, created_at_us,"
             " updated_at_us) VALUES (:id, :trigger, :mask, 1, :json, :created, :updated)",
      soci::use(id), soci::use(trigger), soci::use(mask), soci::use(json), soci::use(now_us), soci::use(now_us);
  return Load(session, id)->ToProto();
}

}  // namespace

std::optional<v1::RevisitRule> LoadRule(soci::session& session, const std::string& id) {
  std::optional<StoredRule> row = Load(session, id);
  if (!row) return std::nullopt;
  return row->ToProto();
}

std::vector<v1::RevisitRule> LoadEnabledRules(soci::session& session, v1::Trigger trigger) {
  StoredRule row;
  int kind = trigger;
  soci::statement statement(session);
  statement.exchange(soci::use(kind));
  Bind(statement, row);
  statement.alloc();
  statement.prepare(absl::StrCat("SELECT ", kColumns,
                                 " FROM revisit_rules WHERE trigger_kind = :trigger AND enabled = 1 ORDER BY id"));
  statement.define_and_bind();
  statement.execute();
  std::vector<v1::RevisitRule> rules;
  while (statement.fetch()) rules.push_back(row.ToProto());
  return rules;
}

absl::StatusOr<v1::RevisitRule> RevisitRuleStore::Create(const v1::RevisitRule& rule, absl::Time now) {
  return database_.InTransaction<v1::RevisitRule>(Access::kWrite,
                                                  [&](soci::session& session) { return Insert(session, rule, now); });
}

absl::StatusOr<bool> RevisitRuleStore::CreateIfAbsent(const v1::RevisitRule& rule, absl::Time now) {
  return database_.InTransaction<bool>(Access::kWrite, [&](soci::session& session) -> absl::StatusOr<bool> {
    absl::StatusOr<v1::RevisitRule> created = Insert(session, rule, now);
    if (created.status().code() == absl::StatusCode::kAlreadyExists) return false;
    if (!created.ok()) return created.status();
    return true;
  });
}

absl::StatusOr<v1::RevisitRule> RevisitRuleStore::Update(const v1::RevisitRule& rule, absl::Time now) {
  return database_.InTransaction<v1::RevisitRule>(
      Access::kWrite, [&](soci::session& session) -> absl::StatusOr<v1::RevisitRule> {
        LockRuleWrites(session);
        std::optional<StoredRule> stored = Load(session, rule.id());
        if (!stored) return absl::NotFoundError(absl::StrCat("revisit rule ", Quote(rule.id()), " not found"));
        if (stored->enabled != 0) {
          if (absl::Status s = CheckNoOverlap(session, rule); !s.ok()) return s;
        }
        std::string id = rule.id(), json = ToJson(rule);
        int trigger = rule.trigger(), mask = CustomerTypeMask(rule);
        long long now_us = absl::ToUnixMicros(now);
        session << "UPDATE revisit_rules SET trigger_kind = :trigger, customer_type_mask = :mask, rule_json = :json,"
                   " updated_at_us = :now WHERE id = :id",
            soci::use(trigger), soci::use(mask), soci::use(json), soci::use(now_us), soci::use(id);
        return Load(session, id)->ToProto();
      });
}

absl::StatusOr<v1::RevisitRule> RevisitRuleStore::Get(absl::string_view id) {
  return database_.InTransaction<v1::RevisitRule>(
      Access::kRead, [&](soci::session& session) -> absl::StatusOr<v1::RevisitRule> {
        std::optional<StoredRule> stored = Load(session, std::string(id));
        if (!stored) return absl::NotFoundError(absl::StrCat("revisit rule ", Quote(id), " not found"));
        return stored->ToProto();
      });
}

absl::StatusOr<v1::RevisitRule> RevisitRuleStore::Disable(absl::string_view id, absl::Time now) {
  return database_.InTransaction<v1::RevisitRule>(
      Access::kWrite, [&](soci::session& session) -> absl::StatusOr<v1::RevisitRule> {
        LockRuleWrites(session);
        std::string key(id);
        std::optional<StoredRule> stored = Load(session, key);
        if (!stored) return absl::NotFoundError(absl::StrCat("revisit rule ", Quote(id), " not found"));
        if (stored->enabled != 0) {
          long long now_us = absl::ToUnixMicros(now);
          session << "UPDATE revisit_rules SET enabled = 0, updated_at_us = :now WHERE id = :id", soci::use(now_us),
              soci::use(key);
        }
        return Load(session, key)->ToProto();
      });
}

absl::StatusOr<RevisitRuleStore::ListPage> RevisitRuleStore::List(const ListQuery& query) {
  return database_.InTransaction<ListPage>(Access::kRead, [&](soci::session& session) -> absl::StatusOr<ListPage> {
    std::string sql = absl::StrCat("SELECT ", kColumns, " FROM revisit_rules WHERE id > :after");
    std::string after = query.after_id;
    int trigger = query.trigger;
    int type_bit = CustomerTypeMaskBit(query.customer_type);  // 0 for UNSPECIFIED: every type
    int fetch = query.limit + 1;
    soci::statement statement(session);
    statement.exchange(soci::use(after));
    if (trigger != v1::TRIGGER_UNSPECIFIED) {
      absl::StrAppend(&sql, " AND trigger_kind = :trigger");
      statement.exchange(soci::use(trigger));
    }
    if (type_bit != 0) {
      absl::StrAppend(&sql, " AND (customer_type_mask & :type_bit) <> 0");
      statement.exchange(soci::use(type_bit));
    }
    if (!query.include_disabled) absl::StrAppend(&sql, " AND enabled = 1");
    absl::StrAppend(&sql, " ORDER BY id LIMIT :fetch");
    statement.exchange(soci::use(fetch));
    StoredRule row;
    Bind(statement, row);
    statement.alloc();
    statement.prepare(sql);
    statement.define_and_bind();
    statement.execute();
    ListPage page;
    while (statement.fetch()) {
      if (static_cast<int>(page.rules.size()) == query.limit) {
        page.has_more = true;
        break;
      }
      page.rules.push_back(row.ToProto());
    }
    return page;
  });
}

}  // namespace satisfaction::revisits
