#include "services/customers/customer_store.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "satisfaction/v1/revisit.pb.h"
#include "services/common/enum_bridges.h"
#include "services/common/text_limits.h"
#include "services/customers/revisit_replanning.h"
#include "services/settings/settings_rows.h"
#include "services/storage/database_errors.h"
#include "services/storage/query.h"
#include "services/storage/sql_text.h"
#include "services/storage/transaction.h"

namespace satisfaction::customers {
namespace {

using google::protobuf::util::TimeUtil;
using storage::Access;
using storage::Placeholders;

// A new customer has no orders, which all classification settings type alike
// (new, RFM 1-1-1): it counts as classified under the settings in force.
absl::StatusOr<long long> ClassificationInForce(storage::Transaction& tx) {
  return settings::ReadSettingsVersion(tx, settings::kClassificationSettingsName);
}

// One customers row, read in the order of kColumns.
struct CustomerRow {
  long long id = 0;
  std::string external_id, name, phone, email, im_handle, time_zone, serving_agent_id, language, region, source;
  int preferred_channel = 0, consent_mask = 0, opt_out_mask = 0, type_override = 0, computed_type = 0,
      effective_type = 0, rfm_recency = 1, rfm_frequency = 1, rfm_monetary = 1, order_count = 0;
  long long total_spent_minor = 0, last_order_at_us = 0, created_at_us = 0, updated_at_us = 0;
  soci::indicator last_order_indicator = soci::i_null;

  static constexpr char kColumns[] =
      "id, external_id, name, phone, email, im_handle, time_zone, serving_agent_id, preferred_channel,"
      " consent_mask, opt_out_mask, type_override, computed_type, effective_type, rfm_recency, rfm_frequency,"
      " rfm_monetary, order_count, total_spent_minor, last_order_at_us, created_at_us, updated_at_us, language,"
      " region, source";

  // Reads the columns of kColumns, in their order.
  void Into(storage::Query& query) {
    query.Into(id).Into(external_id).Into(name).Into(phone).Into(email).Into(im_handle).Into(time_zone);
    query.Into(serving_agent_id).Into(preferred_channel).Into(consent_mask).Into(opt_out_mask).Into(type_override);
    query.Into(computed_type).Into(effective_type).Into(rfm_recency).Into(rfm_frequency).Into(rfm_monetary);
    query.Into(order_count).Into(total_spent_minor).Into(last_order_at_us, last_order_indicator).Into(created_at_us);
    query.Into(updated_at_us).Into(language).Into(region).Into(source);
  }

  v1::Customer ToProto() const {
    v1::Customer c;
    c.set_external_id(external_id);
    c.set_name(name);
    c.set_phone(phone);
    c.set_email(email);
    c.set_im_handle(im_handle);
    c.set_time_zone(time_zone);
    c.set_serving_agent_id(serving_agent_id);
    c.set_language(language);
    c.set_region(region);
    c.set_source(source);
    c.set_preferred_channel(ProtoEnumOrUnspecified<v1::Channel>(preferred_channel));
    *c.mutable_consent() = ChannelFlagsOf(consent_mask);
    *c.mutable_opted_out() = ChannelFlagsOf(opt_out_mask);
    c.set_type_override(ProtoEnumOrUnspecified<v1::CustomerType>(type_override));
    c.set_computed_type(ProtoEnumOrUnspecified<v1::CustomerType>(computed_type));
    c.set_type(ProtoEnumOrUnspecified<v1::CustomerType>(effective_type));
    c.mutable_rfm()->set_recency(rfm_recency);
    c.mutable_rfm()->set_frequency(rfm_frequency);
    c.mutable_rfm()->set_monetary(rfm_monetary);
    c.set_order_count(order_count);
    c.set_total_spent_minor(total_spent_minor);
    if (last_order_indicator == soci::i_ok) {
      *c.mutable_last_order_time() = TimeUtil::MicrosecondsToTimestamp(last_order_at_us);
    }
    *c.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(created_at_us);
    *c.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(updated_at_us);
    return c;
  }
};

// The columns of a customers row that the shop sets, as UpsertCustomer gives them.
struct CustomerFields {
  std::string external_id, name, phone, email, im_handle, time_zone, serving_agent_id, language, region, source;
  int preferred_channel = 0, consent_mask = 0, opt_out_mask = 0, type_override = 0;

