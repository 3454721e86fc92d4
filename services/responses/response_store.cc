#include "services/responses/response_store.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "satisfaction/v1/questionnaire.pb.h"
#include "services/access/audit_rows.h"
#include "services/common/enum_bridges.h"
#include "services/common/report_days.h"
#include "services/common/secrets.h"
#include "services/common/text_limits.h"
#include "services/leases/revisit_leases.h"
#include "services/responses/commit_delay.h"
#include "services/revisits/funnel_counts.h"
#include "services/revisits/revisit_rule_store.h"
#include "services/revisits/revisit_rule_validation.h"
#include "services/storage/database_errors.h"
#include "services/storage/query.h"
#include "services/storage/sql_text.h"
#include "services/storage/write_batch.h"

namespace satisfaction::responses {

using google::protobuf::util::TimeUtil;
using storage::Access;

// Who answered which survey, as the invitation or callback says.
struct ResponseStore::Source {
  long long revisit_id = 0, customer_id = 0;
  std::optional<long long> invitation_id;
  std::string questionnaire_id;
  int questionnaire_version = 0, channel = 0;
  // The agent who took the answers on a call; empty for the web.
  std::string agent_id;
  int revisit_state = 0, trigger = 0;
  // Whether the source still lets one answer: an invitation before its
  // expiry, a callback under its lease. Checked after a retried request has
  // found its earlier answer, which stands whatever happened since.
  absl::Status still_valid;
};

// What storing a response needs besides its source, read after the revisit is
// locked (so a response committed by an earlier holder shows).
struct ResponseStore::Context {
  long long first_response = 0;  // 0: none yet
  // The response stored earlier under the request's idempotency key, and its
  // revisit (0: none).
  long long keyed_response = 0, keyed_revisit = 0;
  int customer_type = 0, open_recoveries = 0;
  long long low_score_rules_version = 0;
  std::string external_id, serving_agent;
  // What the revisit answered is about.
  revisits::StoredContext business;
};

// One submission on its way through a transaction.
struct ResponseStore::Submission {
  const v1::SubmitResponseRequest& request;
  const absl::Time now;
  // What the caller is told; unset until a step settles it.
  std::optional<absl::StatusOr<v1::Response>> result;
  // Another submission of the batch names the same survey: this one waits
  // for the batch's commit and goes alone after it.
  bool deferred = false;
  std::optional<Source> source;
  Context context;
  // The call's audit event, written with the outcome in the transaction that
  // settles it; and whether that transaction committed it.
  std::optional<v1::AuditEvent> audit;
  bool audited = false;
  // On the server's clock (`now` is the submit time, which tests set).
  const absl::Time queued = absl::Now();

