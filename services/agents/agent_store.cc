#include "services/agents/agent_store.h"

#include <google/protobuf/util/time_util.h>

#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "services/agents/agent_counts.h"
#include "services/agents/agent_documents.h"
#include "services/common/enum_bridges.h"
#include "services/common/text_limits.h"
#include "services/storage/query.h"
#include "services/storage/sql_text.h"
#include "services/storage/transaction.h"

namespace satisfaction::agents {
namespace {

using google::protobuf::util::TimeUtil;
using storage::Access;

// One agents row: the settings but the queues (agent_queues), skills as JSON.
struct AgentRow {
  std::string id, display_name, skills_json;
  int capacity = 0, state = 0;
  long long signed_in_at_us = 0, state_since_us = 0, created_at_us = 0, updated_at_us = 0;

  static constexpr char kColumns[] =
      "id, display_name, skills_json, capacity, state, signed_in_at_us, state_since_us, created_at_us, "
      "updated_at_us";

  // Reads the columns of kColumns, in their order.
  void Into(storage::Query& query) {
    query.Into(id).Into(display_name).Into(skills_json).Into(capacity).Into(state);
    query.Into(signed_in_at_us).Into(state_since_us).Into(created_at_us).Into(updated_at_us);
  }
  // Binds a placeholder of each column's name.
  void Bind(storage::Query& query) const {
    query.Bind("id", id).Bind("display_name", display_name).Bind("skills_json", skills_json);
    query.Bind("capacity", capacity).Bind("state", state).Bind("signed_in_at_us", signed_in_at_us);
    query.Bind("state_since_us", state_since_us).Bind("created_at_us", created_at_us);
    query.Bind("updated_at_us", updated_at_us);
  }

  // The settings of `agent`; the shift and times are the caller's to set.
  static AgentRow Settings(const v1::Agent& agent) {
    return {.id = agent.id(),
            .display_name = agent.display_name(),
            .skills_json = SkillsJson(agent.skills(), agent.id()),
            .capacity = agent.capacity()};
  }

  v1::AgentState State() const { return ProtoEnumOrUnspecified<v1::AgentState>(state); }

