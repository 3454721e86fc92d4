#ifndef SATISFACTION_SERVICES_CUSTOMERS_DO_NOT_CALL_STORE_H_
#define SATISFACTION_SERVICES_CUSTOMERS_DO_NOT_CALL_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "satisfaction/v1/customer.pb.h"
#include "services/common/flow_observer.h"
#include "services/storage/database.h"

namespace satisfaction::customers {

// Puts a normalised number on the list in the caller's transaction, unless it
// is there already (a customer who says "do not call" during a callback).
void AddToDoNotCall(storage::Transaction& tx, const std::string& phone, const std::string& reason, absl::Time now);

// The list's entry for a normalised number, if it is on the list, in the
// caller's transaction.
std::optional<v1::DoNotCallEntry> LoadDoNotCall(storage::Transaction& tx, const std::string& phone);

// The shop-wide do-not-call list, keyed by E.164 phone number. The planner
// reads it when it plans a revisit (see revisits::RevisitStore).
class DoNotCallStore {
 public:
  // `flow` (may be null) hears of the numbers added.
  explicit DoNotCallStore(storage::Database& database, FlowObserver* flow = nullptr)
      : database_(database), flow_(flow) {}

  // Adds a normalised entry; an entry already there is returned unchanged.
  absl::StatusOr<v1::DoNotCallEntry> Add(const v1::DoNotCallEntry& entry, absl::Time now);
  // Removes a number; NOT_FOUND if it is not on the list.
  absl::StatusOr<v1::DoNotCallEntry> Remove(absl::string_view phone);

  struct ListPage {
    std::vector<v1::DoNotCallEntry> entries;
    bool has_more = false;
    // Where the next page starts: an entry number, not a phone number.
    long long last_entry = 0;
  };
  // In the order entries were added, after entry number `after_entry`.
  absl::StatusOr<ListPage> List(long long after_entry, int limit);

 private:
  storage::Database& database_;
  FlowObserver* const flow_;
};

}  // namespace satisfaction::customers

#endif  // SATISFACTION_SERVICES_CUSTOMERS_DO_NOT_CALL_STORE_H_