  bool open() const { return !result && !deferred && source; }
};

namespace {

// Submissions committed together: at most so many to a transaction (32
// responses of 100 items stay within SQLite's 32,766 placeholders a
// statement), by two committer threads: one batch fills while the other
// commits. A third only added contention for the aggregate rows and the CPU.
constexpr size_t kMaxBatch = 32;
constexpr int kMaxCommitters = 2;
// Submissions may wait for a batch up to this many (about 30 batches): beyond
// it the database is not keeping up, and a caller is better told so at once
// than queued without bound.
constexpr size_t kMaxWaiting = 1024;

absl::Status Overloaded() {
  return absl::ResourceExhaustedError(
      absl::StrCat("more than ", kMaxWaiting, " submissions wait for the database; retry shortly"));
}

bool Waiting(int revisit_state) {
  return revisit_state == v1::REVISIT_STATE_PLANNED || revisit_state == v1::REVISIT_STATE_LEASED;
}

}  // namespace

ResponseStore::ResponseStore(storage::Database& database, revisits::RevisitStore& revisits, absl::TimeZone report_zone,
                             FlowObserver* flow)
    : database_(database),
      report_zone_(report_zone),
      revisits_(revisits),
      flow_(flow),
      submissions_(
          kMaxBatch, kMaxCommitters, [this](const Batch& batch) { CommitBatch(batch); }, database.observer(),
          "responses") {}

namespace {

// The context's columns, then revisits::StoredContext::kColumns, read with
// the revisit `r` (see ContextBinding).
constexpr char kContextColumns[] =
    "COALESCE(k.id, 0), COALESCE(k.revisit_id, 0), COALESCE(x.id, 0), c.effective_type, c.external_id,"
    " c.serving_agent_id, (SELECT COUNT(*) FROM revisits v WHERE v.customer_id = c.id AND v.trigger_kind = :trigger"
    " AND v.state IN (:planned, :leased)),"
    " (SELECT COALESCE(MAX(updated_at_us), 0) + COUNT(*) FROM revisit_rules WHERE trigger_kind = :rules), ";
// The joins they need beside `r`, but for the response `k` with the request's key.
constexpr char kContextJoins[] =
    " JOIN customers c ON c.id = r.customer_id LEFT JOIN responses x ON x.revisit_id = r.id"
    " LEFT JOIN events e ON e.event_id = r.event_id";

}  // namespace

// What kContextColumns reads into a context, and the values it binds.
struct ResponseStore::ContextBinding {
  int low_score = v1::TRIGGER_LOW_SCORE, planned = v1::REVISIT_STATE_PLANNED, leased = v1::REVISIT_STATE_LEASED,
      low_score_rules = v1::TRIGGER_LOW_SCORE;
  // Binds kContextColumns' values; its columns (next in the result) go to `context`.
  void Bind(storage::Query& query, Context& context) const;
};

void ResponseStore::ContextBinding::Bind(storage::Query& query, Context& context) const {
  query.Bind("trigger", low_score).Bind("planned", planned).Bind("leased", leased).Bind("rules", low_score_rules);
  query.Into(context.keyed_response)
      .Into(context.keyed_revisit)
      .Into(context.first_response)
      .Into(context.customer_type)
      .Into(context.external_id)
      .Into(context.serving_agent)
      .Into(context.open_recoveries)
      .Into(context.low_score_rules_version);
  context.business.Into(query);
}

// Locks the invitations and their revisits and reads every submission's
// context with them, in one statement. The responses joined are read by the
// same locking read, so each shows as committed when its revisit's lock was
// granted. The customers are locked too (recoveries lock them anyway).
void ResponseStore::LockInvitations(storage::Transaction& tx, const Batch& batch) {
  std::vector<std::string> hashes, keyed_hashes, keys;
  absl::flat_hash_map<std::string, Submission*> by_hash;
  for (Submission* submission : batch) {
    hashes.push_back(Sha256Hex(submission->request.invitation_token()));
    by_hash[hashes.back()] = submission;
    if (!submission->request.idempotency_key().empty()) {
      keyed_hashes.push_back(hashes.back());
      keys.push_back(submission->request.idempotency_key());
    }
  }
  // Each invitation's row meets the response stored under its request's key.
  std::string key_join = " LEFT JOIN responses k ON ";
  if (keys.empty()) absl::StrAppend(&key_join, "1 = 0");
  if (!keys.empty()) {
    absl::StrAppend(&key_join, "k.idempotency_key = CASE i.token_hash");
    for (size_t i = 0; i < keys.size(); ++i) absl::StrAppend(&key_join, " WHEN :kh", i, " THEN :k", i);
    absl::StrAppend(&key_join, " END");
  }
  std::string hash;
  long long expires_us = 0, invitation_id = 0;
  Source row;
  Context context;
  ContextBinding context_binding;
  storage::Query query(
      tx, absl::StrCat("SELECT i.token_hash, i.id, i.revisit_id, i.customer_id, i.questionnaire_id,"
                       " i.questionnaire_version, i.channel, i.expires_at_us, r.state, r.trigger_kind, ",
                       kContextColumns, revisits::StoredContext::kColumns,
                       " FROM invitations i JOIN revisits r ON r.id = i.revisit_id", kContextJoins, key_join,
                       " WHERE i.token_hash IN (", storage::Placeholders("h", hashes.size()), ")", tx.ForUpdate()));
  query.Into(hash)
      .Into(invitation_id)
      .Into(row.revisit_id)
      .Into(row.customer_id)
      .Into(row.questionnaire_id)
      .Into(row.questionnaire_version)
      .Into(row.channel)
      .Into(expires_us)
      .Into(row.revisit_state)
      .Into(row.trigger);
  context_binding.Bind(query, context);
  query.BindEach("kh", keyed_hashes).BindEach("k", keys).BindEach("h", hashes).Start();
  while (query.Next()) {
    Submission& submission = *by_hash.at(hash);
    Source& source = submission.source.emplace(row);
    source.invitation_id = invitation_id;
    submission.context = context;
    if (expires_us <= absl::ToUnixMicros(submission.now)) {
      source.still_valid = absl::FailedPreconditionError(absl::StrCat(
          "invitation_token: the invitation expired at ", absl::FormatTime(absl::FromUnixMicros(expires_us))));
    }
  }
  for (Submission* submission : batch) {
    // The same answer for a token never issued and one mistyped: nothing to learn by guessing.
    if (!submission->source) submission->result = absl::NotFoundError("invitation_token: no such invitation");
  }
}

void ResponseStore::LockCallback(storage::Transaction& tx, Submission& submission) {
  const v1::CallbackAnswer& callback = submission.request.callback();
  long long id = 0;
  if (!absl::SimpleAtoi(callback.callback_id(), &id)) {
    submission.result = absl::InvalidArgumentError("callback.callback_id: not a callback id");
    return;
  }
  absl::StatusOr<leases::LeasedRow> row = leases::LockLeased(tx, leases::LeaseKind::kCallback, id);
  if (!row.ok()) {
    submission.result = row.status();
    return;
  }
  absl::StatusOr<std::string> hash = leases::HashOfToken(callback.lease_token(), leases::LeaseKind::kCallback, id);
  if (!hash.ok()) {
    submission.result = absl::InvalidArgumentError(absl::StrCat("callback.", hash.status().message()));
    return;
  }
  Source source{
      .revisit_id = id, .customer_id = row->customer_id, .channel = v1::CHANNEL_PHONE, .revisit_state = row->state};
  source.agent_id = callback.agent_id().empty() ? row->lease_holder : callback.agent_id();
  // Read after the revisit's lock, so a response committed by an earlier holder shows.
  std::string key = submission.request.idempotency_key();
  soci::indicator has_key = key.empty() ? soci::i_null : soci::i_ok;
  Context context;
  ContextBinding context_binding;
  storage::Query query(
      tx, absl::StrCat("SELECT r.questionnaire_id, COALESCE(q.latest_published_version, 0), ", kContextColumns,
                       revisits::StoredContext::kColumns, " FROM revisits r", kContextJoins,
                       " LEFT JOIN questionnaires q ON q.id = r.questionnaire_id"
                       " LEFT JOIN responses k ON k.idempotency_key = :key WHERE r.id = :id"));
  query.Into(source.questionnaire_id).Into(source.questionnaire_version);
  context_binding.Bind(query, context);
  query.Bind("key", key, has_key).Bind("id", id).Execute();
  if (source.questionnaire_id.empty()) {
    submission.result = absl::FailedPreconditionError(absl::StrCat("callback '", id, "' carries no survey"));
    return;
  }
  if (absl::Status s =
          leases::CheckLease(*row, leases::LeaseKind::kCallback, id, *hash, absl::ToUnixMicros(submission.now));
      !s.ok()) {
    source.still_valid = absl::Status(s.code(), absl::StrCat("callback.", s.message()));
  }
  submission.source = std::move(source);
  submission.context = context;
}

// A retried request gets the response stored under its idempotency key.
void ResponseStore::AnswerRetries(storage::Transaction& tx, const Batch& batch) {
  for (Submission* submission : batch) {
    if (!submission->open() || submission->context.keyed_response == 0) continue;
    if (submission->context.keyed_revisit != submission->source->revisit_id) {
      submission->result = absl::InvalidArgumentError("idempotency_key: already used for another survey's response");
    } else {
      submission->result = LoadResponse(tx, submission->context.keyed_response);
    }
  }
}

std::vector<v1::RevisitRule> ResponseStore::LowScoreRules(storage::Transaction& tx, long long version) {
  {
    absl::MutexLock lock(&rules_mutex_);
    if (low_score_rules_version_ == version) return low_score_rules_;
  }
  std::vector<v1::RevisitRule> rules = revisits::LoadEnabledRules(tx, v1::TRIGGER_LOW_SCORE);
  absl::MutexLock lock(&rules_mutex_);
  low_score_rules_ = rules;
  low_score_rules_version_ = version;
  return rules;
}

absl::StatusOr<QuestionnaireShape> ResponseStore::ShapeOf(storage::Transaction& tx, const std::string& id,
                                                          int version) {
  {
    absl::MutexLock lock(&shapes_mutex_);
    if (auto it = shapes_.find({id, version}); it != shapes_.end()) return it->second;
  }
  QuestionnaireShape shape{.id = id, .version = version};
  ItemShape item;
  int required = 0;
  storage::Query query(tx,
                       "SELECT code, kind, dimension, required, max_length FROM questionnaire_items"
                       " WHERE questionnaire_id = :id AND version = :version ORDER BY ordinal");
  query.Bind("id", id).Bind("version", version);
  query.Into(item.code).Into(item.kind).Into(item.dimension).Into(required).Into(item.max_length).Start();
  while (query.Next()) {
    item.required = required != 0;
    shape.items.push_back(item);
  }
  if (shape.items.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("questionnaire ", Quote(id), " has no published version ", version, " to answer"));
  }
  // Published versions never change, so the shape is kept.
  absl::MutexLock lock(&shapes_mutex_);
  shapes_.emplace(std::make_pair(id, version), shape);
  return shape;
}

