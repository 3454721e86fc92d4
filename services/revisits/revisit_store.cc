#include "services/revisits/revisit_store.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "services/common/enum_bridges.h"
#include "services/common/field_checks.h"
#include "services/common/text_limits.h"
#include "services/revisits/business_context.h"
#include "services/revisits/funnel_counts.h"
#include "services/revisits/revisit_rule_store.h"
#include "services/revisits/revisit_rule_validation.h"
#include "services/storage/database_errors.h"
#include "services/storage/query.h"
#include "services/storage/sql_text.h"
#include "services/storage/transaction.h"

namespace satisfaction::revisits {
namespace {

using google::protobuf::util::TimeUtil;
using storage::Access;

// The customer as planning needs it.
struct CustomerFacts {
  long long id = 0;
  std::string time_zone, phone, email, im_handle, serving_agent_id;
  int effective_type = 1, consent_mask = 0, opt_out_mask = 0;
  // Whether the phone number is on the shop-wide do-not-call list.
  int on_do_not_call_list = 0;
  long long contact_policy_version = 0;
};

// When the event happened: its occur_time, or its local time read on the
// customer's own clock.
absl::StatusOr<absl::Time> OccurredAt(const v1::Event& event, const std::string& time_zone, absl::Time now) {
  if (event.occur_local_time().empty()) {
    return absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(event.occur_time()));
  }
  constexpr char kField[] = "event.occur_local_time";
  std::optional<absl::CivilSecond> local = ParseLocalDateTime(event.occur_local_time());
  if (!local) return FieldError(kField, "must read YYYY-MM-DDTHH:MM:SS");
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(time_zone, &zone)) zone = absl::UTCTimeZone();
  absl::TimeZone::TimeInfo info = zone.At(*local);
  if (info.kind == absl::TimeZone::TimeInfo::SKIPPED) {
    return FieldError(kField, absl::StrCat(event.occur_local_time(), " does not exist in the customer's time zone ",
                                           time_zone, ": the clocks skip it (daylight saving time starts)"));
  }
  absl::Time at = info.pre;  // of a repeated time, the first occurrence
  if (at > now + absl::Hours(24)) return FieldError(kField, "more than a day in the future");
  return at;
}

std::optional<CustomerFacts> LockCustomer(storage::Transaction& tx, const std::string& external_id) {
  CustomerFacts facts;
  std::string key = external_id;
  std::string policy = settings::kContactPolicySettingsName;
  // The do-not-call list and the contact policy's version are read in the same round trip.
  storage::Query query(
      tx,
      absl::StrCat("SELECT id, time_zone, phone, email, im_handle, serving_agent_id, effective_type,"
                   " consent_mask, opt_out_mask, (SELECT COUNT(*) FROM do_not_call d WHERE d.phone = customers.phone),"
                   " (SELECT version FROM settings WHERE name = :policy) FROM customers WHERE external_id = :id",
                   tx.ForUpdate()));
  query.Bind("policy", policy).Bind("id", key).Into(facts.id).Into(facts.time_zone).Into(facts.phone);
  query.Into(facts.email).Into(facts.im_handle).Into(facts.serving_agent_id).Into(facts.effective_type);
  query.Into(facts.consent_mask).Into(facts.opt_out_mask).Into(facts.on_do_not_call_list);
  if (!query.Into(facts.contact_policy_version).Execute()) return std::nullopt;
  return facts;
}

// Past and planned contacts that a new one could come near enough to count
// against the budget.
std::vector<scheduler::ContactRecord> LoadContacts(storage::Transaction& tx, long long customer_id, absl::Time since) {
  std::vector<scheduler::ContactRecord> contacts;
  long long since_us = absl::ToUnixMicros(since), due_us = 0;
  int channel = 0, survey = 0;
  storage::Query query(tx,
                       "SELECT due_at_us, channel, survey FROM revisits WHERE customer_id = :id"
                       " AND due_at_us >= :since");
  query.Bind("id", customer_id).Bind("since", since_us).Into(due_us).Into(channel).Into(survey).Start();
  while (query.Next()) {
    // A channel this build does not know has no cap here to count against.
    std::optional<scheduler::Channel> known = ToScheduler(ProtoEnumOrUnspecified<v1::Channel>(channel));
    if (known) contacts.push_back({absl::FromUnixMicros(due_us), *known, survey != 0});
  }
  return contacts;
}

