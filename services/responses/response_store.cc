#include "services/responses/response_store.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <optional>
#include <tuple>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "satisfaction/v1/questionnaire.pb.h"
#include "services/common/secrets.h"
#include "services/leases/revisit_leases.h"
#include "services/revisits/revisit_rule_store.h"
#include "services/revisits/revisit_rule_validation.h"
#include "services/storage/database_errors.h"
#include "services/storage/sql_text.h"

namespace satisfaction::responses {

using google::protobuf::util::TimeUtil;
using storage::Access;
using storage::ForUpdate;

// Who answered which survey, as the invitation or callback says.
struct ResponseStore::Source {
  long long revisit_id = 0, customer_id = 0;
  std::optional<long long> invitation_id;
  std::string questionnaire_id;
  int questionnaire_version = 0, channel = 0;
  // The agent who took the answers on a call; empty for the web.
  std::string agent_id;
  int revisit_state = 0;
  // Whether the source still lets one answer: an invitation before its
  // expiry, a callback under its lease. Checked after a retried request has
  // found its earlier answer, which stands whatever happened since.
  absl::Status still_valid;
};

namespace {

constexpr int kAttempts = 3;

// The response as stored, with its answers.
absl::StatusOr<v1::Response> LoadResponse(soci::session& session, long long id) {
  v1::Response response;
  long long revisit_id = 0, submitted_us = 0, recovery_id = 0;
  int version = 0, type = 0, channel = 0;
  std::string questionnaire, agent, external_id;
  soci::indicator recovery_set = soci::i_null;
  session << "SELECT r.revisit_id, r.submitted_at_us, r.recovery_revisit_id, r.questionnaire_version,"
             " r.customer_type, r.channel, r.questionnaire_id, r.agent_id, c.external_id FROM responses r"
             " JOIN customers c ON c.id = r.customer_id WHERE r.id = :id",
      soci::use(id), soci::into(revisit_id), soci::into(submitted_us), soci::into(recovery_id, recovery_set),
      soci::into(version), soci::into(type), soci::into(channel), soci::into(questionnaire), soci::into(agent),
      soci::into(external_id);
  if (!session.got_data()) return absl::NotFoundError(absl::StrCat("response '", id, "' not found"));
  response.set_id(absl::StrCat(id));
  response.set_questionnaire_id(questionnaire);
  response.set_questionnaire_version(version);
  response.set_customer_external_id(external_id);
  response.set_customer_type(static_cast<v1::CustomerType>(type));
  response.set_channel(static_cast<v1::Channel>(channel));
  response.set_agent_id(agent);
  response.set_revisit_id(absl::StrCat(revisit_id));
  *response.mutable_submit_time() = TimeUtil::MicrosecondsToTimestamp(submitted_us);
  if (recovery_set == soci::i_ok) response.set_recovery_revisit_id(absl::StrCat(recovery_id));
  std::string code, text;
  int score = 0;
  soci::statement answers = (session.prepare << "SELECT item_code, score, text FROM response_answers"
                                                " WHERE response_id = :id ORDER BY item_code",
                             soci::use(id), soci::into(code), soci::into(score), soci::into(text));
  answers.execute();
  while (answers.fetch()) {
    v1::Answer& answer = *response.add_answers();
    answer.set_item_code(code);
    answer.set_score(score);
    answer.set_text(text);
  }
  return response;
}

std::optional<long long> ResponseWithKey(soci::session& session, const std::string& key) {
  long long id = 0;
  session << "SELECT id FROM responses WHERE idempotency_key = :key", soci::use(key), soci::into(id);
  if (!session.got_data()) return std::nullopt;
  return id;
}

void InsertAnswers(soci::session& session, long long response_id, const v1::SubmitResponseRequest& request) {
  std::vector<std::tuple<std::string, int, std::string>> rows;
  for (const v1::Answer& answer : request.answers())
    rows.emplace_back(answer.item_code(), answer.score(), answer.text());
  std::string sql = "INSERT INTO response_answers (response_id, item_code, score, text) VALUES ";
  soci::statement statement(session);
  for (size_t i = 0; i < rows.size(); ++i) {
    absl::StrAppend(&sql, i ? ", " : "", "(:r", i, ", :c", i, ", :s", i, ", :t", i, ")");
    statement.exchange(soci::use(response_id));
    statement.exchange(soci::use(std::get<0>(rows[i])));
    statement.exchange(soci::use(std::get<1>(rows[i])));
    statement.exchange(soci::use(std::get<2>(rows[i])));
  }
  statement.alloc();
  statement.prepare(sql);
  statement.define_and_bind();
  statement.execute(true);
}

// Adds the response to the aggregates: one count per 5-point answer by its
// score, and one for the response itself (item '' and score 0), by
// questionnaire version, day, customer type, channel and agent. Rows go in key
// order, so concurrent responses lock shared rows in the same order.
void AddToRollups(soci::session& session, const std::string& questionnaire, int version, int day, int customer_type,
                  int channel, const std::string& agent, const v1::SubmitResponseRequest& request,
                  const QuestionnaireShape& shape) {
  std::vector<std::pair<std::string, int>> counts = {{"", 0}};
  for (const v1::Answer& answer : request.answers()) {
    const ItemShape* item = shape.Find(answer.item_code());
    if (item != nullptr && item->kind == v1::ITEM_KIND_SCALE) counts.emplace_back(answer.item_code(), answer.score());
  }
  std::sort(counts.begin(), counts.end());
  std::string sql =
      "INSERT INTO response_rollups (questionnaire_id, questionnaire_version, day, item_code, customer_type, channel,"
      " agent_id, score, answers) VALUES ";
  std::string questionnaire_id = questionnaire, agent_id = agent;
  soci::statement statement(session);
  for (size_t i = 0; i < counts.size(); ++i) {
    absl::StrAppend(&sql, i ? ", " : "", "(:q", i, ", :v", i, ", :d", i, ", :i", i, ", :t", i, ", :c", i, ", :a", i,
                    ", :s", i, ", 1)");
    statement.exchange(soci::use(questionnaire_id));
    statement.exchange(soci::use(version));
    statement.exchange(soci::use(day));
    statement.exchange(soci::use(counts[i].first));
    statement.exchange(soci::use(customer_type));
    statement.exchange(soci::use(channel));
    statement.exchange(soci::use(agent_id));
    statement.exchange(soci::use(counts[i].second));
  }
  absl::StrAppend(&sql, session.get_backend_name() == "mysql"
                            ? " ON DUPLICATE KEY UPDATE answers = answers + 1"
                            : " ON CONFLICT (questionnaire_id, questionnaire_version, day, item_code, customer_type,"
                              " channel, agent_id, score) DO UPDATE SET answers = answers + 1");
  statement.alloc();
  statement.prepare(sql);
  statement.define_and_bind();
  statement.execute(true);
}

}  // namespace

absl::StatusOr<ResponseStore::Source> ResponseStore::InvitationSource(soci::session& session, const std::string& token,
                                                                      absl::Time now) {
  std::string hash = Sha256Hex(token);
  Source source;
  long long invitation_id = 0, expires_us = 0;
  // Locks the revisit too: submissions of one survey take turns.
  session << absl::StrCat(
      "SELECT i.id, i.revisit_id, i.customer_id, i.questionnaire_id, i.questionnaire_version,"
      " i.channel, i.expires_at_us, r.state FROM invitations i JOIN revisits r"
      " ON r.id = i.revisit_id WHERE i.token_hash = :hash",
      ForUpdate(session)),
      soci::use(hash), soci::into(invitation_id), soci::into(source.revisit_id), soci::into(source.customer_id),
      soci::into(source.questionnaire_id), soci::into(source.questionnaire_version), soci::into(source.channel),
      soci::into(expires_us), soci::into(source.revisit_state);
  // The same answer for a token never issued and one mistyped: nothing to learn by guessing.
  if (!session.got_data()) return absl::NotFoundError("invitation_token: no such invitation");
  source.invitation_id = invitation_id;
  if (expires_us <= absl::ToUnixMicros(now)) {
    source.still_valid = absl::FailedPreconditionError(absl::StrCat(
        "invitation_token: the invitation expired at ", absl::FormatTime(absl::FromUnixMicros(expires_us))));
  }
  return source;
}

absl::StatusOr<ResponseStore::Source> ResponseStore::CallbackSource(soci::session& session,
                                                                    const v1::CallbackAnswer& callback,
                                                                    absl::Time now) {
  long long id = 0;
  if (!absl::SimpleAtoi(callback.callback_id(), &id)) {
    return absl::InvalidArgumentError("callback.callback_id: not a callback id");
  }
  absl::StatusOr<leases::LeasedRow> row = leases::LockLeased(session, leases::LeaseKind::kCallback, id);
  if (!row.ok()) return row.status();
  absl::StatusOr<std::string> hash = leases::HashOfToken(callback.lease_token(), leases::LeaseKind::kCallback, id);
  if (!hash.ok()) return absl::InvalidArgumentError(absl::StrCat("callback.", hash.status().message()));
  Source source{
      .revisit_id = id, .customer_id = row->customer_id, .channel = v1::CHANNEL_PHONE, .revisit_state = row->state};
  source.agent_id = callback.agent_id().empty() ? row->lease_holder : callback.agent_id();
  session << "SELECT r.questionnaire_id, COALESCE(q.latest_published_version, 0) FROM revisits r"
             " LEFT JOIN questionnaires q ON q.id = r.questionnaire_id WHERE r.id = :id",
      soci::use(id), soci::into(source.questionnaire_id), soci::into(source.questionnaire_version);
  if (source.questionnaire_id.empty()) {
    return absl::FailedPreconditionError(absl::StrCat("callback '", id, "' carries no survey"));
  }
  if (absl::Status s = leases::CheckLease(*row, leases::LeaseKind::kCallback, id, *hash, absl::ToUnixMicros(now));
      !s.ok()) {
    source.still_valid = absl::Status(s.code(), absl::StrCat("callback.", s.message()));
  }
  return source;
}

// What storing a response needs besides its source, in one read after the
// revisit is locked (so a response committed by an earlier holder shows).
struct ResponseStore::Context {
  long long first_response = 0;  // 0: none yet
  int customer_type = 0, open_recoveries = 0;
  long long low_score_rules_version = 0;
  std::string external_id, serving_agent;
};

ResponseStore::Context ResponseStore::ReadContext(soci::session& session, const Source& source) {
  Context context;
  int low_score = v1::TRIGGER_LOW_SCORE, planned = v1::REVISIT_STATE_PLANNED, leased = v1::REVISIT_STATE_LEASED,
      low_score_again = v1::TRIGGER_LOW_SCORE;
  session << "SELECT COALESCE((SELECT id FROM responses x WHERE x.revisit_id = :revisit), 0), c.effective_type,"
             " c.external_id, c.serving_agent_id, (SELECT COUNT(*) FROM revisits v WHERE v.customer_id = c.id"
             " AND v.trigger_kind = :trigger AND v.state IN (:planned, :leased)),"
             " (SELECT COALESCE(MAX(updated_at_us), 0) + COUNT(*) FROM revisit_rules WHERE trigger_kind = :rules)"
             " FROM customers c WHERE c.id = :customer",
      soci::use(source.revisit_id), soci::use(low_score), soci::use(planned), soci::use(leased),
      soci::use(low_score_again), soci::use(source.customer_id), soci::into(context.first_response),
      soci::into(context.customer_type), soci::into(context.external_id), soci::into(context.serving_agent),
      soci::into(context.open_recoveries), soci::into(context.low_score_rules_version);
  return context;
}

std::vector<v1::RevisitRule> ResponseStore::LowScoreRules(soci::session& session, long long version) {
  {
    absl::MutexLock lock(&rules_mutex_);
    if (low_score_rules_version_ == version) return low_score_rules_;
  }
  std::vector<v1::RevisitRule> rules = revisits::LoadEnabledRules(session, v1::TRIGGER_LOW_SCORE);
  absl::MutexLock lock(&rules_mutex_);
  low_score_rules_ = rules;
  low_score_rules_version_ = version;
  return rules;
}

absl::StatusOr<QuestionnaireShape> ResponseStore::ShapeOf(soci::session& session, const std::string& id, int version) {
  {
    absl::MutexLock lock(&shapes_mutex_);
    if (auto it = shapes_.find({id, version}); it != shapes_.end()) return it->second;
  }
  QuestionnaireShape shape{.id = id, .version = version};
  ItemShape item;
  int required = 0;
  soci::statement statement =
      (session.prepare << "SELECT code, kind, dimension, required, max_length FROM questionnaire_items"
                          " WHERE questionnaire_id = :id AND version = :version ORDER BY ordinal",
       soci::use(id), soci::use(version), soci::into(item.code), soci::into(item.kind), soci::into(item.dimension),
       soci::into(required), soci::into(item.max_length));
  statement.execute();
  while (statement.fetch()) {
    item.required = required != 0;
    shape.items.push_back(item);
  }
  if (shape.items.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("questionnaire '", id, "' has no published version ", version, " to answer"));
  }
  // Published versions never change, so the shape is kept.
  absl::MutexLock lock(&shapes_mutex_);
  shapes_.emplace(std::make_pair(id, version), shape);
  return shape;
}

