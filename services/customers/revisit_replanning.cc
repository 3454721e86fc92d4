#include "services/customers/revisit_replanning.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "satisfaction/v1/revisit.pb.h"
#include "services/common/enum_bridges.h"
#include "services/storage/query.h"
#include "services/storage/sql_text.h"
#include "services/storage/transaction.h"

namespace satisfaction::customers {
namespace {

// A revisit of a customer, as planning it again needs it; those not waiting
// count against the budget only.
struct PlannedRow {
  long long id = 0, customer_id = 0, due_us = 0, not_before_us = 0, expires_us = 0;
  int channel = 0, survey = 0, state = 0;
  std::string time_zone;
};

// Nothing for a channel this build does not know: such a revisit is neither
// counted nor moved.
std::optional<scheduler::ContactRecord> ContactOf(const PlannedRow& row) {
  std::optional<scheduler::Channel> channel = ToScheduler(ProtoEnumOrUnspecified<v1::Channel>(row.channel));
  if (!channel) return std::nullopt;
  return scheduler::ContactRecord{
      .at = absl::FromUnixMicros(row.due_us), .channel = *channel, .survey = row.survey != 0};
}

}  // namespace

int ReplanOpenRevisits(storage::Transaction& tx, const std::vector<long long>& customer_ids,
                       const scheduler::ContactPolicy& policy, absl::Time now) {
  if (customer_ids.empty()) return 0;
  // Every revisit the budget could count, per customer, in due order.
  std::map<long long, std::vector<PlannedRow>> by_customer;
  {
    std::vector<long long> ids = customer_ids;
    long long since_us = absl::ToUnixMicros(now - policy.budget.LongestPeriod());
    PlannedRow row;
    storage::Query query(
        tx, absl::StrCat("SELECT r.id, r.customer_id, r.due_at_us, r.not_before_us, r.expires_at_us, r.channel,"
                         " r.survey, r.state, c.time_zone FROM revisits r JOIN customers c ON c.id = r.customer_id"
                         " WHERE r.due_at_us >= :since AND r.customer_id IN (",
                         storage::Placeholders("c", ids.size()), ") ORDER BY r.customer_id, r.due_at_us, r.id"));
    query.Bind("since", since_us).BindEach("c", ids).Into(row.id).Into(row.customer_id).Into(row.due_us);
    query.Into(row.not_before_us).Into(row.expires_us).Into(row.channel).Into(row.survey).Into(row.state);
    query.Into(row.time_zone).Start();
    while (query.Next()) by_customer[row.customer_id].push_back(row);
  }

  int moved = 0;
  long long now_us = absl::ToUnixMicros(now), due_us = 0, id = 0;
  int planned = v1::REVISIT_STATE_PLANNED;  // not one a dialer claimed meanwhile
  storage::Query update(
      tx, "UPDATE revisits SET due_at_us = :due, updated_at_us = :now WHERE id = :id AND state = :planned");
  update.Bind("due", due_us).Bind("now", now_us).Bind("id", id).Bind("planned", planned);
  for (auto& [customer_id, rows] : by_customer) {
    absl::TimeZone zone;
    if (!absl::LoadTimeZone(rows.front().time_zone, &zone)) zone = absl::UTCTimeZone();
    for (size_t i = 0; i < rows.size(); ++i) {
      PlannedRow& row = rows[i];
      std::optional<scheduler::ContactRecord> contact = ContactOf(row);
      if (row.state != v1::REVISIT_STATE_PLANNED || !contact) continue;
      std::vector<scheduler::ContactRecord> others;
      for (size_t j = 0; j < rows.size(); ++j) {
        std::optional<scheduler::ContactRecord> other = ContactOf(rows[j]);
        if (j != i && other) others.push_back(*other);
      }
      absl::Time due = absl::FromUnixMicros(row.due_us);
      absl::Time not_before = absl::FromUnixMicros(row.not_before_us > 0 ? row.not_before_us : row.due_us);
      std::optional<absl::Time> replanned =
          scheduler::ReplanDue(due, not_before, absl::FromUnixMicros(row.expires_us), contact->channel, row.survey != 0,
                               zone, others, policy, now);
      if (!replanned || *replanned == due) continue;  // none before it expires: the claims give it up then
      row.due_us = due_us = absl::ToUnixMicros(*replanned);
      id = row.id;
      update.Execute();
      ++moved;
    }
  }
  return moved;
}

}  // namespace satisfaction::customers
