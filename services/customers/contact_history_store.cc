#include "services/customers/contact_history_store.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/callbacks/callback_rows.h"
#include "services/common/enum_bridges.h"
#include "services/common/text_limits.h"
#include "services/customers/do_not_call_store.h"
#include "services/leases/revisit_leases.h"
#include "services/messages/message_rows.h"
#include "services/responses/stored_response.h"
#include "services/revisits/revisit_store.h"
#include "services/storage/query.h"
#include "services/storage/sql_text.h"
#include "services/storage/transaction.h"

namespace satisfaction::customers {
namespace {

using google::protobuf::util::TimeUtil;
using storage::Access;

// The customer as the history needs it.
struct CustomerFacts {
  long long id = 0;
  std::string phone;
  int opt_out_mask = 0;
};

std::optional<CustomerFacts> LoadCustomer(storage::Transaction& tx, const std::string& external_id) {
  CustomerFacts facts;
  storage::Query query(tx, "SELECT id, phone, opt_out_mask FROM customers WHERE external_id = :id");
  query.Bind("id", external_id).Into(facts.id).Into(facts.phone).Into(facts.opt_out_mask);
  if (!query.Execute()) return std::nullopt;
  return facts;
}

// The rows of one kind that come after `after`, as a condition on the row's
// time and id: `time < before OR (time = before AND id < below)`.
struct Bounds {
  long long before = std::numeric_limits<long long>::max();
  long long below = 0;
};

Bounds BoundsFor(HistoryKey::Kind kind, const std::optional<HistoryKey>& after) {
  if (!after) return {};  // every time stored is before the largest
  if (kind < after->kind) return {after->time_us, std::numeric_limits<long long>::max()};  // every id at its time
  if (kind == after->kind) return {after->time_us, after->id};
  return {after->time_us, 0};  // ids start at 1: none at its time
}

// An entry found, ordered by its key; a revisit's details are read once the
// page is known.
struct Candidate {
  HistoryKey key;
  v1::ContactHistoryEntry entry;
};

void AddRevisits(storage::Transaction& tx, long long customer_id, const std::optional<HistoryKey>& after, int fetch,
                 std::vector<Candidate>& out) {
  Bounds bounds = BoundsFor(HistoryKey::kRevisit, after);
  long long id = 0, created_us = 0;
  storage::Query query(tx,
                       "SELECT id, created_at_us FROM revisits WHERE customer_id = :customer AND (created_at_us <"
                       " :before OR (created_at_us = :at AND id < :below)) ORDER BY created_at_us DESC, id DESC"
                       " LIMIT :fetch");
  query.Bind("customer", customer_id).Bind("before", bounds.before).Bind("at", bounds.before);
  query.Bind("below", bounds.below).Bind("fetch", fetch).Into(id).Into(created_us).Start();
  while (query.Next()) out.push_back({{created_us, HistoryKey::kRevisit, id}, {}});
}

// Replies that opted the customer out (found through the customer's
// revisits, which are indexed by customer).
void AddOptOutReplies(storage::Transaction& tx, long long customer_id, const std::optional<HistoryKey>& after,
                      int fetch, std::vector<Candidate>& out) {
  Bounds bounds = BoundsFor(HistoryKey::kOptOutReply, after);
  messages::rows::ReplyRow row;
  storage::Query query(
      tx, absl::StrCat("SELECT ", messages::rows::ReplyRow::kColumns,
                       " FROM message_replies m JOIN revisits r ON r.id = m.revisit_id WHERE r.customer_id = :customer"
                       " AND m.opted_out = 1 AND (m.received_at_us < :before OR (m.received_at_us = :at AND m.id <"
                       " :below)) ORDER BY m.received_at_us DESC, m.id DESC LIMIT :fetch"));
  query.Bind("customer", customer_id).Bind("before", bounds.before).Bind("at", bounds.before);
  query.Bind("below", bounds.below).Bind("fetch", fetch).IntoRow(row).Start();
  while (query.Next()) {
    Candidate candidate{{row.received_us, HistoryKey::kOptOutReply, row.id}, {}};
    v1::OptOut& opt_out = *candidate.entry.mutable_opt_out();
    *opt_out.mutable_reply() = row.ToProto();
    opt_out.set_channel(opt_out.reply().channel());
    out.push_back(std::move(candidate));
  }
}

// The customer's number on the do-not-call list: one entry at most, as the
// list is keyed by number.
void AddDoNotCallEntry(storage::Transaction& tx, const std::string& phone, const std::optional<HistoryKey>& after,
                       std::vector<Candidate>& out) {
  if (phone.empty()) return;
  std::optional<v1::DoNotCallEntry> listed = LoadDoNotCall(tx, phone);
  if (!listed) return;
  Candidate candidate{{TimeUtil::TimestampToMicroseconds(listed->create_time()), HistoryKey::kDoNotCall, 0}, {}};
  if (after && candidate.key >= *after) return;
  candidate.entry.mutable_opt_out()->set_channel(v1::CHANNEL_PHONE);
  *candidate.entry.mutable_opt_out()->mutable_do_not_call() = *std::move(listed);
  out.push_back(std::move(candidate));
}

// Links the revisits to the responses that answered them, and the recovery
// calls among them to the responses that opened them.
absl::Status AddResponses(storage::Transaction& tx, long long customer_id,
                          absl::flat_hash_map<long long, v1::RevisitHistory>& revisits) {
  std::vector<long long> ids, recovery_ids;
  for (const auto& [id, history] : revisits) {
    ids.push_back(id);
    if (history.revisit().trigger() == v1::TRIGGER_LOW_SCORE) recovery_ids.push_back(id);
  }
  std::string recovery_clause;
  if (!recovery_ids.empty()) {
    recovery_clause =
        absl::StrCat(" OR s.recovery_revisit_id IN (", storage::Placeholders("o", recovery_ids.size()), ")");
  }
  long long response_id = 0, answered_id = 0, opened_id = 0;
  std::vector<std::pair<long long, long long>> answers;  // revisit, response
  storage::Query query(
      tx, absl::StrCat("SELECT s.id, s.revisit_id, COALESCE(s.recovery_revisit_id, 0) FROM responses s JOIN revisits r"
                       " ON r.id = s.revisit_id WHERE r.customer_id = :customer AND (s.revisit_id IN (",
                       storage::Placeholders("a", ids.size()), ")", recovery_clause, ")"));
  query.Bind("customer", customer_id).BindEach("a", ids);
  if (!recovery_ids.empty()) query.BindEach("o", recovery_ids);
  query.Into(response_id).Into(answered_id).Into(opened_id).Start();
  while (query.Next()) {
    if (revisits.contains(answered_id)) answers.emplace_back(answered_id, response_id);
    if (auto opened = revisits.find(opened_id); opened != revisits.end()) {
      opened->second.set_recovery_for_response_id(absl::StrCat(response_id));
    }
  }
  std::vector<long long> response_ids;
  for (const auto& [revisit_id, id] : answers) response_ids.push_back(id);
  absl::flat_hash_map<long long, v1::Response> loaded = responses::LoadResponses(tx, response_ids);
  for (const auto& [revisit_id, id] : answers) {
    auto response = loaded.find(id);
    if (response == loaded.end()) return absl::InternalError(absl::StrCat("response '", id, "' vanished"));
    *revisits[revisit_id].mutable_response() = std::move(response->second);
  }
  return absl::OkStatus();
}

// The revisits of the page, each with what came of it.
absl::StatusOr<absl::flat_hash_map<long long, v1::RevisitHistory>> LoadRevisitHistories(storage::Transaction& tx,
                                                                                        long long customer_id,
                                                                                        std::vector<long long> ids) {
  absl::flat_hash_map<long long, v1::RevisitHistory> histories;
  if (ids.empty()) return histories;
  for (v1::Revisit& revisit : revisits::LoadRevisits(tx, ids)) {
    long long id = 0;
    if (!absl::SimpleAtoi(revisit.id(), &id)) return absl::InternalError("a revisit id that is not a number");
    *histories[id].mutable_revisit() = std::move(revisit);
  }
  std::vector<v1::Callback> calls = callbacks::rows::LoadCallbacks(tx, ids);
  for (size_t i = 0; i < ids.size(); ++i) {
    *histories[ids[i]].mutable_call_attempts() = std::move(*calls[i].mutable_earlier_attempts());
  }
  for (auto& [id, deliveries] : messages::rows::LoadDeliveries(tx, ids)) {
    for (v1::DeliveryAttempt& delivery : deliveries) *histories[id].add_deliveries() = std::move(delivery);
  }
  for (auto& [id, replies] : messages::rows::LoadReplies(tx, ids)) {
    for (v1::MessageReply& reply : replies) *histories[id].add_replies() = std::move(reply);
  }
  if (absl::Status s = AddResponses(tx, customer_id, histories); !s.ok()) return s;
  return histories;
}

}  // namespace

absl::StatusOr<ContactHistoryStore::Page> ContactHistoryStore::Read(const std::string& external_id,
                                                                    std::optional<HistoryKey> after, int limit) {
  return database_.InTransaction<Page>(Access::kRead, [&](storage::Transaction& tx) -> absl::StatusOr<Page> {
    std::optional<CustomerFacts> customer = LoadCustomer(tx, external_id);
    if (!customer) return absl::NotFoundError(absl::StrCat("customer ", Quote(external_id), " not found"));
    // Each kind's next limit + 1 rows: enough to fill the page from any mix
    // and to tell whether more follow.
    int fetch = limit + 1;
    std::vector<Candidate> found;
    AddRevisits(tx, customer->id, after, fetch, found);
    AddOptOutReplies(tx, customer->id, after, fetch, found);
    AddDoNotCallEntry(tx, customer->phone, after, found);
    std::sort(found.begin(), found.end(), [](const Candidate& a, const Candidate& b) { return a.key > b.key; });

    Page page;
    page.opted_out = ChannelFlagsOf(customer->opt_out_mask);
    page.has_more = static_cast<int>(found.size()) > limit;
    if (page.has_more) found.resize(limit);
    std::vector<long long> revisit_ids;
    for (const Candidate& candidate : found) {
      if (candidate.key.kind == HistoryKey::kRevisit) revisit_ids.push_back(candidate.key.id);
    }
    absl::StatusOr<absl::flat_hash_map<long long, v1::RevisitHistory>> histories =
        LoadRevisitHistories(tx, customer->id, std::move(revisit_ids));
    if (!histories.ok()) return histories.status();
    for (Candidate& candidate : found) {
      *candidate.entry.mutable_time() = TimeUtil::MicrosecondsToTimestamp(candidate.key.time_us);
      if (candidate.key.kind == HistoryKey::kRevisit) {
        *candidate.entry.mutable_revisit() = std::move((*histories)[candidate.key.id]);
      }
      page.entries.push_back(std::move(candidate.entry));
    }
    if (!found.empty()) page.last = found.back().key;
    return page;
  });
}

absl::StatusOr<bool> ContactHistoryStore::HoldsCallback(const std::string& external_id, const std::string& queue,
                                                        const std::string& holder, absl::Time now) {
  return database_.InTransaction<bool>(Access::kRead, [&](storage::Transaction& tx) -> absl::StatusOr<bool> {
    int leased = leases::kLeased, phone = v1::CHANNEL_PHONE;
    long long now_us = absl::ToUnixMicros(now), held = 0;
    storage::Query query(tx,
                         absl::StrCat("SELECT COUNT(*) FROM revisits r JOIN customers c ON c.id = r.customer_id WHERE"
                                      " c.external_id = :customer AND r.state = :leased AND r.channel = :phone AND"
                                      " r.lease_expires_at_us > :now",
                                      queue.empty() ? "" : " AND r.queue = :queue",
                                      holder.empty() ? "" : " AND r.lease_holder = :holder"));
    query.Bind("customer", external_id).Bind("leased", leased).Bind("phone", phone).Bind("now", now_us);
    if (!queue.empty()) query.Bind("queue", queue);
    if (!holder.empty()) query.Bind("holder", holder);
    query.Into(held).Execute();
    return held > 0;
  });
}

}  // namespace satisfaction::customers