bool HasAddress(const CustomerFacts& facts, scheduler::Channel channel) {
  switch (channel) {
    case scheduler::Channel::kPhone:
    case scheduler::Channel::kSms:
      return !facts.phone.empty();
    case scheduler::Channel::kIm:
      return !facts.im_handle.empty();
    case scheduler::Channel::kEmail:
      return !facts.email.empty();
  }
  return false;
}

scheduler::CustomerSnapshot Snapshot(const CustomerFacts& facts, scheduler::CustomerType type, const v1::Event& event,
                                     absl::Time since, storage::Transaction& tx) {
  scheduler::CustomerSnapshot snapshot;
  snapshot.type = type;
  if (!absl::LoadTimeZone(facts.time_zone, &snapshot.zone)) snapshot.zone = absl::UTCTimeZone();
  // A channel is used only with an address, consent, and no opt-out.
  for (scheduler::Channel channel : scheduler::kAllChannels) {
    int bit = ChannelMaskBit(ToV1(channel));
    snapshot.SetReachable(channel,
                          HasAddress(facts, channel) && (facts.consent_mask & bit) && !(facts.opt_out_mask & bit));
  }
  // Opted out of calls, or on the shop-wide list.
  snapshot.do_not_call = (facts.opt_out_mask & ChannelMaskBit(v1::CHANNEL_PHONE)) || facts.on_do_not_call_list > 0;
  snapshot.contacts = LoadContacts(tx, facts.id, since);
  snapshot.serving_agent = event.serving_agent_id().empty() ? facts.serving_agent_id : event.serving_agent_id();
  return snapshot;
}

// Which of the questionnaires these rules run are archived: no new revisit
// may use them. One read, and none when no rule runs a survey.
absl::flat_hash_set<std::string> ArchivedQuestionnairesOf(storage::Transaction& tx,
                                                          const std::vector<v1::RevisitRule>& rules) {
  std::vector<std::string> ids;
  for (const v1::RevisitRule& rule : rules) {
    if (!rule.questionnaire_id().empty()) ids.push_back(rule.questionnaire_id());
  }
  absl::flat_hash_set<std::string> archived;
  if (ids.empty()) return archived;
  std::string id;
  storage::Query query(tx, absl::StrCat("SELECT id FROM questionnaires WHERE archived_at_us IS NOT NULL AND id IN (",
                                        storage::Placeholders("q", ids.size()), ")"));
  query.BindEach("q", ids).Into(id).Start();
  while (query.Next()) archived.insert(id);
  return archived;
}

// One revisits row, read in the order of kColumns.
struct RevisitRow {
  long long id = 0, due_us = 0, expires_us = 0, created_us = 0;
  int trigger = 0, channel = 0, priority = 0, max_attempts = 0, state = 0, attempts = 0;
  std::string state_reason, queue;
  std::string event_id, rule_id, questionnaire_id, reserved;
  StoredContext context;

  // Read FROM kFrom.
  static constexpr char kColumns[] =
      "revisits.id, revisits.event_id, revisits.rule_id, revisits.trigger_kind, revisits.channel,"
      " revisits.due_at_us, revisits.expires_at_us, revisits.questionnaire_id, revisits.priority,"
      " revisits.max_attempts, revisits.reserved_agent_id, revisits.state, revisits.created_at_us,"
      " revisits.state_reason, revisits.attempts, revisits.queue, ";
  static constexpr char kFrom[] = " FROM revisits LEFT JOIN events e ON e.event_id = revisits.event_id";