absl::StatusOr<std::optional<long long>> ResponseStore::OpenRecovery(storage::Transaction& tx,
                                                                     const Submission& submission,
                                                                     const ResponseRow& row) {
  const Context& context = submission.context;
  if (context.open_recoveries > 0) return std::nullopt;  // one open recovery per customer is enough
  bool low = false;
  for (const v1::RevisitRule& rule : LowScoreRules(tx, context.low_score_rules_version)) {
    int type_bit = CustomerTypeMaskBit(ProtoEnumOrUnspecified<v1::CustomerType>(context.customer_type));
    if (!(revisits::CustomerTypeMask(rule) & type_bit)) continue;
    revisits::LowScoreMarks marks = revisits::LowScoreMarksOf(rule);
    for (const v1::Answer& answer : submission.request.answers()) {
      const ItemShape* item = row.shape->Find(answer.item_code());
      low = low ||
            (item != nullptr && item->kind == v1::ITEM_KIND_SCALE && answer.score() <= marks.at_most &&
             std::find(marks.dimensions.begin(), marks.dimensions.end(), item->dimension) != marks.dimensions.end());
    }
  }
  if (!low) return std::nullopt;
  // Counted again under the customer's lock: two low scores at once (or in
  // one batch) open one recovery.
  long long locked = 0;
  int open = 0, low_score = v1::TRIGGER_LOW_SCORE, planned = v1::REVISIT_STATE_PLANNED,
      leased = v1::REVISIT_STATE_LEASED;
  storage::Query(tx, absl::StrCat("SELECT id FROM customers WHERE id = :id", tx.ForUpdate()))
      .Bind("id", row.customer_id)
      .Into(locked)
      .Execute();
  storage::Query(tx,
                 "SELECT COUNT(*) FROM revisits WHERE customer_id = :id AND trigger_kind = :trigger"
                 " AND state IN (:planned, :leased)")
      .Bind("id", row.customer_id)
      .Bind("trigger", low_score)
      .Bind("planned", planned)
      .Bind("leased", leased)
      .Into(open)
      .Execute();
  if (open > 0) return std::nullopt;
  v1::Event event;
  event.set_event_id(absl::StrCat("low-score-response-", row.id));
  event.set_customer_external_id(context.external_id);
  event.set_trigger(v1::TRIGGER_LOW_SCORE);
  *event.mutable_occur_time() = TimeUtil::MicrosecondsToTimestamp(row.submitted_at_us);
  // The callback goes back to the agent who took the answers, or who serves the customer.
  event.set_serving_agent_id(row.agent_id);
  // The recovery call is about what the low score was about.
  *event.mutable_context() = context.business.ToProto();
  event.set_order_id(context.business.order_id);
  event.set_case_id(context.business.case_id);
  absl::StatusOr<revisits::RevisitStore::EventResult> planned_revisits =
      revisits_.RecordEventIn(tx, event, submission.now);
  if (!planned_revisits.ok()) return planned_revisits.status();
  long long id = 0;
  if (planned_revisits->revisits.empty() || !absl::SimpleAtoi(planned_revisits->revisits[0].id(), &id)) {
    return std::nullopt;
  }
  return id;
}