  static constexpr char kColumns[] =
      "external_id, name, phone, email, im_handle, time_zone, serving_agent_id, language, region, source,"
      " preferred_channel, consent_mask, opt_out_mask, type_override";

  static CustomerFields FromProto(const v1::Customer& c) {
    return {.external_id = c.external_id(),
            .name = c.name(),
            .phone = c.phone(),
            .email = c.email(),
            .im_handle = c.im_handle(),
            .time_zone = c.time_zone(),
            .serving_agent_id = c.serving_agent_id(),
            .language = c.language(),
            .region = c.region(),
            .source = c.source(),
            .preferred_channel = c.preferred_channel(),
            .consent_mask = ChannelMask(c.consent()),
            .opt_out_mask = ChannelMask(c.opted_out()),
            .type_override = c.type_override()};
  }

  // The placeholders of kColumns, each named after its column and `suffix`.
  static std::string Placeholders(absl::string_view suffix) {
    std::vector<std::string> names;
    for (absl::string_view column : absl::StrSplit(kColumns, ", ")) {
      names.push_back(absl::StrCat(":", column, suffix));
    }
    return absl::StrJoin(names, ", ");
  }
  // "name = :name, ...": sets every column but the key.
  static std::string Assignments() {
    std::vector<std::string> assignments;
    for (absl::string_view column : absl::StrSplit(kColumns, ", ")) {
      if (column != "external_id") assignments.push_back(absl::StrCat(column, " = :", column));
    }
    return absl::StrJoin(assignments, ", ");
  }

