#ifndef SATISFACTION_SERVICES_CUSTOMERS_CONTACT_HISTORY_STORE_H_
#define SATISFACTION_SERVICES_CUSTOMERS_CONTACT_HISTORY_STORE_H_

#include <compare>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "satisfaction/v1/customer.pb.h"
#include "services/storage/database.h"

namespace satisfaction::customers {

// Where an entry stands in a contact history, which runs newest first: by
// time, then kind, then the row's id within its kind, all descending. Each
// part is a stored value that never changes, so pages neither skip nor repeat
// an entry while the history grows.
struct HistoryKey {
  enum Kind : int { kRevisit = 1, kOptOutReply = 2, kDoNotCall = 3 };

  long long time_us = 0;
  int kind = 0;
  long long id = 0;

  friend auto operator<=>(const HistoryKey&, const HistoryKey&) = default;
};

// A customer's contact history (沟通记录), read from the rows the other areas
// write, with their own row readers wherever they have one.
class ContactHistoryStore {
 public:
  explicit ContactHistoryStore(storage::Database& database) : database_(database) {}

  struct Page {
    // Newest first; contact details whole (the caller masks them).
    std::vector<v1::ContactHistoryEntry> entries;
    v1::ChannelFlags opted_out;
    bool has_more = false;
    // The last entry's key, where the next page starts.
    HistoryKey last;
  };
  // Up to `limit` entries of the customer's history that come after `after`
  // (from the newest when none), in one read transaction. NOT_FOUND for an
  // unknown customer.
  absl::StatusOr<Page> Read(const std::string& external_id, std::optional<HistoryKey> after, int limit);

  // Whether a callback of the customer is leased at `now` in `queue` to
  // `holder` (either may be empty: any).
  absl::StatusOr<bool> HoldsCallback(const std::string& external_id, const std::string& queue,
                                     const std::string& holder, absl::Time now);

 private:
  storage::Database& database_;
};

}  // namespace satisfaction::customers

#endif  // SATISFACTION_SERVICES_CUSTOMERS_CONTACT_HISTORY_STORE_H_