absl::StatusOr<long long> ResponseStore::OpenRecovery(soci::session& session, const Source& source,
                                                      const Context& context, const QuestionnaireShape& shape,
                                                      const v1::SubmitResponseRequest& request, long long response_id,
                                                      absl::Time now) {
  if (context.open_recoveries > 0) return 0;  // one open recovery per customer is enough (checked again below)
  bool low = false;
  for (const v1::RevisitRule& rule : LowScoreRules(session, context.low_score_rules_version)) {
    if (!(revisits::CustomerTypeMask(rule) & (1 << (context.customer_type - 1)))) continue;
    revisits::LowScoreMarks marks = revisits::LowScoreMarksOf(rule);
    for (const v1::Answer& answer : request.answers()) {
      const ItemShape* item = shape.Find(answer.item_code());
      low = low ||
            (item != nullptr && item->kind == v1::ITEM_KIND_SCALE && answer.score() <= marks.at_most &&
             std::find(marks.dimensions.begin(), marks.dimensions.end(), item->dimension) != marks.dimensions.end());
    }
  }
  if (!low) return 0;
  // Counted again under the customer's lock: two low scores at once open one recovery.
  long long locked = 0;
  int open = 0, low_score = v1::TRIGGER_LOW_SCORE, planned = v1::REVISIT_STATE_PLANNED,
      leased = v1::REVISIT_STATE_LEASED;
  session << absl::StrCat("SELECT id FROM customers WHERE id = :id", ForUpdate(session)), soci::use(source.customer_id),
      soci::into(locked);
  session << "SELECT COUNT(*) FROM revisits WHERE customer_id = :id AND trigger_kind = :trigger"
             " AND state IN (:planned, :leased)",
      soci::use(source.customer_id), soci::use(low_score), soci::use(planned), soci::use(leased), soci::into(open);
  if (open > 0) return 0;
  v1::Event event;
  event.set_event_id(absl::StrCat("low-score-response-", response_id));
  event.set_customer_external_id(context.external_id);
  event.set_trigger(v1::TRIGGER_LOW_SCORE);
  *event.mutable_occur_time() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(now));
  // The callback goes back to the agent who took the answers, or who serves the customer.
  event.set_serving_agent_id(source.agent_id.empty() ? context.serving_agent : source.agent_id);
  absl::StatusOr<revisits::RevisitStore::EventResult> planned_revisits = revisits_.RecordEventIn(session, event, now);
  if (!planned_revisits.ok()) return planned_revisits.status();
  long long id = 0;
  if (planned_revisits->revisits.empty() || !absl::SimpleAtoi(planned_revisits->revisits[0].id(), &id)) return 0;
  return id;
}

