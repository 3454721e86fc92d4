#include "services/customers/do_not_call_store.h"

#include <google/protobuf/util/time_util.h>

#include <optional>

#include "absl/strings/str_cat.h"
#include "services/storage/query.h"
#include "services/storage/transaction.h"

namespace satisfaction::customers {
namespace {

using google::protobuf::util::TimeUtil;
using storage::Access;

// One do_not_call row (after the entry number, which the dialect names).
struct DoNotCallRow {
  std::string phone, reason;
  long long created_at_us = 0;

  static constexpr char kColumns[] = "phone, reason, created_at_us";

  // Reads the columns of kColumns, in their order.
  void Into(storage::Query& query) { query.Into(phone).Into(reason).Into(created_at_us); }
  // Binds :phone, :reason and :created_at_us.
  void Bind(storage::Query& query) const {
    query.Bind("phone", phone).Bind("reason", reason).Bind("created_at_us", created_at_us);
  }

  v1::DoNotCallEntry ToProto() const {
    v1::DoNotCallEntry entry;
    entry.set_phone(phone);
    entry.set_reason(reason);
    *entry.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(created_at_us);
    return entry;
  }
};

constexpr char kInsertValues[] =
    " INTO do_not_call (phone, reason, created_at_us) VALUES (:phone, :reason, :created_at_us)";

}  // namespace

std::optional<v1::DoNotCallEntry> LoadDoNotCall(storage::Transaction& tx, const std::string& phone) {
  DoNotCallRow row;
  storage::Query query(tx, absl::StrCat("SELECT ", DoNotCallRow::kColumns, " FROM do_not_call WHERE phone = :phone"));
  if (!query.Bind("phone", phone).IntoRow(row).Execute()) return std::nullopt;
  return row.ToProto();
}

void AddToDoNotCall(storage::Transaction& tx, const std::string& phone, const std::string& reason, absl::Time now) {
  DoNotCallRow row{.phone = phone, .reason = reason, .created_at_us = absl::ToUnixMicros(now)};
  storage::Query insert(tx, absl::StrCat(tx.dialect().InsertIgnore(), kInsertValues));
  row.Bind(insert);
  insert.Execute();
}

absl::StatusOr<v1::DoNotCallEntry> DoNotCallStore::Add(const v1::DoNotCallEntry& entry, absl::Time now) {
  auto add = [&](storage::Transaction& tx) -> absl::StatusOr<v1::DoNotCallEntry> {
    if (std::optional<v1::DoNotCallEntry> existing = LoadDoNotCall(tx, entry.phone())) return *existing;
    DoNotCallRow row{.phone = entry.phone(), .reason = entry.reason(), .created_at_us = absl::ToUnixMicros(now)};
    storage::Query insert(tx, absl::StrCat("INSERT", kInsertValues));
    row.Bind(insert);
    insert.Execute();
    TellAfterCommit(tx, flow_, [](FlowObserver& flow) { flow.OptedOut(v1::CHANNEL_PHONE); });
    return *LoadDoNotCall(tx, row.phone);
  };
  // Added by another call at the same moment: runs again, and finds it on the list.
  return database_.InTransaction<v1::DoNotCallEntry>(Access::kUpsert, add);
}

absl::StatusOr<v1::DoNotCallEntry> DoNotCallStore::Remove(absl::string_view phone) {
  return database_.InTransaction<v1::DoNotCallEntry>(
      Access::kWrite, [&](storage::Transaction& tx) -> absl::StatusOr<v1::DoNotCallEntry> {
        std::string key(phone);
        std::optional<v1::DoNotCallEntry> existing = LoadDoNotCall(tx, key);
        if (!existing) return absl::NotFoundError("phone: not on the do-not-call list");
        storage::Query(tx, "DELETE FROM do_not_call WHERE phone = :phone").Bind("phone", key).Execute();
        return *existing;
      });
}

absl::StatusOr<DoNotCallStore::ListPage> DoNotCallStore::List(long long after_entry, int limit) {
  return database_.InTransaction<ListPage>(Access::kRead, [&](storage::Transaction& tx) -> absl::StatusOr<ListPage> {
    DoNotCallRow row;
    long long entry_number = 0, after = after_entry;
    int fetch = limit + 1;
    std::string entry = tx.dialect().InsertionOrder("entry_id");
    storage::Query query(tx, absl::StrCat("SELECT ", entry, ", ", DoNotCallRow::kColumns, " FROM do_not_call WHERE ",
                                          entry, " > :after ORDER BY ", entry, " LIMIT :fetch"));
    query.Bind("after", after).Bind("fetch", fetch).Into(entry_number).IntoRow(row).Start();
    ListPage page;
    while (query.Next()) {
      if (static_cast<int>(page.entries.size()) == limit) {
        page.has_more = true;
        break;
      }
      page.entries.push_back(row.ToProto());
      page.last_entry = entry_number;
    }
    return page;
  });
}

}  // namespace satisfaction::customers