  // Reads the columns of kColumns and StoredContext::kColumns, in their order.
  void Into(storage::Query& query) {
    query.Into(id).Into(event_id).Into(rule_id).Into(trigger).Into(channel).Into(due_us).Into(expires_us);
    query.Into(questionnaire_id).Into(priority).Into(max_attempts).Into(reserved).Into(state).Into(created_us);
    query.Into(state_reason).Into(attempts).Into(queue);
    context.Into(query);
  }

  v1::Revisit ToProto(const std::string& customer_external_id) const {
    v1::Revisit r;
    r.set_id(absl::StrCat(id));
    r.set_customer_external_id(customer_external_id);
    r.set_event_id(event_id);
    r.set_rule_id(rule_id);
    r.set_trigger(ProtoEnumOrUnspecified<v1::Trigger>(trigger));
    r.set_channel(ProtoEnumOrUnspecified<v1::Channel>(channel));
    *r.mutable_due_time() = TimeUtil::MicrosecondsToTimestamp(due_us);
    *r.mutable_expire_time() = TimeUtil::MicrosecondsToTimestamp(expires_us);
    r.set_questionnaire_id(questionnaire_id);
    r.set_priority(priority);
    r.set_max_attempts(max_attempts);
    r.set_reserved_agent_id(reserved);
    r.set_state(ProtoEnumOrUnspecified<v1::RevisitState>(state));
    r.set_state_reason(state_reason);
    r.set_attempts(attempts);
    r.set_queue(queue);
    *r.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(created_us);
    *r.mutable_context() = context.ToProto();
    return r;
  }
};

std::vector<v1::Revisit> LoadEventRevisits(storage::Transaction& tx, const std::string& event_id,
                                           const std::string& customer_external_id) {
  std::string key = event_id;
  RevisitRow row;
  storage::Query query(tx, absl::StrCat("SELECT ", RevisitRow::kColumns, StoredContext::kColumns, RevisitRow::kFrom,
                                        " WHERE revisits.event_id = :id ORDER BY revisits.id"));
  query.Bind("id", key).IntoRow(row).Start();
  std::vector<v1::Revisit> revisits;
  while (query.Next()) revisits.push_back(row.ToProto(customer_external_id));
  return revisits;
}

}  // namespace

std::vector<v1::Revisit> LoadRevisits(storage::Transaction& tx, std::vector<long long> ids) {
  std::vector<v1::Revisit> revisits;
  if (ids.empty()) return revisits;
  RevisitRow row;
  std::string customer_external_id;
  storage::Query query(
      tx, absl::StrCat("SELECT ", RevisitRow::kColumns, StoredContext::kColumns,
                       ", (SELECT external_id FROM customers c WHERE c.id = revisits.customer_id)", RevisitRow::kFrom,
                       " WHERE revisits.id IN (", storage::Placeholders("i", ids.size()), ") ORDER BY revisits.id"));
  query.BindEach("i", ids).IntoRow(row).Into(customer_external_id).Start();
  while (query.Next()) revisits.push_back(row.ToProto(customer_external_id));
  return revisits;
}

absl::StatusOr<RevisitStore::EventResult> RevisitStore::RecordEvent(const v1::Event& event, absl::Time now) {
  return database_.InTransaction<EventResult>(Access::kWrite,
                                              [&](storage::Transaction& tx) { return RecordEventIn(tx, event, now); });
}