absl::StatusOr<v1::Response> ResponseStore::Submit(const v1::SubmitResponseRequest& request, absl::Time now) {
  absl::StatusOr<v1::Response> result;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    result = database_.InTransaction<v1::Response>(
        Access::kWrite, [&](soci::session& session) -> absl::StatusOr<v1::Response> {
          absl::StatusOr<Source> source = request.has_callback()
                                              ? CallbackSource(session, request.callback(), now)
                                              : InvitationSource(session, request.invitation_token(), now);
          if (!source.ok()) return source.status();
          if (!request.idempotency_key().empty()) {
            if (std::optional<long long> earlier = ResponseWithKey(session, request.idempotency_key())) {
              absl::StatusOr<v1::Response> response = LoadResponse(session, *earlier);
              if (response.ok() && response->revisit_id() != absl::StrCat(source->revisit_id)) {
                return absl::InvalidArgumentError("idempotency_key: already used for another survey's response");
              }
              return response;
            }
          }
          Context context = ReadContext(session, *source);
          if (context.first_response != 0) {
            return absl::AlreadyExistsError(
                absl::StrCat("this survey was answered already, by response '", context.first_response, "'"));
          }
          if (!source->still_valid.ok()) return source->still_valid;
          absl::StatusOr<QuestionnaireShape> shape =
              ShapeOf(session, source->questionnaire_id, source->questionnaire_version);
          if (!shape.ok()) return shape.status();
          if (absl::Status s = ValidateAnswers(*shape, request.answers()); !s.ok()) return s;

          std::string agent = source->agent_id.empty() ? context.serving_agent : source->agent_id;
          long long now_us = absl::ToUnixMicros(now);
          absl::CivilDay civil = absl::ToCivilDay(now, report_zone_);
          int day = static_cast<int>(civil.year() * 10000 + civil.month() * 100 + civil.day());
          long long invitation_id = source->invitation_id.value_or(0);
          soci::indicator has_invitation = source->invitation_id ? soci::i_ok : soci::i_null;
          std::string key = request.idempotency_key();
          soci::indicator has_key = key.empty() ? soci::i_null : soci::i_ok;
          try {
            session << "INSERT INTO responses (revisit_id, invitation_id, customer_id, questionnaire_id,"
                       " questionnaire_version, customer_type, channel, agent_id, idempotency_key, submitted_at_us,"
                       " report_day) VALUES (:revisit, :invitation, :customer, :questionnaire, :version, :type,"
                       " :channel, :agent, :key, :now, :day)",
                soci::use(source->revisit_id), soci::use(invitation_id, has_invitation), soci::use(source->customer_id),
                soci::use(source->questionnaire_id), soci::use(source->questionnaire_version),
                soci::use(context.customer_type), soci::use(source->channel), soci::use(agent), soci::use(key, has_key),
                soci::use(now_us), soci::use(day);
          } catch (const soci::soci_error& error) {
            // The revisit is locked, so only the idempotency key can clash: a
            // submission of another survey with the same key won the race.
            // Trying again finds it.
            if (storage::StatusFromDatabaseException(error).code() != absl::StatusCode::kAlreadyExists) throw;
            return absl::AbortedError("idempotency_key: taken by a concurrent submission");
          }
          long long response_id = 0;
          if (!session.get_last_insert_id("responses", response_id)) {
            throw soci::soci_error("no id for the new response");
          }
          InsertAnswers(session, response_id, request);
          // Every invitation of the survey is spent: any of them answered it.
          session << "UPDATE invitations SET used_at_us = :now WHERE revisit_id = :revisit AND used_at_us IS NULL",
              soci::use(now_us), soci::use(source->revisit_id);
          bool waiting =
              source->revisit_state == v1::REVISIT_STATE_PLANNED || source->revisit_state == v1::REVISIT_STATE_LEASED;
          if (source->invitation_id && waiting) {
            // Answered online: a call or message still waiting for this survey is moot.
            int completed = v1::REVISIT_STATE_COMPLETED;
            session << absl::StrCat("UPDATE revisits SET state = :completed, state_reason = 'answered online', ",
                                    leases::kNoLease, ", updated_at_us = :now WHERE id = :id"),
                soci::use(completed), soci::use(now_us), soci::use(source->revisit_id);
          }
          AddToRollups(session, source->questionnaire_id, source->questionnaire_version, day, context.customer_type,
                       source->channel, agent, request, *shape);
          absl::StatusOr<long long> recovery =
              OpenRecovery(session, *source, context, *shape, request, response_id, now);
          if (!recovery.ok()) return recovery.status();
          if (*recovery != 0) {
            session << "UPDATE responses SET recovery_revisit_id = :recovery WHERE id = :id", soci::use(*recovery),
                soci::use(response_id);
          }
          // As LoadResponse would read it back, without the round trips.
          v1::Response response;
          response.set_id(absl::StrCat(response_id));
          response.set_questionnaire_id(source->questionnaire_id);
          response.set_questionnaire_version(source->questionnaire_version);
          response.set_customer_external_id(context.external_id);
          response.set_customer_type(static_cast<v1::CustomerType>(context.customer_type));
          response.set_channel(static_cast<v1::Channel>(source->channel));
          response.set_agent_id(agent);
          response.set_revisit_id(absl::StrCat(source->revisit_id));
          std::vector<v1::Answer> answers(request.answers().begin(), request.answers().end());
          std::sort(answers.begin(), answers.end(),
                    [](const v1::Answer& a, const v1::Answer& b) { return a.item_code() < b.item_code(); });
          for (v1::Answer& answer : answers) *response.add_answers() = std::move(answer);
          *response.mutable_submit_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
          if (*recovery != 0) response.set_recovery_revisit_id(absl::StrCat(*recovery));
          return response;
        });
    // A deadlock victim, or the loser of a race for an idempotency key, tries
    // again (and then finds the winner's response).
    if (result.status().code() != absl::StatusCode::kAborted) break;
  }
  return result;
}

absl::StatusOr<ResponseStore::InvitationView> ResponseStore::ViewInvitation(const std::string& token, absl::Time now) {
  return database_.InTransaction<InvitationView>(
      Access::kRead, [&](soci::session& session) -> absl::StatusOr<InvitationView> {
        std::string hash = Sha256Hex(token);
        InvitationView view;
        long long expires_us = 0;
        int answered = 0;
        session << "SELECT questionnaire_id, questionnaire_version, expires_at_us, (SELECT COUNT(*) FROM responses r"
                   " WHERE r.revisit_id = invitations.revisit_id) FROM invitations WHERE token_hash = :hash",
            soci::use(hash), soci::into(view.questionnaire_id), soci::into(view.questionnaire_version),
            soci::into(expires_us), soci::into(answered);
        if (!session.got_data()) return absl::NotFoundError("invitation_token: no such invitation");
        view.expired = expires_us <= absl::ToUnixMicros(now);
        view.answered = answered > 0;
        return view;
      });
}

absl::StatusOr<v1::Response> ResponseStore::Get(long long id) {
  return database_.InTransaction<v1::Response>(Access::kRead,
                                               [&](soci::session& session) { return LoadResponse(session, id); });
}

}  // namespace satisfaction::responses