absl::Status ResponseStore::StoreBatch(storage::Transaction& tx, const Batch& batch) {
  for (Submission* submission : batch) {
    submission->result.reset();
    submission->deferred = false;
    submission->source.reset();
    submission->audited = false;
  }
  if (batch.size() == 1 && batch[0]->request.has_callback()) {
    LockCallback(tx, *batch[0]);
  } else {
    LockInvitations(tx, batch);
  }
  // Two invitations of one survey in one batch: the second waits for the
  // first's commit and is then told the survey is answered.
  absl::flat_hash_set<long long> revisits;
  for (Submission* submission : batch) {
    if (submission->open() && !revisits.insert(submission->source->revisit_id).second) submission->deferred = true;
  }
  AnswerRetries(tx, batch);

  // Every refusal is decided before anything is written.
  std::vector<ResponseRow> rows;
  std::vector<Submission*> accepted;
  std::vector<QuestionnaireShape> shapes;
  shapes.reserve(batch.size());  // rows point into it
  for (Submission* submission : batch) {
    if (!submission->open()) continue;
    const Source& source = *submission->source;
    const Context& context = submission->context;
    if (context.first_response != 0) {
      submission->result = absl::AlreadyExistsError(
          absl::StrCat("this survey was answered already, by response '", context.first_response, "'"));
      continue;
    }
    if (!source.still_valid.ok()) {
      submission->result = source.still_valid;
      continue;
    }
    absl::StatusOr<QuestionnaireShape> shape = ShapeOf(tx, source.questionnaire_id, source.questionnaire_version);
    if (!shape.ok()) {
      submission->result = shape.status();
      continue;
    }
    if (absl::Status s = ValidateAnswers(*shape, submission->request.answers()); !s.ok()) {
      submission->result = s;
      continue;
    }
    absl::CivilDay day = absl::ToCivilDay(submission->now, report_zone_);
    shapes.push_back(*std::move(shape));
    rows.push_back(ResponseRow{
        .request = &submission->request,
        .shape = &shapes.back(),
        .revisit_id = source.revisit_id,
        .customer_id = source.customer_id,
        .submitted_at_us = absl::ToUnixMicros(submission->now),
        .invitation_id = source.invitation_id,
        .questionnaire_id = source.questionnaire_id,
        .customer_external_id = context.external_id,
        .agent_id = source.agent_id.empty() ? context.serving_agent : source.agent_id,
        .questionnaire_version = source.questionnaire_version,
        .customer_type = context.customer_type,
        .channel = source.channel,
        .report_day = ReportDayNumber(day),
        .context = context.business,
    });
    accepted.push_back(submission);
  }
  if (rows.empty()) return absl::OkStatus();

  try {
    InsertResponses(tx, rows);
  } catch (const soci::soci_error& error) {
    // The revisits are locked, so only an idempotency key can clash: a
    // submission of another survey with the same key won the race. Trying
    // again finds it.
    if (storage::StatusFromDatabaseException(error).code() != absl::StatusCode::kAlreadyExists) throw;
    return absl::AbortedError("idempotency_key: taken by a concurrent submission");
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    absl::StatusOr<std::optional<long long>> recovery = OpenRecovery(tx, *accepted[i], rows[i]);
    if (!recovery.ok()) return recovery.status();
    if (!recovery->has_value()) continue;
    rows[i].recovery_revisit_id = **recovery;
    storage::Query(tx, "UPDATE responses SET recovery_revisit_id = :recovery WHERE id = :id")
        .Bind("recovery", **recovery)
        .Bind("id", rows[i].id)
        .Execute();
  }
  storage::WriteBatch writes(tx);
  AddAnswers(writes, rows);
  // Every invitation of an answered survey is spent: any of them answered it;
  // and a call or message still waiting for a survey answered online is moot.
  // A lease on it stays on the row, so that its holder's report of the call
  // or delivery under way is still taken (leases::EndedByAnswer).
  auto answered = std::make_shared<std::vector<long long>>();
  auto answered_online = std::make_shared<std::vector<long long>>();
  auto now_us = std::make_shared<long long>(0);
  for (size_t i = 0; i < rows.size(); ++i) {
    answered->push_back(rows[i].revisit_id);
    *now_us = std::max(*now_us, rows[i].submitted_at_us);
    bool ends_revisit = rows[i].invitation_id && Waiting(accepted[i]->source->revisit_state);
    if (ends_revisit) answered_online->push_back(rows[i].revisit_id);
    v1::Channel channel = ProtoEnumOrUnspecified<v1::Channel>(rows[i].channel);
    v1::Trigger trigger = ProtoEnumOrUnspecified<v1::Trigger>(accepted[i]->source->trigger);
    TellAfterCommit(tx, flow_, [channel, trigger, ends_revisit](FlowObserver& flow) {
      flow.ResponseStored(channel);
      if (ends_revisit) flow.RevisitEnded(trigger, v1::REVISIT_STATE_COMPLETED);
    });
  }
  writes.Add(absl::StrCat("UPDATE invitations SET used_at_us = :used WHERE used_at_us IS NULL AND revisit_id IN (",
                          storage::Placeholders("u", answered->size()), ")"),
             [answered, now_us](storage::Query& query) { query.Bind("used", *now_us).BindEach("u", *answered); });
  if (!answered_online->empty()) {
    writes.Add(absl::StrCat("UPDATE revisits SET state = :completed_state, state_reason = :answered_online,"
                            " updated_at_us = :completed WHERE id IN (",
                            storage::Placeholders("o", answered_online->size()), ")"),
               [answered_online, now_us](storage::Query& query) {
                 static const int kCompleted = v1::REVISIT_STATE_COMPLETED;
                 static const std::string kReason(leases::kAnsweredOnline);
                 query.Bind("completed_state", kCompleted)
                     .Bind("answered_online", kReason)
                     .Bind("completed", *now_us)
                     .BindEach("o", *answered_online);
               });
  }
  // An answer reached the customer, and answered the survey.
  revisits::FunnelCounts funnel;
  funnel.MarkReached(tx, *answered, /*answered=*/true);
  // Last: the aggregates' rows are shared by every writer on this node and
  // stay locked until the commit (each node of a cluster adds to its own).
  funnel.AddTo(writes, tx.cluster_node());
  AddToRollups(writes, rows, tx.cluster_node().index);
  writes.Execute();
  for (size_t i = 0; i < rows.size(); ++i) accepted[i]->result = ResponseOf(rows[i]);
  return absl::OkStatus();
}

