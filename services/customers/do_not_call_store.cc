#include "services/customers/do_not_call_store.h"

#include <google/protobuf/util/time_util.h>

#include <optional>

#include "absl/strings/str_cat.h"

namespace satisfaction::customers {
namespace {

using google::protobuf::util::TimeUtil;
using storage::Access;

std::optional<v1::DoNotCallEntry> Load(soci::session& session, const std::string& phone) {
  std::string key = phone, reason;
  long long created_us = 0;
  session << "SELECT reason, created_at_us FROM do_not_call WHERE phone = :phone", soci::use(key), soci::into(reason),
      soci::into(created_us);
  if (!session.got_data()) return std::nullopt;
  v1::DoNotCallEntry entry;
  entry.set_phone(phone);
  entry.set_reason(reason);
  *entry.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(created_us);
  return entry;
}

}  // namespace

void AddToDoNotCall(soci::session& session, const std::string& phone, const std::string& reason, absl::Time now) {
  long long now_us = absl::ToUnixMicros(now);
  bool mysql = session.get_backend_name() == "mysql";
  session << absl::StrCat(mysql ? "INSERT IGNORE" : "INSERT OR IGNORE",
                          " INTO do_not_call (phone, reason, created_at_us) VALUES (:phone, :reason, :now)"),
      soci::use(phone), soci::use(reason), soci::use(now_us);
}

absl::StatusOr<v1::DoNotCallEntry> DoNotCallStore::Add(const v1::DoNotCallEntry& entry, absl::Time now) {
  auto add = [&](soci::session& session) -> absl::StatusOr<v1::DoNotCallEntry> {
    if (std::optional<v1::DoNotCallEntry> existing = Load(session, entry.phone())) return *existing;
    std::string phone = entry.phone(), reason = entry.reason();
    long long now_us = absl::ToUnixMicros(now);
    session << "INSERT INTO do_not_call (phone, reason, created_at_us) VALUES (:phone, :reason, :now)",
        soci::use(phone), soci::use(reason), soci::use(now_us);
    return *Load(session, phone);
  };
  absl::StatusOr<v1::DoNotCallEntry> added = database_.InTransaction<v1::DoNotCallEntry>(Access::kWrite, add);
  // Added by another call at the same moment: it is on the list either way.
  if (added.status().code() == absl::StatusCode::kAlreadyExists) {
    added = database_.InTransaction<v1::DoNotCallEntry>(Access::kWrite, add);
  }
  return added;
}

absl::StatusOr<v1::DoNotCallEntry> DoNotCallStore::Remove(absl::string_view phone) {
  return database_.InTransaction<v1::DoNotCallEntry>(
      Access::kWrite, [&](soci::session& session) -> absl::StatusOr<v1::DoNotCallEntry> {
        std::string key(phone);
        std::optional<v1::DoNotCallEntry> existing = Load(session, key);
        if (!existing) return absl::NotFoundError("phone: not on the do-not-call list");
        session << "DELETE FROM do_not_call WHERE phone = :phone", soci::use(key);
        return *existing;
      });
}

absl::StatusOr<DoNotCallStore::ListPage> DoNotCallStore::List(long long after_entry, int limit) {
  return database_.InTransaction<ListPage>(Access::kRead, [&](soci::session& session) -> absl::StatusOr<ListPage> {
    std::string phone, reason;
    long long created_us = 0, entry_number = 0, after = after_entry;
    int fetch = limit + 1;
    const char* entry = session.get_backend_name() == "mysql" ? "entry_id" : "rowid";
    soci::statement statement =
        (session.prepare << absl::StrCat("SELECT ", entry, ", phone, reason, created_at_us FROM do_not_call WHERE ",
                                         entry, " > :after ORDER BY ", entry, " LIMIT :fetch"),
         soci::use(after), soci::use(fetch), soci::into(entry_number), soci::into(phone), soci::into(reason),
         soci::into(created_us));
    statement.execute();
    ListPage page;
    while (statement.fetch()) {
      if (static_cast<int>(page.entries.size()) == limit) {
        page.has_more = true;
        break;
      }
      v1::DoNotCallEntry& entry_message = page.entries.emplace_back();
      entry_message.set_phone(phone);
      entry_message.set_reason(reason);
      *entry_message.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(created_us);
      page.last_entry = entry_number;
    }
    return page;
  });
}

}  // namespace satisfaction::customers