  // Binds the placeholders of Placeholders(suffix).
  void Bind(storage::Query& query, absl::string_view suffix = "") const {
    auto at = [suffix](const char* column) { return absl::StrCat(column, suffix); };
    query.Bind(at("external_id"), external_id).Bind(at("name"), name).Bind(at("phone"), phone);
    query.Bind(at("email"), email).Bind(at("im_handle"), im_handle).Bind(at("time_zone"), time_zone);
    query.Bind(at("serving_agent_id"), serving_agent_id).Bind(at("language"), language);
    query.Bind(at("region"), region).Bind(at("source"), source);
    query.Bind(at("preferred_channel"), preferred_channel).Bind(at("consent_mask"), consent_mask);
    query.Bind(at("opt_out_mask"), opt_out_mask).Bind(at("type_override"), type_override);
  }
};

std::optional<CustomerRow> LoadRow(storage::Transaction& tx, const std::string& external_id, bool for_update) {
  CustomerRow row;
  storage::Query query(tx, absl::StrCat("SELECT ", CustomerRow::kColumns, " FROM customers WHERE external_id = :id",
                                        for_update ? tx.ForUpdate() : ""));
  if (!query.Bind("id", external_id).IntoRow(row).Execute()) return std::nullopt;
  return row;
}

void LoadTags(storage::Transaction& tx, long long customer_id, v1::Customer& customer) {
  std::string tag;
  storage::Query query(tx, "SELECT tag FROM customer_tags WHERE customer_id = :id ORDER BY tag");
  query.Bind("id", customer_id).Into(tag).Start();
  while (query.Next()) customer.add_tags(tag);
}

void ReplaceTags(storage::Transaction& tx, long long customer_id, const v1::Customer& customer) {
  storage::Query(tx, "DELETE FROM customer_tags WHERE customer_id = :id").Bind("id", customer_id).Execute();
  std::string tag;
  storage::Query insert(tx, "INSERT INTO customer_tags (customer_id, tag) VALUES (:id, :tag)");
  insert.Bind("id", customer_id).Bind("tag", tag);
  for (const std::string& each : customer.tags()) {
    tag = each;
    insert.Execute();
  }
}

int EffectiveType(int type_override, int computed_type) { return type_override != 0 ? type_override : computed_type; }

bool CountsAsPurchase(int status) {
  return status != v1::ORDER_STATUS_CANCELLED && status != v1::ORDER_STATUS_REFUNDED;
}

// Periodic care is planned for the customer types its rule covers. When a
// customer leaves them (a churned customer orders again: the win-back call is
// moot), its planned care is cancelled. Revisits that follow an event stay:
// the order or case they ask about still happened.
void CancelCareOutsideType(storage::Transaction& tx, const std::vector<long long>& customer_ids, long long now_us,
                           FlowObserver* flow) {
  if (customer_ids.empty()) return;
  storage::Query query(
      tx,
      absl::StrCat("UPDATE revisits SET state = ", v1::REVISIT_STATE_CANCELLED,
                   ", state_reason = 'the customer is no longer of a type the rule covers', updated_at_us = :now",
                   " WHERE state = ", v1::REVISIT_STATE_PLANNED, " AND trigger_kind = ", v1::TRIGGER_PERIODIC_CARE,
                   " AND customer_id IN (", Placeholders("c", customer_ids.size()), ")",
                   " AND NOT EXISTS (SELECT 1 FROM revisit_rules r JOIN customers c ON c.id = revisits.customer_id",
                   " WHERE r.id = revisits.rule_id AND (r.customer_type_mask & ",
                   CustomerTypeMaskBitSql("c.effective_type"), ") <> 0)"));
  query.Bind("now", now_us).BindEach("c", customer_ids).Execute();
  long long cancelled = query.affected_rows();
  if (cancelled == 0) return;  // the common case: an order, a customer of the same type
  TellAfterCommit(tx, flow, [cancelled](FlowObserver& flow) {
    for (long long i = 0; i < cancelled; ++i) flow.RevisitEnded(v1::TRIGGER_PERIODIC_CARE, v1::REVISIT_STATE_CANCELLED);
  });
}

// Recomputes a customer's type, RFM and order figures from its orders.
void Reclassify(storage::Transaction& tx, long long customer_id, int type_override,
                const settings::ClassificationDocument::Snapshot& settings, absl::Time now) {
  const scheduler::ClassificationThresholds& thresholds = settings.parsed.thresholds;
  const scheduler::RfmThresholds& rfm = settings.parsed.rfm;
  std::vector<scheduler::OrderFact> orders;
  long long amount = 0, at_us = 0, total = 0;
  int status = 0;
  storage::Query query(tx, "SELECT amount_minor, ordered_at_us, status FROM orders WHERE customer_id = :id");
  query.Bind("id", customer_id).Into(amount).Into(at_us).Into(status).Start();
  long long last_us = 0;
  while (query.Next()) {
    if (!CountsAsPurchase(status)) continue;
    // RFM cut points are in the currency's major unit (yuan).
    orders.push_back({absl::FromUnixMicros(at_us), static_cast<double>(amount) / 100.0});
    total += amount;
    last_us = std::max(last_us, at_us);
  }
  int computed = ToV1(scheduler::Classify(orders, thresholds, now));
  int effective = EffectiveType(type_override, computed);
  scheduler::RfmScore score = scheduler::ScoreRfm(orders, rfm, now);
  std::optional<absl::Time> changes = scheduler::NextTypeChange(orders, thresholds, now);
  int count = static_cast<int>(orders.size());
  long long changes_us = changes ? absl::ToUnixMicros(*changes) : 0;
  soci::indicator last_indicator = orders.empty() ? soci::i_null : soci::i_ok;
  soci::indicator changes_indicator = changes ? soci::i_ok : soci::i_null;
  long long now_us = absl::ToUnixMicros(now);
  storage::Query update(tx,
                        "UPDATE customers SET computed_type = :computed, effective_type = :effective, rfm_recency = :r,"
                        " rfm_frequency = :f, rfm_monetary = :m, order_count = :count, total_spent_minor = :total,"
                        " last_order_at_us = :last, type_changes_at_us = :changes, classification_version = :version,"
                        " updated_at_us = :now WHERE id = :id");
  update.Bind("computed", computed).Bind("effective", effective).Bind("r", score.recency);
  update.Bind("f", score.frequency).Bind("m", score.monetary).Bind("count", count).Bind("total", total);
  update.Bind("last", last_us, last_indicator).Bind("changes", changes_us, changes_indicator);
  update.Bind("version", settings.version).Bind("now", now_us).Bind("id", customer_id).Execute();
}

}  // namespace

absl::Status CustomerStore::ReplanAfterZoneChange(storage::Transaction& tx, const std::vector<long long>& customer_ids,
                                                  absl::Time now) {
  if (customer_ids.empty()) return absl::OkStatus();
  absl::StatusOr<std::shared_ptr<const settings::ContactPolicyDocument::Snapshot>> policy = contact_policy_.InForce(tx);
  if (!policy.ok()) return policy.status();
  ReplanOpenRevisits(tx, customer_ids, (*policy)->parsed, now);
  return absl::OkStatus();
}

absl::StatusOr<int> CustomerStore::ReplanForContactPolicy(absl::Time now, int limit) {
  return database_.InTransaction<int>(Access::kWrite, [&](storage::Transaction& tx) -> absl::StatusOr<int> {
    std::string name = "contact-policy";
    long long done = 0, pass = 0, after = 0;
    storage::Query read(tx, absl::StrCat("SELECT done_version, pass_version, after_customer_id FROM revisit_replanning"
                                         " WHERE name = :name",
                                         tx.ForUpdate()));
    if (!read.Bind("name", name).Into(done).Into(pass).Into(after).Execute()) return 0;
    absl::StatusOr<std::shared_ptr<const settings::ContactPolicyDocument::Snapshot>> policy =
        contact_policy_.InForce(tx);
    if (!policy.ok()) return policy.status();
    long long version = (*policy)->version;
    if (version == done) return 0;
    if (version != pass) {  // changed again: the pass starts over
      pass = version;
      after = 0;
    }
    std::vector<long long> ids;
    long long id = 0;
    storage::Query next(tx, "SELECT id FROM customers WHERE id > :after ORDER BY id LIMIT :limit");
    next.Bind("after", after).Bind("limit", limit).Into(id).Start();
    while (next.Next()) ids.push_back(id);
    ReplanOpenRevisits(tx, ids, (*policy)->parsed, now);
    if (static_cast<int>(ids.size()) < limit) {
      done = pass;
      after = 0;
    } else {
      after = ids.back();
    }
    storage::Query update(tx,
                          "UPDATE revisit_replanning SET done_version = :done, pass_version = :pass,"
                          " after_customer_id = :after WHERE name = :name");
    update.Bind("done", done).Bind("pass", pass).Bind("after", after).Bind("name", name).Execute();
    return static_cast<int>(ids.size());
  });
}

absl::StatusOr<CustomerStore::UpsertResult> CustomerStore::Upsert(const v1::Customer& customer, absl::Time now) {
  auto attempt = [&](storage::Transaction& tx) -> absl::StatusOr<UpsertResult> {
    CustomerFields fields = CustomerFields::FromProto(customer);
    const std::string& external_id = fields.external_id;
    long long now_us = absl::ToUnixMicros(now);
    std::optional<CustomerRow> existing = LoadRow(tx, external_id, /*for_update=*/true);
    bool created = !existing;
    long long id = 0;
    if (existing) {
      id = existing->id;
      fields.opt_out_mask |= existing->opt_out_mask;  // an opt-out is never undone by the shop's data
      int effective_type = EffectiveType(fields.type_override, existing->computed_type);
      storage::Query update(tx, absl::StrCat("UPDATE customers SET ", CustomerFields::Assignments(),
                                             ", effective_type = :effective, updated_at_us = :now"
                                             " WHERE external_id = :external_id"));
      fields.Bind(update);
      update.Bind("effective", effective_type).Bind("now", now_us).Execute();
      if (effective_type != existing->effective_type) CancelCareOutsideType(tx, {id}, now_us, flow_);
      if (fields.time_zone != existing->time_zone) {
        if (absl::Status s = ReplanAfterZoneChange(tx, {id}, now); !s.ok()) return s;
      }
    } else {
      int computed_type = v1::CUSTOMER_TYPE_NEW;  // no orders yet
      int effective_type = EffectiveType(fields.type_override, computed_type);
      absl::StatusOr<long long> in_force = ClassificationInForce(tx);
      if (!in_force.ok()) return in_force.status();
      long long classification_version = *in_force;
      storage::Query insert(
          tx, absl::StrCat("INSERT INTO customers (", CustomerFields::kColumns,
                           ", computed_type, effective_type, rfm_recency, rfm_frequency, rfm_monetary, order_count,"
                           " total_spent_minor, created_at_us, updated_at_us, classification_version) VALUES (",
                           CustomerFields::Placeholders(""),
                           ", :computed, :effective, 1, 1, 1, 0, 0, :created, :updated, :classification)"));
      fields.Bind(insert);
      insert.Bind("computed", computed_type).Bind("effective", effective_type).Bind("created", now_us);
      insert.Bind("updated", now_us).Bind("classification", classification_version).Execute();
      existing = LoadRow(tx, external_id, /*for_update=*/false);
      id = existing->id;
    }
    ReplaceTags(tx, id, customer);
    std::optional<CustomerRow> stored = LoadRow(tx, external_id, /*for_update=*/false);
    UpsertResult result{stored->ToProto(), created};
    LoadTags(tx, id, result.customer);
    return result;
  };
  // Two first upserts of one new customer at once: the loser's insert hit the
  // unique key and runs again; the customer exists now, so this is an update.
  return database_.InTransaction<UpsertResult>(Access::kUpsert, attempt);
}

absl::StatusOr<v1::Customer> CustomerStore::Get(absl::string_view external_id) {
  return database_.InTransaction<v1::Customer>(
      Access::kRead, [&](storage::Transaction& tx) -> absl::StatusOr<v1::Customer> {
        std::optional<CustomerRow> row = LoadRow(tx, std::string(external_id), /*for_update=*/false);
        if (!row) return absl::NotFoundError(absl::StrCat("customer ", Quote(external_id), " not found"));
        v1::Customer customer = row->ToProto();
        LoadTags(tx, row->id, customer);
        return customer;
      });
}

absl::StatusOr<CustomerStore::ListPage> CustomerStore::List(const ListQuery& query) {
  return database_.InTransaction<ListPage>(Access::kRead, [&](storage::Transaction& tx) -> absl::StatusOr<ListPage> {
    std::string sql = absl::StrCat("SELECT ", CustomerRow::kColumns, " FROM customers WHERE id > :after");
    long long after = query.after_id;
    int type = query.type;
    std::string tag = query.tag;
    int fetch = query.limit + 1;  // one more tells whether another page follows
    if (type != v1::CUSTOMER_TYPE_UNSPECIFIED) absl::StrAppend(&sql, " AND effective_type = :type");
    if (!tag.empty()) {
      absl::StrAppend(&sql, " AND id IN (SELECT customer_id FROM customer_tags WHERE tag = :tag)");
    }
    absl::StrAppend(&sql, " ORDER BY id LIMIT :fetch");
    storage::Query select(tx, sql);
    select.Bind("after", after).Bind("fetch", fetch);
    if (type != v1::CUSTOMER_TYPE_UNSPECIFIED) select.Bind("type", type);
    if (!tag.empty()) select.Bind("tag", tag);
    CustomerRow row;
    select.IntoRow(row).Start();
    ListPage page;
    std::vector<long long> ids;
    while (select.Next()) {
      if (static_cast<int>(page.customers.size()) == query.limit) {
        page.has_more = true;
        break;
      }
      page.customers.push_back(row.ToProto());
      ids.push_back(row.id);
    }
    for (size_t i = 0; i < ids.size(); ++i) LoadTags(tx, ids[i], page.customers[i]);
    if (!ids.empty()) page.last_id = ids.back();
    return page;
  });
}

}  // namespace satisfaction::customers