void ResponseStore::WriteAuditEvents(storage::Transaction& tx, const Batch& batch) {
  std::vector<const v1::AuditEvent*> events;
  auto time = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now()));
  for (Submission* submission : batch) {
    if (!submission->audit || !submission->result) continue;
    v1::AuditEvent& event = *submission->audit;
    const absl::Status& outcome = submission->result->status();
    *event.mutable_time() = time;
    event.set_outcome(outcome.ok() ? "OK" : absl::StatusCodeToString(outcome.code()));
    event.set_message(std::string(outcome.message()));
    events.push_back(&event);
    submission->audited = true;
  }
  access::InsertAuditEvents(tx, events);
}

absl::Status ResponseStore::StoreWithRetries(const Batch& batch) {
  // A deadlock victim, or the loser of a race for an idempotency key (ABORTED),
  // runs again (and then finds the winner's response): see storage::RetryPolicy.
  absl::Status status = database_.InTransaction(Access::kWrite, [&](storage::Transaction& tx) {
    absl::Status stored = StoreBatch(tx, batch);
    if (!stored.ok()) return stored;
    WriteAuditEvents(tx, batch);
    // Committed within kMaxCommitDelay of its submit time, or not at all.
    absl::Time now = absl::Now();
    for (const Submission* submission : batch) {
      if (now - submission->queued > kMaxCommitDelay) {
        return absl::UnavailableError("the database took too long to store the answers; send them again");
      }
    }
    return absl::OkStatus();
  });
  if (!status.ok()) {
    for (Submission* submission : batch) submission->audited = false;
  }
  return status;
}

