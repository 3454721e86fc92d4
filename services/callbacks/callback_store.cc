#include "services/callbacks/callback_store.h"

#include <google/protobuf/util/time_util.h>

#include <functional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/callbacks/callback_rows.h"
#include "services/common/text_limits.h"
#include "services/invitations/invitations.h"
#include "services/leases/lease_token.h"
#include "services/leases/revisit_leases.h"
#include "services/storage/query.h"
#include "services/storage/sql_text.h"
#include "services/storage/transaction.h"

namespace satisfaction::callbacks {
namespace {

using leases::kPlanned;
using leases::LeaseKind;
using rows::LoadCallbacks;
using storage::Access;

// The claimant as SQL: which planned phone revisits it may claim. Callbacks
// reserved for an agent go to that agent, and to anyone of the queue once due
// before `cutoff_us`.
std::string CursorKey(const Claimant& claimant) {
  return absl::StrCat("callbacks:", claimant.queue, ":", claimant.agent_id);
}

leases::ClaimScope ScopeFor(const Claimant& claimant, long long cutoff_us) {
  if (claimant.queue.empty()) {
    return {.where = "reserved_agent_id = :agent AND channel = 1",
            .levels_where = "reserved_agent_id = :agent",
            .bind = [agent = claimant.agent_id](storage::Query& query, bool) { query.Bind("agent", agent); },
            .cursor_key = CursorKey(claimant)};
  }
  return {.where =
              "channel = 1 AND queue = :queue AND (reserved_agent_id = '' OR reserved_agent_id = :agent"
              " OR due_at_us <= :cutoff)",
          .levels_where = "channel = 1 AND queue = :queue",
          .bind =
              [queue = claimant.queue, agent = claimant.agent_id, cutoff_us](storage::Query& query, bool levels) {
                query.Bind("queue", queue);
                if (!levels) query.Bind("agent", agent).Bind("cutoff", cutoff_us);
              },
          .cursor_key = CursorKey(claimant)};
}

// Narrows `scope` to the callbacks `floor`'s agent may take: customers who
// need no language or one it speaks, events naming no product category or
// one it knows; on an advanced queue, customers (region, source) and events
// (platform) with no value or one it serves; and on a returning-customer
// queue, not the customers another available agent served.
void NarrowToAgent(leases::ClaimScope& scope, const agents::QueueFloor& floor) {
  // Each list of values the agent serves, with '' for a callback that needs none.
  std::vector<std::vector<std::string>> lists;
  auto served = [&lists](const std::vector<std::string>& values) {
    std::string prefix = absl::StrCat("serves", lists.size(), "_");
    lists.push_back(values);
    lists.back().push_back("");
    return absl::StrCat(" IN (", storage::Placeholders(prefix, lists.back().size()), ")");
  };
  // The event's value of a context column ('' without an event).
  auto of_event = [](const char* column) {
    return absl::StrCat("COALESCE((SELECT e.", column, " FROM events e WHERE e.event_id = revisits.event_id), '')");
  };
  std::string customer = absl::StrCat("c.language", served(floor.languages));
  std::string event = absl::StrCat(" AND ", of_event("product_category"), served(floor.product_categories));
  for (const agents::QueueFloor::Route& route : floor.routes) {
    switch (route.attribute) {
      case v1::ROUTING_ATTRIBUTE_REGION:
        absl::StrAppend(&customer, " AND c.region", served(route.served));
        break;
      case v1::ROUTING_ATTRIBUTE_SOURCE:
        absl::StrAppend(&customer, " AND c.source", served(route.served));
        break;
      case v1::ROUTING_ATTRIBUTE_PLATFORM:
        absl::StrAppend(&event, " AND ", of_event("platform"), served(route.served));
        break;
      default:
        break;
    }
  }
  std::vector<std::string> others;
  if (floor.strategy == scheduler::AssignmentStrategy::kReturningCustomer) others = floor.OthersAvailable();
  if (!others.empty()) {
    absl::StrAppend(&customer, " AND c.serving_agent_id NOT IN (", storage::Placeholders("other", others.size()), ")");
  }
  absl::StrAppend(&scope.where, " AND EXISTS (SELECT 1 FROM customers c WHERE c.id = revisits.customer_id AND ",
                  customer, ")", event);
  scope.bind = [bind = std::move(scope.bind), lists = std::move(lists), others = std::move(others)](
                   storage::Query& query, bool levels) {
    bind(query, levels);
    if (levels) return;
    for (size_t i = 0; i < lists.size(); ++i) query.BindEach(absl::StrCat("serves", i, "_"), lists[i]);
    if (!others.empty()) query.BindEach("other", others);
  };
}

}  // namespace

absl::StatusOr<int> CallbackStore::CountWaiting(const leases::ClaimScope& scope, int most, absl::Time now) {
  return database_.InTransaction<int>(Access::kRead, [&](storage::Transaction& tx) -> absl::StatusOr<int> {
    long long now_us = absl::ToUnixMicros(now);
    int state = kPlanned, count = 0;
    storage::Query query(tx, absl::StrCat("SELECT COUNT(*) FROM (SELECT id FROM revisits WHERE state = :state AND ",
                                          scope.where, " AND due_at_us <= :now LIMIT :most) waiting"));
    query.Bind("state", state).Bind("now", now_us).Bind("most", most).Into(count);
    scope.bind(query, /*levels=*/false);
    query.Execute();
    return count;
  });
}

absl::StatusOr<std::vector<v1::Callback>> CallbackStore::Fetch(const Claimant& claimant, int max_count,
                                                               absl::Duration lease, absl::Time now) {
  leases::ClaimScope scope = ScopeFor(claimant, absl::ToUnixMicros(now - reserved_grace_));
  std::string agent_name;  // of an agent the floor knows
  if (floors_ != nullptr && !claimant.agent_id.empty()) {
    absl::StatusOr<std::optional<agents::QueueFloor>> floor = floors_->Load(claimant.queue, claimant.agent_id, now);
    if (!floor.ok()) return floor.status();
    if (floor->has_value()) {
      if (!(*floor)->works_queue) {
        return absl::FailedPreconditionError(absl::StrCat("queue: agent ", Quote(claimant.agent_id),
                                                          " does not work the queue ", Quote(claimant.queue)));
      }
      if (!(*floor)->me.HasRoom()) return std::vector<v1::Callback>{};
      // The agent's share is weighed over every callback of the queue that
      // waits, up to what the whole floor could take at once (more would
      // change no share); it then takes its share among those it can serve.
      int floor_room = 0;
      for (const scheduler::AgentState& agent : (*floor)->team) floor_room += agent.max_open - agent.open_contacts;
      absl::StatusOr<int> waiting = CountWaiting(scope, std::max(floor_room, 1), now);
      if (!waiting.ok()) return waiting.status();
      max_count = (*floor)->MayTake(max_count, *waiting);
      if (max_count == 0) return std::vector<v1::Callback>{};
      NarrowToAgent(scope, **floor);
      agent_name = (*floor)->display_name;
    }
  }
  leases::LeaseSecret secret = leases::LeaseSecret::Generate();
  std::string holder = claimant.agent_id.empty() ? absl::StrCat("queue:", claimant.queue) : claimant.agent_id;
  absl::StatusOr<std::vector<long long>> claimed = claimer_.Claim(scope, holder, max_count, lease, secret, now);
  if (!claimed.ok()) return claimed.status();
  if (claimed->empty()) return std::vector<v1::Callback>{};
  // Read after the claim has committed, so its row locks are held no longer than needed.
  return database_.InTransaction<std::vector<v1::Callback>>(
      Access::kWrite, [&](storage::Transaction& tx) -> absl::StatusOr<std::vector<v1::Callback>> {
        std::vector<v1::Callback> callbacks = LoadCallbacks(tx, *claimed);
        rows::AttachLastResponses(tx, callbacks);
        absl::StatusOr<std::shared_ptr<const settings::MessageSettingsDocument::Snapshot>> settings =
            message_settings_.InForce(tx);
        if (!settings.ok()) return settings.status();
        const v1::MessageSettings& shop = (*settings)->message;
        // No message carries these links: the page opens in the browser's language.
        std::vector<invitations::SurveyToInvite> surveys;
        std::vector<v1::Callback*> surveyed;
        for (v1::Callback& callback : callbacks) {
          if (callback.language().empty()) callback.set_language(shop.default_language());
          if (scripts_ != nullptr) {
            callback.set_call_script(scripts_->Render({.language = callback.language(),
                                                       .trigger = callback.trigger(),
                                                       .agent_name = agent_name,
                                                       .shop_name = shop.shop_name(),
                                                       .customer_name = callback.customer_name(),
                                                       .context = callback.context()}));
          }
          long long id = 0;
          if (!absl::SimpleAtoi(callback.id(), &id)) continue;
          callback.set_lease_token(leases::LeaseTokenFor(secret, id));
          if (callback.questionnaire_id().empty()) continue;
          surveys.push_back({.revisit_id = id});
          surveyed.push_back(&callback);
        }
        if (surveyed.empty()) return callbacks;
        absl::Time expires = now + (*settings)->parsed.invitation_validity;
        std::vector<std::string> tokens = invitations::IssueInvitations(
            tx, surveys, v1::CHANNEL_PHONE, absl::ToUnixMicros(now), absl::ToUnixMicros(expires));
        for (size_t i = 0; i < surveyed.size(); ++i) {
          surveyed[i]->set_survey_url(invitations::SurveyUrl(public_url_, tokens[i]));
          *surveyed[i]->mutable_invitation_expire_time() =
              google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(expires));
        }
        return callbacks;
      });
}

