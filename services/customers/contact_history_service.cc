#include "services/customers/contact_history_service.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "services/access/contact_masking.h"
#include "services/common/page_token.h"
#include "services/customers/customer_validation.h"

namespace satisfaction::customers {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;

// A page token's key: "time:kind:id".
std::string KeyText(const HistoryKey& key) { return absl::StrCat(key.time_us, ":", key.kind, ":", key.id); }

std::optional<HistoryKey> ParseKey(absl::string_view text) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, ':');
  HistoryKey key;
  if (parts.size() != 3 || !absl::SimpleAtoi(parts[0], &key.time_us) || !absl::SimpleAtoi(parts[1], &key.kind) ||
      !absl::SimpleAtoi(parts[2], &key.id) || key.kind < HistoryKey::kRevisit || key.kind > HistoryKey::kDoNotCall) {
    return std::nullopt;
  }
  return key;
}

// Dialer keys may read histories: the agent about to call should know what
// happened before (seed 000). An unbound dialer key may fetch any queue's
// callbacks, and so reach any customer; a key bound to a queue or an agent
// fetches and reports only its own, and so reads only the history of a
// customer whose callback it holds.
absl::Status CheckBoundDialer(ContactHistoryStore& store, const access::Caller& caller,
                              const std::string& external_id) {
  if (caller.role != v1::ROLE_DIALER || (caller.queue.empty() && caller.agent_id.empty())) return absl::OkStatus();
  absl::StatusOr<bool> holds = store.HoldsCallback(external_id, caller.queue, caller.agent_id, absl::Now());
  if (!holds.ok()) return holds.status();
  if (*holds) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat("customer_external_id: the key ", caller.key_id,
                                                  " is bound to a queue or an agent and holds no callback of",
                                                  " this customer"));
}

}  // namespace

absl::StatusOr<v1::GetContactHistoryResponse> ContactHistoryService::GetContactHistory(
    const access::Caller& caller, const v1::GetContactHistoryRequest& request) {
  const std::string& external_id = request.customer_external_id();
  if (absl::Status s = ValidateExternalId("customer_external_id", external_id); !s.ok()) return s;
  absl::StatusOr<int> page_size = EffectivePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize);
  if (!page_size.ok()) return page_size.status();
  // The token names the customer: it cannot page through another one.
  std::string filter = absl::StrCat("contact-history;customer=", external_id);
  std::optional<HistoryKey> after;
  if (!request.page_token().empty()) {
    absl::StatusOr<PageCursor> cursor = DecodePageToken(request.page_token(), filter);
    if (!cursor.ok()) return cursor.status();
    after = ParseKey(cursor->after_key);
    if (!after) return absl::InvalidArgumentError("page_token: not a token this service issued");
  }
  if (absl::Status s = CheckBoundDialer(store_, caller, external_id); !s.ok()) return s;

  absl::StatusOr<ContactHistoryStore::Page> page = store_.Read(external_id, after, *page_size);
  if (!page.ok()) return page.status();
  v1::GetContactHistoryResponse response;
  bool sees_contact_details = access::SeesContactDetails(caller);
  for (v1::ContactHistoryEntry& entry : page->entries) {
    // The one contact detail a history carries; the same mask as GetCustomer's.
    if (!sees_contact_details && entry.opt_out().has_do_not_call()) {
      v1::DoNotCallEntry& listed = *entry.mutable_opt_out()->mutable_do_not_call();
      listed.set_phone(access::MaskPhone(listed.phone()));
    }
    *response.add_entries() = std::move(entry);
  }
  *response.mutable_opted_out() = std::move(page->opted_out);
  if (page->has_more)
    response.set_next_page_token(EncodePageToken({.filter = filter, .after_key = KeyText(page->last)}));
  return response;
}

}  // namespace satisfaction::customers
