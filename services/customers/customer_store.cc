#include "services/customers/customer_store.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "satisfaction/v1/revisit.pb.h"
#include "services/common/enum_bridges.h"
#include "services/common/text_limits.h"
#include "services/customers/revisit_replanning.h"
#include "services/settings/settings_rows.h"
#include "services/storage/database_errors.h"
#include "services/storage/sql_text.h"

namespace satisfaction::customers {
namespace {

using google::protobuf::util::TimeUtil;
using storage::Access;
using storage::Placeholders;

// A new customer has no orders, which all classification settings type alike
// (new, RFM 1-1-1): it counts as classified under the settings in force.
absl::StatusOr<long long> ClassificationInForce(soci::session& session) {
  return settings::ReadSettingsVersion(session, settings::kClassificationSettingsName);
}

// One customers row, bound to a statement's results in column order.
struct CustomerRow {
  long long id = 0;
  std::string external_id, name, phone, email, im_handle, time_zone, serving_agent_id, language;
  int preferred_channel = 0, consent_mask = 0, opt_out_mask = 0, type_override = 0, computed_type = 0,
      effective_type = 0, rfm_recency = 1, rfm_frequency = 1, rfm_monetary = 1, order_count = 0;
  long long total_spent_minor = 0, last_order_at_us = 0, created_at_us = 0, updated_at_us = 0;
  soci::indicator last_order_indicator = soci::i_null;

  static constexpr char kColumns[] =
      "id, external_id, name, phone, email, im_handle, time_zone, serving_agent_id, preferred_channel,"
      " consent_mask, opt_out_mask, type_override, computed_type, effective_type, rfm_recency, rfm_frequency,"
      " rfm_monetary, order_count, total_spent_minor, last_order_at_us, created_at_us, updated_at_us, language";