absl::StatusOr<RevisitStore::EventResult> RevisitStore::RecordEventIn(storage::Transaction& tx, const v1::Event& event,
                                                                      absl::Time now) {
  std::optional<scheduler::Trigger> trigger_kind = ToScheduler(event.trigger());
  if (!trigger_kind) return FieldError("event.trigger", absl::StrCat("unknown trigger ", event.trigger()));
  std::optional<CustomerFacts> customer = LockCustomer(tx, event.customer_external_id());
  if (!customer) {
    return absl::NotFoundError(absl::StrCat("customer ", Quote(event.customer_external_id()), " not found"));
  }
  // Insert the event first: a duplicate key means it was recorded before, so
  // the common case needs no query to find out.
  std::string event_id = event.event_id();
  absl::StatusOr<absl::Time> occurred_at = OccurredAt(event, customer->time_zone, now);
  if (!occurred_at.ok()) return occurred_at.status();
  absl::Time occurred = *occurred_at;
  v1::Event recorded = event;
  *recorded.mutable_occur_time() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(occurred));
  long long occurred_us = absl::ToUnixMicros(occurred), now_us = absl::ToUnixMicros(now);
  int trigger = event.trigger();
  std::string order_id = event.order_id(), case_id = event.case_id(), agent = event.serving_agent_id();
  const v1::BusinessContext& context = event.context();
  std::string platform = context.platform(), store = context.store(), category = context.product_category(),
              courier = context.courier(), cause = context.cause();
  long long amount = context.amount_minor();
  try {
    storage::Query insert(tx,
                          "INSERT INTO events (event_id, customer_id, trigger_kind, occurred_at_us, order_id, case_id,"
                          " serving_agent_id, created_at_us, platform, store, product_category, courier, amount_minor,"
                          " cause) VALUES (:id, :customer, :trigger, :at, :order_id, :case_id, :agent, :now,"
                          " :platform, :store, :category, :courier, :amount, :cause)");
    insert.Bind("id", event_id).Bind("customer", customer->id).Bind("trigger", trigger).Bind("at", occurred_us);
    insert.Bind("order_id", order_id).Bind("case_id", case_id).Bind("agent", agent).Bind("now", now_us);
    insert.Bind("platform", platform).Bind("store", store).Bind("category", category).Bind("courier", courier);
    insert.Bind("amount", amount).Bind("cause", cause).Execute();
  } catch (const soci::soci_error& error) {
    if (storage::StatusFromDatabaseException(error).code() != absl::StatusCode::kAlreadyExists) throw;
    long long owner = 0;
    storage::Query(tx, "SELECT customer_id FROM events WHERE event_id = :id")
        .Bind("id", event_id)
        .Into(owner)
        .Execute();
    if (owner != customer->id) {
      return absl::FailedPreconditionError(
          absl::StrCat("event ", Quote(event_id), " was recorded for another customer"));
    }
    return EventResult{recorded, LoadEventRevisits(tx, event_id, event.customer_external_id()), {}, false};
  }
  if (trigger == v1::TRIGGER_PERIODIC_CARE) {
    storage::Query update(tx, "UPDATE customers SET last_care_at_us = :at WHERE id = :id AND last_care_at_us < :at2");
    update.Bind("at", occurred_us).Bind("id", customer->id).Bind("at2", occurred_us).Execute();
  }

  absl::StatusOr<std::shared_ptr<const settings::ContactPolicyDocument::Snapshot>> policy_in_force =
      contact_policy_.InForceAt(tx, customer->contact_policy_version);
  if (!policy_in_force.ok()) return policy_in_force.status();
  const scheduler::ContactPolicy& policy = (*policy_in_force)->parsed;
  std::optional<scheduler::CustomerType> type =
      ToScheduler(ProtoEnumOrUnspecified<v1::CustomerType>(customer->effective_type));
  if (!type) {
    return absl::InternalError(absl::StrCat("customer ", Quote(event.customer_external_id()), " has a stored type (",
                                            customer->effective_type, ") this server does not know"));
  }
  scheduler::CustomerSnapshot snapshot =
      Snapshot(*customer, *type, event, std::min(occurred, now) - policy.budget.LongestPeriod(), tx);
  std::vector<scheduler::RevisitRule> rules;
  absl::flat_hash_map<std::string, std::string> queue_of_rule;
  std::vector<v1::RevisitRule> enabled = LoadEnabledRules(tx, event.trigger());
  absl::flat_hash_set<std::string> archived = ArchivedQuestionnairesOf(tx, enabled);
  for (const v1::RevisitRule& rule : enabled) {
    scheduler::RevisitRule& planned = rules.emplace_back(ToSchedulerRule(rule));
    planned.questionnaire_archived = archived.contains(rule.questionnaire_id());
    queue_of_rule[rule.id()] = rule.queue().empty() ? std::string(kDefaultQueue) : rule.queue();
  }
  scheduler::Plan plan = scheduler::PlanEvent({*trigger_kind, occurred}, snapshot, rules, policy, now);

  EventResult result{recorded, {}, {}, true};
  RevisitRow row{.created_us = now_us,
                 .trigger = trigger,
                 .state = v1::REVISIT_STATE_PLANNED,
                 .event_id = event_id,
                 .context = {.order_id = order_id,
                             .platform = platform,
                             .store = store,
                             .product_category = category,
                             .courier = courier,
                             .case_id = case_id,
                             .cause = cause,
                             .amount_minor = amount}};
  int survey = 0;
  long long not_before_us = 0;
  storage::Query insert(tx,
                        "INSERT INTO revisits (customer_id, event_id, rule_id, trigger_kind, channel, due_at_us,"
                        " not_before_us, expires_at_us, questionnaire_id, survey, priority, max_attempts, attempts,"
                        " reserved_agent_id, state, created_at_us, updated_at_us, queue) VALUES (:customer, :event,"
                        " :rule, :trigger, :channel, :due, :not_before, :expires, :questionnaire, :survey, :priority,"
                        " :max, 0, :reserved, :state, :created, :updated, :queue)");
  insert.Bind("customer", customer->id).Bind("event", row.event_id).Bind("rule", row.rule_id);
  insert.Bind("trigger", row.trigger).Bind("channel", row.channel).Bind("due", row.due_us);
  insert.Bind("not_before", not_before_us).Bind("expires", row.expires_us).Bind("questionnaire", row.questionnaire_id);
  insert.Bind("survey", survey).Bind("priority", row.priority).Bind("max", row.max_attempts);
  insert.Bind("reserved", row.reserved).Bind("state", row.state).Bind("created", now_us).Bind("updated", now_us);
  insert.Bind("queue", row.queue);
  FunnelCounts funnel;
  for (const scheduler::PlannedRevisit& revisit : plan.revisits) {
    row.rule_id = revisit.rule_id;
    row.channel = ToV1(revisit.channel);
    row.due_us = absl::ToUnixMicros(revisit.due);
    not_before_us = absl::ToUnixMicros(revisit.not_before);
    row.expires_us = absl::ToUnixMicros(revisit.expires);
    row.questionnaire_id = revisit.questionnaire_id;
    survey = revisit.questionnaire_id.empty() ? 0 : 1;
    row.priority = revisit.priority;
    row.max_attempts = revisit.max_attempts;
    row.reserved = revisit.reserved_agent;
    row.queue = queue_of_rule[revisit.rule_id];
    insert.Execute();
    // The driver knows the id the insert got: no query needed.
    row.id = tx.LastInsertId("revisits");
    if (survey == 1) funnel.AddPlanned(row.id, row.questionnaire_id, now_us);
    result.revisits.push_back(row.ToProto(event.customer_external_id()));
    TellAfterCommit(tx, flow_, [trigger = event.trigger(), channel = ToV1(revisit.channel)](FlowObserver& flow) {
      flow.RevisitPlanned(trigger, channel);
    });
  }
  funnel.Write(tx);
  for (const scheduler::SkippedRule& skipped : plan.skipped) {
    v1::SkippedRule& out = result.skipped.emplace_back();
    out.set_rule_id(skipped.rule_id);
    out.set_reason(skipped.reason);
  }
  return result;
}