absl::StatusOr<v1::Callback> CallbackStore::ChangeHeldLease(
    long long id, const std::string& token, absl::Time now,
    const std::function<void(storage::Transaction&, long long now_us)>& change) {
  return database_.InTransaction<v1::Callback>(
      Access::kWrite, [&](storage::Transaction& tx) -> absl::StatusOr<v1::Callback> {
        long long now_us = absl::ToUnixMicros(now);
        absl::StatusOr<leases::LeasedRow> row = leases::LockHeld(tx, LeaseKind::kCallback, id, token, now_us);
        if (!row.ok()) return row.status();
        change(tx, now_us);
        return LoadCallbacks(tx, {id}).front();
      });
}

absl::StatusOr<v1::Callback> CallbackStore::ExtendLease(long long id, const std::string& token, absl::Duration lease,
                                                        absl::Time now) {
  long long until_us = absl::ToUnixMicros(now + lease);
  absl::StatusOr<v1::Callback> callback =
      ChangeHeldLease(id, token, now, [&](storage::Transaction& tx, long long now_us) {
        storage::Query update(tx,
                              "UPDATE revisits SET lease_expires_at_us = :until, updated_at_us = :now WHERE id = :id");
        update.Bind("until", until_us).Bind("now", now_us).Bind("id", id).Execute();
      });
  if (callback.ok()) callback->set_lease_token(token);
  return callback;
}