void ResponseStore::CommitBatch(const Batch& batch) {
  // Submissions repeating a token or an idempotency key of the batch go alone
  // after it, and so find what the first one stored; so do answers taken on
  // calls (each locks its callback on its own).
  Batch together, alone;
  absl::flat_hash_set<std::string> tokens, keys;
  for (Submission* submission : batch) {
    const std::string& key = submission->request.idempotency_key();
    bool repeat = submission->request.has_callback() || !tokens.insert(submission->request.invitation_token()).second ||
                  (!key.empty() && !keys.insert(key).second);
    (repeat ? alone : together).push_back(submission);
  }
  absl::Status status = together.empty() ? absl::OkStatus() : StoreWithRetries(together);
  if (status.ok()) {
    for (Submission* submission : together) {
      if (submission->deferred) alone.push_back(submission);
    }
  } else if (together.size() == 1) {
    together[0]->result = status;
  } else {
    // Each is tried alone, once: deferred ones too, so none is stored twice.
    alone.insert(alone.begin(), together.begin(), together.end());
  }
  for (Submission* submission : alone) {
    if (absl::Status status = StoreWithRetries({submission}); !status.ok()) submission->result = status;
  }
}

void ResponseStore::Submit(const v1::SubmitResponseRequest& request, absl::Time now,
                           std::optional<v1::AuditEvent> audit, Done done) {
  if (submissions_.waiting() >= kMaxWaiting) {
    std::move(done)(Overloaded(), /*audited=*/false);
    return;
  }
  auto submission = std::make_unique<Submission>(Submission{.request = request, .now = now, .audit = std::move(audit)});
  Submission& queued = *submission;
  submissions_.Submit(queued, [submission = std::move(submission), done = std::move(done)]() mutable {
    std::move(done)(*std::move(submission->result), submission->audited);
  });
}