  // The agent without its queues and counts.
  v1::Agent ToProto() const {
    v1::Agent agent;
    agent.set_id(id);
    agent.set_display_name(display_name);
    *agent.mutable_skills() = SkillsFromJson(skills_json, id);
    agent.set_capacity(capacity);
    agent.set_state(State());
    if (State() != v1::AGENT_STATE_SIGNED_OUT) {
      *agent.mutable_sign_in_time() = TimeUtil::MicrosecondsToTimestamp(signed_in_at_us);
    }
    *agent.mutable_state_time() = TimeUtil::MicrosecondsToTimestamp(state_since_us);
    *agent.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(created_at_us);
    *agent.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(updated_at_us);
    return agent;
  }
};

// The row of agent `id`, locked for the rest of the transaction if `lock`.
std::optional<AgentRow> LoadRow(storage::Transaction& tx, const std::string& id, bool lock) {
  AgentRow row;
  storage::Query query(tx, absl::StrCat("SELECT ", AgentRow::kColumns, " FROM agents WHERE id = :id",
                                        lock ? tx.dialect().ForUpdate() : ""));
  if (!query.Bind("id", id).IntoRow(row).Execute()) return std::nullopt;
  return row;
}

absl::Status UnknownAgent(absl::string_view id) {
  return absl::NotFoundError(absl::StrCat("agent ", Quote(id), " does not exist"));
}

void WriteQueues(storage::Transaction& tx, const v1::Agent& agent) {
  std::string id = agent.id();
  storage::Query(tx, "DELETE FROM agent_queues WHERE agent_id = :id").Bind("id", id).Execute();
  for (const std::string& queue : agent.queues()) {
    storage::Query(tx, "INSERT INTO agent_queues (agent_id, queue) VALUES (:id, :queue)")
        .Bind("id", id)
        .Bind("queue", queue)
        .Execute();
  }
}

// Completes `agents` (rows read in this transaction) with their queues and
// today's counts, a query each for all of them.
std::vector<v1::Agent> Complete(storage::Transaction& tx, const std::vector<AgentRow>& rows, absl::Time now,
                                absl::TimeZone report_zone) {
  std::vector<v1::Agent> agents;
  if (rows.empty()) return agents;
  std::vector<std::string> ids;
  absl::flat_hash_map<std::string, size_t> index;
  for (const AgentRow& row : rows) {
    index[row.id] = agents.size();
    agents.push_back(row.ToProto());
    ids.push_back(row.id);
  }
  std::string in = storage::Placeholders("id", ids.size());
  std::string agent_id, queue;
  storage::Query queues(tx, absl::StrCat("SELECT agent_id, queue FROM agent_queues WHERE agent_id IN (", in,
                                         ") ORDER BY agent_id, queue"));
  queues.BindEach("id", ids).Into(agent_id).Into(queue).Start();
  while (queues.Next()) agents[index.at(agent_id)].add_queues(queue);

  for (const auto& [id, count] : CountHandledSince(tx, ids, StartOfDay(now, report_zone))) {
    agents[index.at(id)].set_handled_today(count);
  }
  for (const auto& [id, count] : CountHeld(tx, ids, now)) agents[index.at(id)].set_open_callbacks(count);
  return agents;
}

v1::Agent CompleteOne(storage::Transaction& tx, const AgentRow& row, absl::Time now, absl::TimeZone report_zone) {
  return Complete(tx, {row}, now, report_zone).front();
}

bool IsSignedOut(v1::AgentState state) { return state == v1::AGENT_STATE_SIGNED_OUT; }
bool IsSignedIn(v1::AgentState state) { return !IsSignedOut(state); }

}  // namespace

absl::StatusOr<v1::Agent> AgentStore::Create(const v1::Agent& agent, absl::Time now) {
  return database_.InTransaction<v1::Agent>(
      Access::kUpsert, [&](storage::Transaction& tx) -> absl::StatusOr<v1::Agent> {
        if (LoadRow(tx, agent.id(), /*lock=*/false)) {
          return absl::AlreadyExistsError(absl::StrCat("agent.id: agent ", Quote(agent.id()), " exists already"));
        }
        AgentRow row = AgentRow::Settings(agent);
        row.state = v1::AGENT_STATE_SIGNED_OUT;
        row.state_since_us = row.created_at_us = row.updated_at_us = absl::ToUnixMicros(now);
        storage::Query insert(tx, absl::StrCat("INSERT INTO agents (", AgentRow::kColumns,
                                               ") VALUES (:id, :display_name, :skills_json, :capacity, :state,"
                                               " :signed_in_at_us, :state_since_us, :created_at_us, :updated_at_us)"));
        row.Bind(insert);
        insert.Execute();
        WriteQueues(tx, agent);
        return CompleteOne(tx, row, now, report_zone_);
      });
}

absl::StatusOr<v1::Agent> AgentStore::Update(const v1::Agent& agent, absl::Time now) {
  return database_.InTransaction<v1::Agent>(Access::kWrite, [&](storage::Transaction& tx) -> absl::StatusOr<v1::Agent> {
    std::optional<AgentRow> stored = LoadRow(tx, agent.id(), /*lock=*/true);
    if (!stored) return UnknownAgent(agent.id());
    AgentRow row = AgentRow::Settings(agent);
    row.state = stored->state;
    row.signed_in_at_us = stored->signed_in_at_us;
    row.state_since_us = stored->state_since_us;
    row.created_at_us = stored->created_at_us;
    row.updated_at_us = absl::ToUnixMicros(now);
    storage::Query update(tx,
                          "UPDATE agents SET display_name = :display_name, skills_json = :skills_json,"
                          " capacity = :capacity, updated_at_us = :updated_at_us WHERE id = :id");
    update.Bind("display_name", row.display_name).Bind("skills_json", row.skills_json).Bind("capacity", row.capacity);
    update.Bind("updated_at_us", row.updated_at_us).Bind("id", row.id).Execute();
    WriteQueues(tx, agent);
    return CompleteOne(tx, row, now, report_zone_);
  });
}

absl::StatusOr<v1::Agent> AgentStore::Get(absl::string_view id, absl::Time now) {
  return database_.InTransaction<v1::Agent>(Access::kRead, [&](storage::Transaction& tx) -> absl::StatusOr<v1::Agent> {
    std::optional<AgentRow> row = LoadRow(tx, std::string(id), /*lock=*/false);
    if (!row) return UnknownAgent(id);
    return CompleteOne(tx, *row, now, report_zone_);
  });
}

absl::StatusOr<AgentStore::ListPage> AgentStore::List(const ListQuery& list, absl::Time now) {
  return database_.InTransaction<ListPage>(Access::kRead, [&](storage::Transaction& tx) -> absl::StatusOr<ListPage> {
    std::string sql = absl::StrCat("SELECT ", AgentRow::kColumns, " FROM agents WHERE id > :after");
    if (!list.queue.empty()) {
      absl::StrAppend(&sql, " AND id IN (SELECT agent_id FROM agent_queues WHERE queue = :queue)");
    }
    if (list.state != v1::AGENT_STATE_UNSPECIFIED) absl::StrAppend(&sql, " AND state = :state");
    absl::StrAppend(&sql, " ORDER BY id LIMIT :fetch");
    std::string after = list.after_id, queue = list.queue;
    int state = list.state, fetch = list.limit + 1;
    AgentRow row;
    storage::Query query(tx, std::move(sql));
    query.Bind("after", after).Bind("fetch", fetch);
    if (!queue.empty()) query.Bind("queue", queue);
    if (list.state != v1::AGENT_STATE_UNSPECIFIED) query.Bind("state", state);
    query.IntoRow(row).Start();
    std::vector<AgentRow> rows;
    ListPage page;
    while (query.Next()) {
      if (static_cast<int>(rows.size()) == list.limit) {
        page.has_more = true;
        break;
      }
      rows.push_back(row);
    }
    page.agents = Complete(tx, rows, now, report_zone_);
    return page;
  });
}

absl::StatusOr<v1::Agent> AgentStore::ChangeState(absl::string_view id, v1::AgentState to,
                                                  bool (*allowed)(v1::AgentState), absl::string_view refusal,
                                                  absl::Time now) {
  return database_.InTransaction<v1::Agent>(Access::kWrite, [&](storage::Transaction& tx) -> absl::StatusOr<v1::Agent> {
    std::optional<AgentRow> row = LoadRow(tx, std::string(id), /*lock=*/true);
    if (!row) return UnknownAgent(id);
    if (!allowed(row->State())) {
      return absl::FailedPreconditionError(absl::StrCat("agent_id: agent ", Quote(id), " ", refusal));
    }
    long long now_us = absl::ToUnixMicros(now);
    if (IsSignedOut(row->State())) row->signed_in_at_us = now_us;  // signing in: last in sign-in order
    row->state = to;
    row->state_since_us = now_us;
    storage::Query update(tx,
                          "UPDATE agents SET state = :state, signed_in_at_us = :signed_in_at_us,"
                          " state_since_us = :state_since_us WHERE id = :id");
    update.Bind("state", row->state).Bind("signed_in_at_us", row->signed_in_at_us);
    update.Bind("state_since_us", row->state_since_us).Bind("id", row->id).Execute();
    return CompleteOne(tx, *row, now, report_zone_);
  });
}

absl::StatusOr<v1::Agent> AgentStore::SignIn(absl::string_view id, absl::Time now) {
  return ChangeState(id, v1::AGENT_STATE_AVAILABLE, &IsSignedOut, "is signed in already", now);
}

absl::StatusOr<v1::Agent> AgentStore::SignOut(absl::string_view id, absl::Time now) {
  return ChangeState(id, v1::AGENT_STATE_SIGNED_OUT, &IsSignedIn, "is not signed in", now);
}

absl::StatusOr<v1::Agent> AgentStore::SetAvailability(absl::string_view id, v1::AgentState state, absl::Time now) {
  return ChangeState(id, state, &IsSignedIn, "is not signed in: sign in first", now);
}

}  // namespace satisfaction::agents
