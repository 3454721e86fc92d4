#include "services/revisits/revisit_rule_store.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <optional>

#include "absl/strings/str_cat.h"
#include "services/common/enum_bridges.h"
#include "services/common/text_limits.h"
#include "services/revisits/revisit_rule_validation.h"
#include "services/storage/named_lock.h"
#include "services/storage/query.h"
#include "services/storage/transaction.h"

namespace satisfaction::revisits {
namespace {

using google::protobuf::util::TimeUtil;
using storage::Access;

struct StoredRule {
  std::string id;
  int trigger = 0, mask = 0, enabled = 0;
  std::string json;
  long long created_at_us = 0, updated_at_us = 0;

  // Reads the columns of kColumns, in their order.
  void Into(storage::Query& query) {
    query.Into(id).Into(trigger).Into(mask).Into(enabled).Into(json).Into(created_at_us).Into(updated_at_us);
  }

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

std::optional<StoredRule> Load(storage::Transaction& tx, const std::string& id) {
  StoredRule row;
  storage::Query query(tx, absl::StrCat("SELECT ", kColumns, " FROM revisit_rules WHERE id = :id"));
  if (!query.Bind("id", id).IntoRow(row).Execute()) return std::nullopt;
  return row;
}

// Serialises rule writes, across a Galera cluster too (see TakeNamedLock).
void LockRuleWrites(storage::Transaction& tx) { storage::TakeNamedLock(tx, "revisit_rules"); }

// FAILED_PRECONDITION if another enabled rule covers one of `rule`'s types for its trigger.
absl::Status CheckNoOverlap(storage::Transaction& tx, const v1::RevisitRule& rule) {
  int trigger = rule.trigger(), mask = CustomerTypeMask(rule);
  std::string id = rule.id(), other;
  int other_mask = 0;
  storage::Query query(tx,
                       "SELECT id, customer_type_mask FROM revisit_rules"
                       " WHERE trigger_kind = :trigger AND enabled = 1 AND id <> :id");
  query.Bind("trigger", trigger).Bind("id", id).Into(other).Into(other_mask).Start();
  while (query.Next()) {
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

absl::StatusOr<v1::RevisitRule> Insert(storage::Transaction& tx, const v1::RevisitRule& rule, absl::Time now) {
  LockRuleWrites(tx);
  if (Load(tx, rule.id()))
    return absl::AlreadyExistsError(absl::StrCat("revisit rule ", Quote(rule.id()), " already exists"));
  if (absl::Status s = CheckNoOverlap(tx, rule); !s.ok()) return s;
  std::string id = rule.id(), json = ToJson(rule);
  int trigger = rule.trigger(), mask = CustomerTypeMask(rule);
  long long now_us = absl::ToUnixMicros(now);
  storage::Query insert(tx,
                        "INSERT INTO revisit_rules (id, trigger_kind, customer_type_mask, enabled, rule_json,"
                        " created_at_us, updated_at_us) VALUES (:id, :trigger, :mask, 1, :json, :created, :updated)");
  insert.Bind("id", id).Bind("trigger", trigger).Bind("mask", mask).Bind("json", json).Bind("created", now_us);
  insert.Bind("updated", now_us).Execute();
  return Load(tx, id)->ToProto();
}

}  // namespace

std::optional<v1::RevisitRule> LoadRule(storage::Transaction& tx, const std::string& id) {
  std::optional<StoredRule> row = Load(tx, id);
  if (!row) return std::nullopt;
  return row->ToProto();
}

std::vector<v1::RevisitRule> LoadEnabledRules(storage::Transaction& tx, v1::Trigger trigger) {
  StoredRule row;
  int kind = trigger;
  storage::Query query(tx, absl::StrCat("SELECT ", kColumns,
                                        " FROM revisit_rules WHERE trigger_kind = :trigger AND enabled = 1"
                                        " ORDER BY id"));
  query.Bind("trigger", kind).IntoRow(row).Start();
  std::vector<v1::RevisitRule> rules;
  while (query.Next()) rules.push_back(row.ToProto());
  return rules;
}

absl::StatusOr<v1::RevisitRule> RevisitRuleStore::Create(const v1::RevisitRule& rule, absl::Time now) {
  return database_.InTransaction<v1::RevisitRule>(Access::kWrite,
                                                  [&](storage::Transaction& tx) { return Insert(tx, rule, now); });
}

absl::StatusOr<bool> RevisitRuleStore::CreateIfAbsent(const v1::RevisitRule& rule, absl::Time now) {
  return database_.InTransaction<bool>(Access::kWrite, [&](storage::Transaction& tx) -> absl::StatusOr<bool> {
    absl::StatusOr<v1::RevisitRule> created = Insert(tx, rule, now);
    if (created.status().code() == absl::StatusCode::kAlreadyExists) return false;
    if (!created.ok()) return created.status();
    return true;
  });
}

absl::StatusOr<v1::RevisitRule> RevisitRuleStore::Update(const v1::RevisitRule& rule, absl::Time now) {
  return database_.InTransaction<v1::RevisitRule>(
      Access::kWrite, [&](storage::Transaction& tx) -> absl::StatusOr<v1::RevisitRule> {
        LockRuleWrites(tx);
        std::optional<StoredRule> stored = Load(tx, rule.id());
        if (!stored) return absl::NotFoundError(absl::StrCat("revisit rule ", Quote(rule.id()), " not found"));
        if (stored->enabled != 0) {
          if (absl::Status s = CheckNoOverlap(tx, rule); !s.ok()) return s;
        }
        std::string id = rule.id(), json = ToJson(rule);
        int trigger = rule.trigger(), mask = CustomerTypeMask(rule);
        long long now_us = absl::ToUnixMicros(now);
        storage::Query update(tx,
                              "UPDATE revisit_rules SET trigger_kind = :trigger, customer_type_mask = :mask,"
                              " rule_json = :json, updated_at_us = :now WHERE id = :id");
        update.Bind("trigger", trigger).Bind("mask", mask).Bind("json", json).Bind("now", now_us).Bind("id", id);
        update.Execute();
        return Load(tx, id)->ToProto();
      });
}

absl::StatusOr<v1::RevisitRule> RevisitRuleStore::Get(absl::string_view id) {
  return database_.InTransaction<v1::RevisitRule>(
      Access::kRead, [&](storage::Transaction& tx) -> absl::StatusOr<v1::RevisitRule> {
        std::optional<StoredRule> stored = Load(tx, std::string(id));
        if (!stored) return absl::NotFoundError(absl::StrCat("revisit rule ", Quote(id), " not found"));
        return stored->ToProto();
      });
}

absl::StatusOr<v1::RevisitRule> RevisitRuleStore::Disable(absl::string_view id, absl::Time now) {
  return database_.InTransaction<v1::RevisitRule>(
      Access::kWrite, [&](storage::Transaction& tx) -> absl::StatusOr<v1::RevisitRule> {
        LockRuleWrites(tx);
        std::string key(id);
        std::optional<StoredRule> stored = Load(tx, key);
        if (!stored) return absl::NotFoundError(absl::StrCat("revisit rule ", Quote(id), " not found"));
        if (stored->enabled != 0) {
          long long now_us = absl::ToUnixMicros(now);
          storage::Query update(tx, "UPDATE revisit_rules SET enabled = 0, updated_at_us = :now WHERE id = :id");
          update.Bind("now", now_us).Bind("id", key).Execute();
        }
        return Load(tx, key)->ToProto();
      });
}

absl::StatusOr<RevisitRuleStore::ListPage> RevisitRuleStore::List(const ListQuery& query) {
  return database_.InTransaction<ListPage>(Access::kRead, [&](storage::Transaction& tx) -> absl::StatusOr<ListPage> {
    std::string sql = absl::StrCat("SELECT ", kColumns, " FROM revisit_rules WHERE id > :after");
    std::string after = query.after_id;
    int trigger = query.trigger;
    int type_bit = CustomerTypeMaskBit(query.customer_type);  // 0 for UNSPECIFIED: every type
    int fetch = query.limit + 1;
    if (trigger != v1::TRIGGER_UNSPECIFIED) absl::StrAppend(&sql, " AND trigger_kind = :trigger");
    if (type_bit != 0) absl::StrAppend(&sql, " AND (customer_type_mask & :type_bit) <> 0");
    if (!query.include_disabled) absl::StrAppend(&sql, " AND enabled = 1");
    absl::StrAppend(&sql, " ORDER BY id LIMIT :fetch");
    storage::Query select(tx, sql);
    select.Bind("after", after).Bind("fetch", fetch);
    if (trigger != v1::TRIGGER_UNSPECIFIED) select.Bind("trigger", trigger);
    if (type_bit != 0) select.Bind("type_bit", type_bit);
    StoredRule row;
    select.IntoRow(row).Start();
    ListPage page;
    while (select.Next()) {
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