absl::StatusOr<int> RevisitStore::PlanPeriodicCare(absl::Time now, int limit) {
  absl::StatusOr<std::vector<v1::RevisitRule>> rules = database_.InTransaction<std::vector<v1::RevisitRule>>(
      Access::kRead, [](storage::Transaction& tx) -> absl::StatusOr<std::vector<v1::RevisitRule>> {
        return LoadEnabledRules(tx, v1::TRIGGER_PERIODIC_CARE);
      });
  if (!rules.ok()) return rules.status();
  int handled = 0;
  for (const v1::RevisitRule& rule : *rules) {
    absl::Duration interval = absl::Seconds(rule.care_interval().seconds());
    if (interval <= absl::ZeroDuration() || handled >= limit) continue;
    // Customers of the rule's types with no care within the interval: an index
    // range of exactly those due, however many customers there are.
    struct Due {
      long long id;
      std::string external_id;
    };
    absl::StatusOr<std::vector<Due>> due = database_.InTransaction<std::vector<Due>>(
        Access::kRead, [&](storage::Transaction& tx) -> absl::StatusOr<std::vector<Due>> {
          std::vector<int> types(rule.customer_types().begin(), rule.customer_types().end());
          long long since_us = absl::ToUnixMicros(now - interval);
          int fetch = limit - handled;
          long long id = 0;
          std::string external_id;
          storage::Query query(tx, absl::StrCat("SELECT id, external_id FROM customers WHERE effective_type IN (",
                                                storage::Placeholders("t", types.size()),
                                                ") AND last_care_at_us <= :since LIMIT :fetch"));
          query.BindEach("t", types).Bind("since", since_us).Bind("fetch", fetch).Into(id).Into(external_id).Start();
          std::vector<Due> found;
          while (query.Next()) found.push_back({id, external_id});
          return found;
        });
    if (!due.ok()) return due.status();
    long long period = absl::ToInt64Seconds(now - absl::UnixEpoch()) / absl::ToInt64Seconds(interval);
    for (const Due& customer : *due) {
      v1::Event event;
      event.set_event_id(absl::StrCat("care-", rule.id(), "-c", customer.id, "-p", period));
      event.set_customer_external_id(customer.external_id);
      event.set_trigger(v1::TRIGGER_PERIODIC_CARE);
      *event.mutable_occur_time() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(now));
      absl::StatusOr<EventResult> recorded = RecordEvent(event, now);
      if (!recorded.ok()) return recorded.status();
      ++handled;
    }
  }
  return handled;
}