  void Bind(soci::statement& statement) {
    statement.exchange(soci::into(id));
    statement.exchange(soci::into(external_id));
    statement.exchange(soci::into(name));
    statement.exchange(soci::into(phone));
    statement.exchange(soci::into(email));
    statement.exchange(soci::into(im_handle));
    statement.exchange(soci::into(time_zone));
    statement.exchange(soci::into(serving_agent_id));
    statement.exchange(soci::into(preferred_channel));
    statement.exchange(soci::into(consent_mask));
    statement.exchange(soci::into(opt_out_mask));
    statement.exchange(soci::into(type_override));
    statement.exchange(soci::into(computed_type));
    statement.exchange(soci::into(effective_type));
    statement.exchange(soci::into(rfm_recency));
    statement.exchange(soci::into(rfm_frequency));
    statement.exchange(soci::into(rfm_monetary));
    statement.exchange(soci::into(order_count));
    statement.exchange(soci::into(total_spent_minor));
    statement.exchange(soci::into(last_order_at_us, last_order_indicator));
    statement.exchange(soci::into(created_at_us));
    statement.exchange(soci::into(updated_at_us));
    statement.exchange(soci::into(language));
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

std::optional<CustomerRow> LoadRow(soci::session& session, const std::string& external_id, bool for_update) {
  CustomerRow row;
  std::string id = external_id;
  bool lock = for_update && session.get_backend_name() == "mysql";
  soci::statement statement(session);
  statement.exchange(soci::use(id));
  row.Bind(statement);
  statement.alloc();
  statement.prepare(absl::StrCat("SELECT ", CustomerRow::kColumns, " FROM customers WHERE external_id = :id",
                                 lock ? " FOR UPDATE" : ""));
  statement.define_and_bind();
  if (!statement.execute(true)) return std::nullopt;
  return row;
}

void LoadTags(soci::session& session, long long customer_id, v1::Customer& customer) {
  std::string tag;
  soci::statement statement = (session.prepare << "SELECT tag FROM customer_tags WHERE customer_id = :id ORDER BY tag",
                               soci::use(customer_id), soci::into(tag));
  statement.execute();
  while (statement.fetch()) customer.add_tags(tag);
}

void ReplaceTags(soci::session& session, long long customer_id, const v1::Customer& customer) {
  session << "DELETE FROM customer_tags WHERE customer_id = :id", soci::use(customer_id);
  std::string tag;
  soci::statement insert = (session.prepare << "INSERT INTO customer_tags (customer_id, tag) VALUES (:id, :tag)",
                            soci::use(customer_id), soci::use(tag));
  for (const std::string& each : customer.tags()) {
    tag = each;
    insert.execute(true);
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
void CancelCareOutsideType(soci::session& session, const std::vector<long long>& customer_ids, long long now_us) {
  if (customer_ids.empty()) return;
  soci::statement statement(session);
  statement.exchange(soci::use(now_us));
  for (const long long& id : customer_ids) statement.exchange(soci::use(id));
  statement.alloc();
  statement.prepare(
      absl::StrCat("UPDATE revisits SET state = ", v1::REVISIT_STATE_CANCELLED,
                   ", state_reason = 'the customer is no longer of a type the rule covers', updated_at_us = :now",
                   " WHERE state = ", v1::REVISIT_STATE_PLANNED, " AND trigger_kind = ", v1::TRIGGER_PERIODIC_CARE,
                   " AND customer_id IN (", Placeholders("c", customer_ids.size()), ")",
                   " AND NOT EXISTS (SELECT 1 FROM revisit_rules r JOIN customers c ON c.id = revisits.customer_id",
                   " WHERE r.id = revisits.rule_id AND (r.customer_type_mask & ",
                   CustomerTypeMaskBitSql("c.effective_type"), ") <> 0)"));
  statement.define_and_bind();
  statement.execute(true);
}

// Recomputes a customer's type, RFM and order figures from its orders.
void Reclassify(soci::session& session, long long customer_id, int type_override,
                const settings::ClassificationDocument::Snapshot& settings, absl::Time now) {
  const scheduler::ClassificationThresholds& thresholds = settings.parsed.thresholds;
  const scheduler::RfmThresholds& rfm = settings.parsed.rfm;
  std::vector<scheduler::OrderFact> orders;
  long long amount = 0, at_us = 0, total = 0;
  int status = 0;
  soci::statement statement =
      (session.prepare << "SELECT amount_minor, ordered_at_us, status FROM orders WHERE customer_id = :id",
       soci::use(customer_id), soci::into(amount), soci::into(at_us), soci::into(status));
  statement.execute();
  long long last_us = 0;
  while (statement.fetch()) {
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
  session << "UPDATE customers SET computed_type = :computed, effective_type = :effective, rfm_recency = :r,"
             " rfm_frequency = :f, rfm_monetary = :m, order_count = :count, total_spent_minor = :total,"
             " last_order_at_us = :last, type_changes_at_us = :changes, classification_version = :version,"
             " updated_at_us = :now WHERE id = :id",
      soci::use(computed), soci::use(effective), soci::use(score.recency), soci::use(score.frequency),
      soci::use(score.monetary), soci::use(count), soci::use(total), soci::use(last_us, last_indicator),
      soci::use(changes_us, changes_indicator), soci::use(settings.version), soci::use(now_us), soci::use(customer_id);
}

}  // namespace

absl::Status CustomerStore::ReplanAfterZoneChange(soci::session& session, const std::vector<long long>& customer_ids,
                                                  absl::Time now) {
  if (customer_ids.empty()) return absl::OkStatus();
  absl::StatusOr<std::shared_ptr<const settings::ContactPolicyDocument::Snapshot>> policy =
      contact_policy_.InForce(session);
  if (!policy.ok()) return policy.status();
  ReplanOpenRevisits(session, customer_ids, (*policy)->parsed, now);
  return absl::OkStatus();
}

absl::StatusOr<int> CustomerStore::ReplanForContactPolicy(absl::Time now, int limit) {
  return database_.InTransaction<int>(Access::kWrite, [&](soci::session& session) -> absl::StatusOr<int> {
    std::string name = "contact-policy";
    long long done = 0, pass = 0, after = 0;
    session << absl::StrCat(
        "SELECT done_version, pass_version, after_customer_id FROM revisit_replanning"
        " WHERE name = :name",
        storage::ForUpdate(session)),
        soci::use(name), soci::into(done), soci::into(pass), soci::into(after);
    if (!session.got_data()) return 0;
    absl::StatusOr<std::shared_ptr<const settings::ContactPolicyDocument::Snapshot>> policy =
        contact_policy_.InForce(session);
    if (!policy.ok()) return policy.status();
    long long version = (*policy)->version;
    if (version == done) return 0;
    if (version != pass) {  // changed again: the pass starts over
      pass = version;
      after = 0;
    }
    std::vector<long long> ids;
    long long id = 0;
    soci::statement next = (session.prepare << "SELECT id FROM customers WHERE id > :after ORDER BY id LIMIT :limit",
                            soci::use(after), soci::use(limit), soci::into(id));
    next.execute();
    while (next.fetch()) ids.push_back(id);
    ReplanOpenRevisits(session, ids, (*policy)->parsed, now);
    if (static_cast<int>(ids.size()) < limit) {
      done = pass;
      after = 0;
    } else {
      after = ids.back();
    }
    session << "UPDATE revisit_replanning SET done_version = :done, pass_version = :pass, after_customer_id = :after"
               " WHERE name = :name",
        soci::use(done), soci::use(pass), soci::use(after), soci::use(name);
    return static_cast<int>(ids.size());
  });
}

absl::StatusOr<CustomerStore::UpsertResult> CustomerStore::Upsert(const v1::Customer& customer, absl::Time now) {
  auto attempt = [&](soci::session& session) -> absl::StatusOr<UpsertResult> {
    std::string external_id = customer.external_id(), name = customer.name(), phone = customer.phone(),
                email = customer.email(), im_handle = customer.im_handle(), time_zone = customer.time_zone(),
                serving_agent_id = customer.serving_agent_id(), language = customer.language();
    int preferred_channel = customer.preferred_channel(), consent_mask = ChannelMask(customer.consent()),
        opt_out_mask = ChannelMask(customer.opted_out()), type_override = customer.type_override();
    long long now_us = absl::ToUnixMicros(now);
    std::optional<CustomerRow> existing = LoadRow(session, external_id, /*for_update=*/true);
    bool created = !existing;
    long long id = 0;
    if (existing) {
      id = existing->id;
      opt_out_mask |= existing->opt_out_mask;  // an opt-out is never undone by the shop's data
      int effective_type = EffectiveType(type_override, existing->computed_type);
      session << "UPDATE customers SET name = :name, phone = :phone, email = :email, im_handle = :im,"
                 " time_zone = :tz, serving_agent_id = :agent, language = :language, preferred_channel = :preferred,"
                 " consent_mask = :consent, opt_out_mask = :opt_out, type_override = :override,"
                 " effective_type = :effective, updated_at_us = :now WHERE id = :id",
          soci::use(name), soci::use(phone), soci::use(email), soci::use(im_handle), soci::use(time_zone),
          soci::use(serving_agent_id), soci::use(language), soci::use(preferred_channel), soci::use(consent_mask),
          soci::use(opt_out_mask), soci::use(type_override), soci::use(effective_type), soci::use(now_us),
          soci::use(id);
      if (effective_type != existing->effective_type) CancelCareOutsideType(session, {id}, now_us);
      if (time_zone != existing->time_zone) {
        if (absl::Status s = ReplanAfterZoneChange(session, {id}, now); !s.ok()) return s;
      }
    } else {
      int computed_type = v1::CUSTOMER_TYPE_NEW;  // no orders yet
      int effective_type = EffectiveType(type_override, computed_type);
      absl::StatusOr<long long> in_force = ClassificationInForce(session);
      if (!in_force.ok()) return in_force.status();
      long long classification_version = *in_force;
      session
          << "INSERT INTO customers (external_id, name, phone, email, im_handle, time_zone, serving_agent_id,"
             " language, preferred_channel, consent_mask, opt_out_mask, type_override, computed_type, effective_type,"
             " rfm_recency, rfm_frequency, rfm_monetary, order_count, total_spent_minor, created_at_us,"
             " updated_at_us, classification_version) VALUES (:external_id, :name, :phone, :email, :im, :tz,"
             " :agent, :language, :preferred, :consent, :opt_out, :override, :computed, :effective, 1, 1, 1, 0, 0, "
             ":created,"
             " :updated, :classification)",
          soci::use(external_id), soci::use(name), soci::use(phone), soci::use(email), soci::use(im_handle),
          soci::use(time_zone), soci::use(serving_agent_id), soci::use(language), soci::use(preferred_channel),
          soci::use(consent_mask), soci::use(opt_out_mask), soci::use(type_override), soci::use(computed_type),
          soci::use(effective_type), soci::use(now_us), soci::use(now_us), soci::use(classification_version);
      existing = LoadRow(session, external_id, /*for_update=*/false);
      id = existing->id;
    }
    ReplaceTags(session, id, customer);
    std::optional<CustomerRow> stored = LoadRow(session, external_id, /*for_update=*/false);
    UpsertResult result{stored->ToProto(), created};
    LoadTags(session, id, result.customer);
    return result;
  };
  absl::StatusOr<UpsertResult> result = database_.InTransaction<UpsertResult>(Access::kWrite, attempt);
  // Two first upserts of one new customer at once: the loser's insert hit the
  // unique key; the customer exists now, so this is an update.
  if (result.status().code() == absl::StatusCode::kAlreadyExists) {
    result = database_.InTransaction<UpsertResult>(Access::kWrite, attempt);
  }
  return result;
}

absl::StatusOr<v1::Customer> CustomerStore::Get(absl::string_view external_id) {
  return database_.InTransaction<v1::Customer>(
      Access::kRead, [&](soci::session& session) -> absl::StatusOr<v1::Customer> {
        std::optional<CustomerRow> row = LoadRow(session, std::string(external_id), /*for_update=*/false);
        if (!row) return absl::NotFoundError(absl::StrCat("customer ", Quote(external_id), " not found"));
        v1::Customer customer = row->ToProto();
        LoadTags(session, row->id, customer);
        return customer;
      });
}

absl::StatusOr<CustomerStore::ListPage> CustomerStore::List(const ListQuery& query) {
  return database_.InTransaction<ListPage>(Access::kRead, [&](soci::session& session) -> absl::StatusOr<ListPage> {
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
    soci::statement statement(session);
    statement.exchange(soci::use(after));
    if (type != v1::CUSTOMER_TYPE_UNSPECIFIED) statement.exchange(soci::use(type));
    if (!tag.empty()) statement.exchange(soci::use(tag));
    statement.exchange(soci::use(fetch));
    CustomerRow row;
    row.Bind(statement);
    statement.alloc();
    statement.prepare(sql);
    statement.define_and_bind();
    statement.execute();
    ListPage page;
    std::vector<long long> ids;
    while (statement.fetch()) {
      if (static_cast<int>(page.customers.size()) == query.limit) {
        page.has_more = true;
        break;
      }
      page.customers.push_back(row.ToProto());
      ids.push_back(row.id);
    }
    for (size_t i = 0; i < ids.size(); ++i) LoadTags(session, ids[i], page.customers[i]);
    if (!ids.empty()) page.last_id = ids.back();
    return page;
  });
}

}  // namespace satisfaction::customers

namespace satisfaction::customers {

namespace {

// A list of n placeholders named prefix0, prefix1, ...
// The bound values of one customer row in a multi-row upsert.
struct BatchRow {
  std::string external_id, name, phone, email, im_handle, time_zone, serving_agent_id, language;
  int preferred_channel = 0, consent_mask = 0, opt_out_mask = 0, type_override = 0, effective_type = 0;
};

}  // namespace

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
  std::vector<BatchRow> rows(unique.size());
  for (size_t i = 0; i < unique.size(); ++i) {
    const v1::Customer& c = *unique[i];
    rows[i] = {c.external_id(),
               c.name(),
               c.phone(),
               c.email(),
               c.im_handle(),
               c.time_zone(),
               c.serving_agent_id(),
               c.language(),
               c.preferred_channel(),
               ChannelMask(c.consent()),
               ChannelMask(c.opted_out()),
               c.type_override(),
               EffectiveType(c.type_override(), v1::CUSTOMER_TYPE_NEW)};
  }
  long long now_us = absl::ToUnixMicros(now);

  return database_.InTransaction<BatchResult>(
      Access::kWrite, [&](soci::session& session) -> absl::StatusOr<BatchResult> {
        bool mysql = session.get_backend_name() == "mysql";
        size_t n = rows.size();
        std::string ids = Placeholders("x", n);

        // Which exist already (for the counts), and in which time zone.
        absl::flat_hash_map<std::string, std::string> zone_before;
        {
          std::string external_id, time_zone;
          soci::statement statement(session);
          for (BatchRow& row : rows) statement.exchange(soci::use(row.external_id));
          statement.exchange(soci::into(external_id));
          statement.exchange(soci::into(time_zone));
          statement.alloc();
          statement.prepare(
              absl::StrCat("SELECT external_id, time_zone FROM customers WHERE external_id IN (", ids, ")"));
          statement.define_and_bind();
          statement.execute();
          while (statement.fetch()) zone_before[external_id] = time_zone;
        }

        // One multi-row upsert. A new customer has no orders: type new, RFM 1-1-1.
        absl::StatusOr<long long> in_force = ClassificationInForce(session);
        if (!in_force.ok()) return in_force.status();
        long long classification_version = *in_force;
        {
          std::string sql =
              "INSERT INTO customers (external_id, name, phone, email, im_handle, time_zone, serving_agent_id,"
              " language, preferred_channel, consent_mask, opt_out_mask, type_override, effective_type, computed_type,"
              " rfm_recency, rfm_frequency, rfm_monetary, order_count, total_spent_minor, created_at_us, updated_at_us,"
              " classification_version) VALUES ";
          soci::statement statement(session);
          for (size_t i = 0; i < n; ++i) {
            absl::StrAppend(&sql, i ? ", " : "", "(", Placeholders(absl::StrCat("r", i, "_"), 13),
                            ", 1, 1, 1, 1, 0, 0, :c", i, ", :u", i, ", ", classification_version, ")");
            BatchRow& row = rows[i];
            statement.exchange(soci::use(row.external_id));
            statement.exchange(soci::use(row.name));
            statement.exchange(soci::use(row.phone));
            statement.exchange(soci::use(row.email));
            statement.exchange(soci::use(row.im_handle));
            statement.exchange(soci::use(row.time_zone));
            statement.exchange(soci::use(row.serving_agent_id));
            statement.exchange(soci::use(row.language));
            statement.exchange(soci::use(row.preferred_channel));
            statement.exchange(soci::use(row.consent_mask));
            statement.exchange(soci::use(row.opt_out_mask));
            statement.exchange(soci::use(row.type_override));
            statement.exchange(soci::use(row.effective_type));
            statement.exchange(soci::use(now_us));
            statement.exchange(soci::use(now_us));
          }
          // Opt-outs are only ever added; the computed type and order figures stay.
          if (mysql) {
            absl::StrAppend(
                &sql,
                " ON DUPLICATE KEY UPDATE name = VALUES(name), phone = VALUES(phone), email = VALUES(email),"
                " im_handle = VALUES(im_handle), time_zone = VALUES(time_zone),"
                " serving_agent_id = VALUES(serving_agent_id), language = VALUES(language), preferred_channel = "
                "VALUES(preferred_channel),"
                " consent_mask = VALUES(consent_mask), opt_out_mask = opt_out_mask | VALUES(opt_out_mask),"
                " type_override = VALUES(type_override),"
                " effective_type = IF(VALUES(type_override) <> 0, VALUES(type_override), computed_type),"
                " updated_at_us = VALUES(updated_at_us)");
          } else {
            absl::StrAppend(&sql,
                            " ON CONFLICT (external_id) DO UPDATE SET name = excluded.name, phone = excluded.phone,"
                            " email = excluded.email, im_handle = excluded.im_handle, time_zone = excluded.time_zone,"
                            " serving_agent_id = excluded.serving_agent_id, language = excluded.language,"
                            " preferred_channel = excluded.preferred_channel, consent_mask = excluded.consent_mask,"
                            " opt_out_mask = customers.opt_out_mask | excluded.opt_out_mask,"
                            " type_override = excluded.type_override,"
                            " effective_type = CASE WHEN excluded.type_override <> 0 THEN excluded.type_override"
                            " ELSE customers.computed_type END, updated_at_us = excluded.updated_at_us");
          }
          statement.alloc();
          statement.prepare(sql);
          statement.define_and_bind();
          statement.execute(true);
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
          soci::statement select(session);
          for (BatchRow& row : rows) select.exchange(soci::use(row.external_id));
          select.exchange(soci::into(id));
          select.exchange(soci::into(external_id));
          select.alloc();
          select.prepare(absl::StrCat("SELECT id, external_id FROM customers WHERE external_id IN (", ids, ")"));
          select.define_and_bind();
          select.execute();
          while (select.fetch()) id_by_external[external_id] = id;
        }
        if (!zone_before.empty()) {
          std::vector<long long> existing_ids, moved_ids;
          for (const BatchRow& row : rows) {
            auto before = zone_before.find(row.external_id);
            if (before == zone_before.end()) continue;
            existing_ids.push_back(id_by_external[row.external_id]);
            if (before->second != row.time_zone) moved_ids.push_back(existing_ids.back());
          }
          soci::statement remove(session);
          for (long long& id : existing_ids) remove.exchange(soci::use(id));
          remove.alloc();
          remove.prepare(absl::StrCat("DELETE FROM customer_tags WHERE customer_id IN (",
                                      Placeholders("d", existing_ids.size()), ")"));
          remove.define_and_bind();
          remove.execute(true);
          CancelCareOutsideType(session, existing_ids, now_us);  // a type override may have changed
          if (absl::Status s = ReplanAfterZoneChange(session, moved_ids, now); !s.ok()) return s;
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
          soci::statement insert(session);
          for (size_t i = 0; i < tag_count; ++i) {
            absl::StrAppend(&sql, i ? ", " : "", "(:t", i, ", :g", i, ")");
            insert.exchange(soci::use(tag_customer[i]));
            insert.exchange(soci::use(tag_text[i]));
          }
          insert.alloc();
          insert.prepare(sql);
          insert.define_and_bind();
          insert.execute(true);
        }
        int updated = static_cast<int>(zone_before.size());
        return BatchResult{.created = static_cast<int>(n) - updated, .updated = updated + superseded};
      });
}

absl::StatusOr<CustomerStore::OrderResult> CustomerStore::RecordOrder(const v1::Order& order, absl::Time now) {
  auto attempt = [&](soci::session& session) -> absl::StatusOr<OrderResult> {
    std::optional<CustomerRow> customer = LoadRow(session, order.customer_external_id(), /*for_update=*/true);
    if (!customer) {
      return absl::NotFoundError(absl::StrCat("customer ", Quote(order.customer_external_id()), " not found"));
    }
    std::string order_id = order.order_id();
    long long amount = order.amount_minor();
    long long ordered_at_us = google::protobuf::util::TimeUtil::TimestampToMicroseconds(order.order_time());
    int status = order.status();
    long long now_us = absl::ToUnixMicros(now);
    long long owner = 0;
    bool lock = session.get_backend_name() == "mysql";
    session << absl::StrCat("SELECT customer_id FROM orders WHERE order_id = :id", lock ? " FOR UPDATE" : ""),
        soci::use(order_id), soci::into(owner);
    bool created = !session.got_data();
    if (!created && owner != customer->id) {
      return absl::FailedPreconditionError(
          absl::StrCat("order ", Quote(order_id), " was recorded for another customer"));
    }
    if (created) {
      session << "INSERT INTO orders (order_id, customer_id, amount_minor, ordered_at_us, status, created_at_us,"
                 " updated_at_us) VALUES (:id, :customer, :amount, :at, :status, :now, :now2)",
          soci::use(order_id), soci::use(customer->id), soci::use(amount), soci::use(ordered_at_us), soci::use(status),
          soci::use(now_us), soci::use(now_us);
    } else {
      session << "UPDATE orders SET amount_minor = :amount, ordered_at_us = :at, status = :status,"
                 " updated_at_us = :now WHERE order_id = :id",
          soci::use(amount), soci::use(ordered_at_us), soci::use(status), soci::use(now_us), soci::use(order_id);
    }
    absl::StatusOr<std::shared_ptr<const settings::ClassificationDocument::Snapshot>> settings =
        classification_.InForce(session);
    if (!settings.ok()) return settings.status();
    Reclassify(session, customer->id, customer->type_override, **settings, now);
    CancelCareOutsideType(session, {customer->id}, now_us);
    OrderResult result{order, LoadRow(session, order.customer_external_id(), false)->ToProto(), created};
    LoadTags(session, customer->id, result.customer);
    return result;
  };
  absl::StatusOr<OrderResult> result = database_.InTransaction<OrderResult>(Access::kWrite, attempt);
  // The same new order recorded twice at once: the second is an update.
  if (result.status().code() == absl::StatusCode::kAlreadyExists) {
    result = database_.InTransaction<OrderResult>(Access::kWrite, attempt);
  }
  return result;
}

absl::StatusOr<int> CustomerStore::ReclassifyDue(absl::Time now, int limit) {
  return database_.InTransaction<int>(Access::kWrite, [&](soci::session& session) -> absl::StatusOr<int> {
    absl::StatusOr<std::shared_ptr<const settings::ClassificationDocument::Snapshot>> settings =
        classification_.InForce(session);
    if (!settings.ok()) return settings.status();
    long long now_us = absl::ToUnixMicros(now);
    const char* skip_locked = storage::SkipLocked(session);
    // First those typed under older settings, then those whose type changes with time.
    // (Row by row: SOCI's SQLite backend fills no vector of one row.)
    std::vector<long long> ids;
    std::vector<int> overrides;
    long long id = 0;
    int type_override = 0;
    auto read = [&](soci::statement& statement) {
      statement.execute();
      while (statement.fetch()) {
        ids.push_back(id);
        overrides.push_back(type_override);
      }
    };
    soci::statement outdated =
        (session.prepare << absl::StrCat("SELECT id, type_override FROM customers WHERE classification_version <"
                                         " :version ORDER BY classification_version LIMIT :limit",
                                         skip_locked),
         soci::use((*settings)->version), soci::use(limit), soci::into(id), soci::into(type_override));
    read(outdated);
    if (static_cast<int>(ids.size()) < limit) {
      int rest = limit - static_cast<int>(ids.size());
      soci::statement due =
          (session.prepare << absl::StrCat("SELECT id, type_override FROM customers WHERE type_changes_at_us <= :now",
                                           " AND classification_version >= :version ORDER BY type_changes_at_us"
                                           " LIMIT :limit",
                                           skip_locked),
           soci::use(now_us), soci::use((*settings)->version), soci::use(rest), soci::into(id),
           soci::into(type_override));
      read(due);
    }
    for (size_t i = 0; i < ids.size(); ++i) Reclassify(session, ids[i], overrides[i], **settings, now);
    CancelCareOutsideType(session, ids, now_us);
    return static_cast<int>(ids.size());
  });
}

}  // namespace satisfaction::customers