absl::StatusOr<v1::Callback> CallbackStore::Release(long long id, const std::string& token, absl::Time now) {
  return ChangeHeldLease(id, token, now,
                         [&](storage::Transaction& tx, long long now_us) { leases::PutBack(tx, id, now_us); });
}

absl::StatusOr<int> CallbackStore::ExpireLeases(absl::Time now, int limit) {
  return database_.InTransaction<int>(Access::kWrite, [&](storage::Transaction& tx) -> absl::StatusOr<int> {
    return leases::ReturnLapsedLeases(tx, absl::ToUnixMicros(now), limit);
  });
}

absl::StatusOr<int> CallbackStore::CountDue(const Claimant& claimant, absl::Time now) {
  return database_.InTransaction<int>(Access::kRead, [&](storage::Transaction& tx) -> absl::StatusOr<int> {
    long long now_us = absl::ToUnixMicros(now);
    leases::ClaimScope scope = ScopeFor(claimant, absl::ToUnixMicros(now - reserved_grace_));
    int state = kPlanned, count = 0;
    storage::Query query(tx, absl::StrCat("SELECT COUNT(*) FROM revisits WHERE state = :state AND ", scope.where,
                                          " AND due_at_us <= :now"));
    query.Bind("state", state).Bind("now", now_us).Into(count);
    scope.bind(query, /*levels=*/false);
    query.Execute();
    return count;
  });
}

}  // namespace satisfaction::callbacks