absl::StatusOr<RevisitStore::ListPage> RevisitStore::ListForCustomer(absl::string_view external_id,
                                                                     long long after_due_us, long long after_id,
                                                                     int limit) {
  return database_.InTransaction<ListPage>(Access::kRead, [&](storage::Transaction& tx) -> absl::StatusOr<ListPage> {
    std::string key(external_id);
    long long customer_id = 0;
    storage::Query customer(tx, "SELECT id FROM customers WHERE external_id = :id");
    if (!customer.Bind("id", key).Into(customer_id).Execute()) {
      return absl::NotFoundError(absl::StrCat("customer ", Quote(external_id), " not found"));
    }
    // Keyset paging on (due time, id).
    int fetch = limit + 1;
    RevisitRow row;
    storage::Query query(tx, absl::StrCat("SELECT ", RevisitRow::kColumns, StoredContext::kColumns, RevisitRow::kFrom,
                                          " WHERE revisits.customer_id = :customer AND (revisits.due_at_us > :after_due"
                                          " OR (revisits.due_at_us = :same_due AND revisits.id > :after_id))"
                                          " ORDER BY revisits.due_at_us, revisits.id LIMIT :fetch"));
    query.Bind("customer", customer_id).Bind("after_due", after_due_us).Bind("same_due", after_due_us);
    query.Bind("after_id", after_id).Bind("fetch", fetch).IntoRow(row).Start();
    ListPage page;
    while (query.Next()) {
      if (static_cast<int>(page.revisits.size()) == limit) {
        page.has_more = true;
        break;
      }
      page.revisits.push_back(row.ToProto(key));
      page.last_due_us = row.due_us;
      page.last_id = row.id;
    }
    return page;
  });
}

}  // namespace satisfaction::revisits