namespace satisfaction::customers {

absl::StatusOr<CustomerStore::BatchResult> CustomerStore::UpsertBatch(std::span<const v1::Customer> customers,
                                                                      absl::Time now) {
  // The later of two rows with one id wins.
  std::vector<const v1::Customer*> unique;
  {
    absl::flat_hash_map<std::string, size_t> position;
    for (const v1::Customer& customer : customers) {
      auto [it, inserted] = position.emplace(customer.external_id(), unique.size());
      if (inserted) {
        unique.push_back(&customer);
      } else {
        unique[it->second] = &customer;
      }
    }
  }
  if (unique.empty()) return BatchResult{};
  // A row that a later one with its id replaces counts as that one's update.
  const int superseded = static_cast<int>(customers.size() - unique.size());
  std::vector<CustomerFields> rows(unique.size());
  std::vector<int> effective_types(unique.size());
  std::vector<std::string> external_ids(unique.size());
  for (size_t i = 0; i < unique.size(); ++i) {
    rows[i] = CustomerFields::FromProto(*unique[i]);
    effective_types[i] = EffectiveType(rows[i].type_override, v1::CUSTOMER_TYPE_NEW);
    external_ids[i] = rows[i].external_id;
  }
  long long now_us = absl::ToUnixMicros(now);

  return database_.InTransaction<BatchResult>(
      Access::kWrite, [&](storage::Transaction& tx) -> absl::StatusOr<BatchResult> {
        const storage::Dialect& dialect = tx.dialect();
        size_t n = rows.size();
        std::string ids = Placeholders("x", n);

        // Which exist already (for the counts), and in which time zone.
        absl::flat_hash_map<std::string, std::string> zone_before;
        {
          std::string external_id, time_zone;
          storage::Query select(
              tx, absl::StrCat("SELECT external_id, time_zone FROM customers WHERE external_id IN (", ids, ")"));
          select.BindEach("x", external_ids).Into(external_id).Into(time_zone).Start();
          while (select.Next()) zone_before[external_id] = time_zone;
        }

        // One multi-row upsert. A new customer has no orders: type new, RFM 1-1-1.
        absl::StatusOr<long long> in_force = ClassificationInForce(tx);
        if (!in_force.ok()) return in_force.status();
        long long classification_version = *in_force;
        {
          std::string sql =
              absl::StrCat("INSERT INTO customers (", CustomerFields::kColumns,
                           ", effective_type, computed_type, rfm_recency, rfm_frequency, rfm_monetary, order_count,"
                           " total_spent_minor, created_at_us, updated_at_us, classification_version) VALUES ");
          for (size_t i = 0; i < n; ++i) {
            absl::StrAppend(&sql, i ? ", " : "", "(", CustomerFields::Placeholders(absl::StrCat("_", i)), ", :e", i,
                            ", 1, 1, 1, 1, 0, 0, :c", i, ", :u", i, ", ", classification_version, ")");
          }
          // Opt-outs are only ever added; the computed type and order figures stay.
          auto set = [&](const char* column) { return absl::StrCat(column, " = ", dialect.Inserted(column)); };
          std::string type_override = dialect.Inserted("type_override");
          absl::StrAppend(&sql, dialect.OnConflictUpdate("external_id"),
                          absl::StrJoin({set("name"), set("phone"), set("email"), set("im_handle"), set("time_zone"),
                                         set("serving_agent_id"), set("language"), set("region"), set("source"),
                                         set("preferred_channel"), set("consent_mask")},
                                        ", "),
                          ", opt_out_mask = ", dialect.Existing("customers", "opt_out_mask"), " | ",
                          dialect.Inserted("opt_out_mask"), ", ", set("type_override"), ", effective_type = CASE WHEN ",
                          type_override, " <> 0 THEN ", type_override, " ELSE ",
                          dialect.Existing("customers", "computed_type"), " END, ", set("updated_at_us"));
          storage::Query upsert(tx, sql);
          for (size_t i = 0; i < n; ++i) {
            rows[i].Bind(upsert, absl::StrCat("_", i));
            upsert.Bind(absl::StrCat("e", i), effective_types[i]);
            upsert.Bind(absl::StrCat("c", i), now_us).Bind(absl::StrCat("u", i), now_us);
          }
          upsert.Execute();
        }

        // Tags: replace those of the customers that existed, add those of the new ones.
        size_t tag_count = 0;
        for (const v1::Customer* c : unique) tag_count += c->tags_size();
        if (tag_count == 0 && zone_before.empty()) {
          return BatchResult{.created = static_cast<int>(n), .updated = superseded};
        }
        absl::flat_hash_map<std::string, long long> id_by_external;
        {
          long long id = 0;
          std::string external_id;
          storage::Query select(tx,
                                absl::StrCat("SELECT id, external_id FROM customers WHERE external_id IN (", ids, ")"));
          select.BindEach("x", external_ids).Into(id).Into(external_id).Start();
          while (select.Next()) id_by_external[external_id] = id;
        }
        if (!zone_before.empty()) {
          std::vector<long long> existing_ids, moved_ids;
          for (const CustomerFields& row : rows) {
            auto before = zone_before.find(row.external_id);
            if (before == zone_before.end()) continue;
            existing_ids.push_back(id_by_external[row.external_id]);
            if (before->second != row.time_zone) moved_ids.push_back(existing_ids.back());
          }
          storage::Query remove(tx, absl::StrCat("DELETE FROM customer_tags WHERE customer_id IN (",
                                                 Placeholders("d", existing_ids.size()), ")"));
          remove.BindEach("d", existing_ids).Execute();
          CancelCareOutsideType(tx, existing_ids, now_us, flow_);  // a type override may have changed
          if (absl::Status s = ReplanAfterZoneChange(tx, moved_ids, now); !s.ok()) return s;
        }
        if (tag_count > 0) {
          std::vector<long long> tag_customer;
          std::vector<std::string> tag_text;
          tag_customer.reserve(tag_count);
          tag_text.reserve(tag_count);
          for (const v1::Customer* c : unique) {
            for (const std::string& tag : c->tags()) {
              tag_customer.push_back(id_by_external[c->external_id()]);
              tag_text.push_back(tag);
            }
          }
          std::string sql = "INSERT INTO customer_tags (customer_id, tag) VALUES ";
          for (size_t i = 0; i < tag_count; ++i) absl::StrAppend(&sql, i ? ", " : "", "(:t", i, ", :g", i, ")");
          storage::Query insert(tx, sql);
          insert.BindEach("t", tag_customer).BindEach("g", tag_text).Execute();
        }
        int updated = static_cast<int>(zone_before.size());
        return BatchResult{.created = static_cast<int>(n) - updated, .updated = updated + superseded};
      });
}

absl::StatusOr<CustomerStore::OrderResult> CustomerStore::RecordOrder(const v1::Order& order, absl::Time now) {
  auto attempt = [&](storage::Transaction& tx) -> absl::StatusOr<OrderResult> {
    std::optional<CustomerRow> customer = LoadRow(tx, order.customer_external_id(), /*for_update=*/true);
    if (!customer) {
      return absl::NotFoundError(absl::StrCat("customer ", Quote(order.customer_external_id()), " not found"));
    }
    std::string order_id = order.order_id();
    long long amount = order.amount_minor();
    long long ordered_at_us = google::protobuf::util::TimeUtil::TimestampToMicroseconds(order.order_time());
    int status = order.status();
    long long now_us = absl::ToUnixMicros(now);
    long long owner = 0;
    storage::Query read(tx, absl::StrCat("SELECT customer_id FROM orders WHERE order_id = :id", tx.ForUpdate()));
    bool created = !read.Bind("id", order_id).Into(owner).Execute();
    if (!created && owner != customer->id) {
      return absl::FailedPreconditionError(
          absl::StrCat("order ", Quote(order_id), " was recorded for another customer"));
    }
    if (created) {
      storage::Query insert(
          tx,
          "INSERT INTO orders (order_id, customer_id, amount_minor, ordered_at_us, status,"
          " created_at_us, updated_at_us) VALUES (:id, :customer, :amount, :at, :status, :now, :now2)");
      insert.Bind("id", order_id).Bind("customer", customer->id).Bind("amount", amount).Bind("at", ordered_at_us);
      insert.Bind("status", status).Bind("now", now_us).Bind("now2", now_us).Execute();
    } else {
      storage::Query update(tx,
                            "UPDATE orders SET amount_minor = :amount, ordered_at_us = :at, status = :status,"
                            " updated_at_us = :now WHERE order_id = :id");
      update.Bind("amount", amount).Bind("at", ordered_at_us).Bind("status", status).Bind("now", now_us);
      update.Bind("id", order_id).Execute();
    }
    absl::StatusOr<std::shared_ptr<const settings::ClassificationDocument::Snapshot>> settings =
        classification_.InForce(tx);
    if (!settings.ok()) return settings.status();
    Reclassify(tx, customer->id, customer->type_override, **settings, now);
    CancelCareOutsideType(tx, {customer->id}, now_us, flow_);
    OrderResult result{order, LoadRow(tx, order.customer_external_id(), false)->ToProto(), created};
    LoadTags(tx, customer->id, result.customer);
    return result;
  };
  // The same new order recorded twice at once: the loser runs again, as an update.
  return database_.InTransaction<OrderResult>(Access::kUpsert, attempt);
}

absl::StatusOr<int> CustomerStore::ReclassifyDue(absl::Time now, int limit) {
  return database_.InTransaction<int>(Access::kWrite, [&](storage::Transaction& tx) -> absl::StatusOr<int> {
    absl::StatusOr<std::shared_ptr<const settings::ClassificationDocument::Snapshot>> settings =
        classification_.InForce(tx);
    if (!settings.ok()) return settings.status();
    long long now_us = absl::ToUnixMicros(now);
    const char* skip_locked = tx.SkipLocked();
    // First those typed under older settings, then those whose type changes with time.
    // (Row by row: SOCI's SQLite backend fills no vector of one row.)
    std::vector<long long> ids;
    std::vector<int> overrides;
    long long id = 0;
    int type_override = 0;
    auto read = [&](storage::Query& query) {
      query.Into(id).Into(type_override).Start();
      while (query.Next()) {
        ids.push_back(id);
        overrides.push_back(type_override);
      }
    };
    storage::Query outdated(tx, absl::StrCat("SELECT id, type_override FROM customers WHERE classification_version <"
                                             " :version ORDER BY classification_version LIMIT :limit",
                                             skip_locked));
    read(outdated.Bind("version", (*settings)->version).Bind("limit", limit));
    if (static_cast<int>(ids.size()) < limit) {
      int rest = limit - static_cast<int>(ids.size());
      storage::Query due(tx, absl::StrCat("SELECT id, type_override FROM customers WHERE type_changes_at_us <= :now",
                                          " AND classification_version >= :version ORDER BY type_changes_at_us"
                                          " LIMIT :limit",
                                          skip_locked));
      read(due.Bind("now", now_us).Bind("version", (*settings)->version).Bind("limit", rest));
    }
    for (size_t i = 0; i < ids.size(); ++i) Reclassify(tx, ids[i], overrides[i], **settings, now);
    CancelCareOutsideType(tx, ids, now_us, flow_);
    return static_cast<int>(ids.size());
  });
}

}  // namespace satisfaction::customers