absl::StatusOr<v1::Response> ResponseStore::Submit(const v1::SubmitResponseRequest& request, absl::Time now) {
  if (submissions_.waiting() >= kMaxWaiting) return Overloaded();
  Submission submission{.request = request, .now = now};
  submissions_.Run(submission);
  return *std::move(submission.result);
}

absl::StatusOr<ResponseStore::InvitationView> ResponseStore::ViewInvitation(const std::string& token, absl::Time now) {
  return database_.InTransaction<InvitationView>(
      Access::kRead, [&](storage::Transaction& tx) -> absl::StatusOr<InvitationView> {
        std::string hash = Sha256Hex(token);
        InvitationView view;
        long long expires_us = 0;
        int answered = 0;
        storage::Query query(tx,
                             "SELECT questionnaire_id, questionnaire_version, expires_at_us, (SELECT COUNT(*)"
                             " FROM responses r WHERE r.revisit_id = invitations.revisit_id), message_language"
                             " FROM invitations WHERE token_hash = :hash");
        query.Bind("hash", hash)
            .Into(view.questionnaire_id)
            .Into(view.questionnaire_version)
            .Into(expires_us)
            .Into(answered)
            .Into(view.message_language);
        if (!query.Execute()) return absl::NotFoundError("invitation_token: no such invitation");
        view.expired = expires_us <= absl::ToUnixMicros(now);
        view.answered = answered > 0;
        return view;
      });
}

absl::StatusOr<v1::Response> ResponseStore::Get(long long id) {
  return database_.InTransaction<v1::Response>(Access::kRead,
                                               [&](storage::Transaction& tx) { return LoadResponse(tx, id); });
}

}  // namespace satisfaction::responses
