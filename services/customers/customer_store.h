#ifndef SATISFACTION_SERVICES_CUSTOMERS_CUSTOMER_STORE_H_
#define SATISFACTION_SERVICES_CUSTOMERS_CUSTOMER_STORE_H_

#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "satisfaction/v1/customer.pb.h"
#include "services/common/flow_observer.h"
#include "services/settings/classification_settings.h"
#include "services/settings/contact_policy_settings.h"
#include "services/storage/database.h"

namespace satisfaction::customers {

// Stores customers and their tags. Every method is one transaction; customers
// passed in must be normalised and validated (customer_validation.h).
class CustomerStore {
 public:
  // `flow` (may be null) hears of the periodic care cancelled when a
  // customer leaves the types it was planned for.
  explicit CustomerStore(storage::Database& database, FlowObserver* flow = nullptr)
      : database_(database),
        flow_(flow),
        classification_(settings::MakeClassificationDocument(database)),
        contact_policy_(settings::MakeContactPolicyDocument(database)) {}

  struct UpsertResult {
    v1::Customer customer;
    bool created = false;
  };
  // Creates the customer or replaces its fields, keyed by external_id. Opt-outs
  // are only ever added; the computed type and order figures are kept.
  absl::StatusOr<UpsertResult> Upsert(const v1::Customer& customer, absl::Time now);

  struct BatchResult {
    int created = 0;
    int updated = 0;
  };
  // Upserts many validated customers in one transaction, with a few multi-row
  // statements rather than one per customer (bulk imports). The same rules as
  // Upsert; of two rows with one external_id, the later wins, and counts as
  // an update of the earlier (every row is counted once).
  absl::StatusOr<BatchResult> UpsertBatch(std::span<const v1::Customer> customers, absl::Time now);

  absl::StatusOr<v1::Customer> Get(absl::string_view external_id);

  struct ListQuery {
    v1::CustomerType type = v1::CUSTOMER_TYPE_UNSPECIFIED;
    std::string tag;
    // Only customers created after the one with this internal id.
    long long after_id = 0;
    int limit = 50;
  };
  struct ListPage {
    std::vector<v1::Customer> customers;
    // The internal id of the last customer returned, for the next page.
    long long last_id = 0;
    bool has_more = false;
  };
  absl::StatusOr<ListPage> List(const ListQuery& query);

  struct OrderResult {
    v1::Order order;
    v1::Customer customer;
    bool created = false;
  };
  // Records an order (validated), or updates the one with its id, and
  // reclassifies the customer in the same transaction. NOT_FOUND for an unknown
  // customer; FAILED_PRECONDITION if the order id belongs to another customer.
  absl::StatusOr<OrderResult> RecordOrder(const v1::Order& order, absl::Time now);

  // Reclassifies up to `limit` customers typed under older classification
  // settings or whose type changes with time alone (e.g. active turning
  // dormant) by `now`. Safe to run on every server at once: MariaDB hands each
  // row to one of them (SKIP LOCKED). Returns how many were reclassified.
  absl::StatusOr<int> ReclassifyDue(absl::Time now, int limit);

  // The operator's classification settings (settings_document.h). An update
  // leaves the reclassification of every customer to ReclassifyDue.
  absl::StatusOr<v1::ClassificationSettings> GetClassificationSettings() { return classification_.Get(); }
  absl::StatusOr<v1::ClassificationSettings> UpdateClassificationSettings(const v1::ClassificationSettings& update,
                                                                          const google::protobuf::FieldMask& mask,
                                                                          absl::Time now) {
    return classification_.Update(update, mask, now);
  }

  // One step of planning every waiting revisit again after the contact
  // policy (the hours) changed: the revisits of the next `limit` customers,
  // in the policy in force. Returns how many customers it went through (0
  // once the pass is done). For the maintenance loop: safe on every server at
  // once (the pass's place is one locked row).
  absl::StatusOr<int> ReplanForContactPolicy(absl::Time now, int limit);

 private:
  // Plans the waiting revisits of customers whose time zone changed again in
  // their new zone (see ReplanOpenRevisits).
  absl::Status ReplanAfterZoneChange(storage::Transaction& tx, const std::vector<long long>& customer_ids,
                                     absl::Time now);

  storage::Database& database_;
  FlowObserver* const flow_;
  settings::ClassificationDocument classification_;
  settings::ContactPolicyDocument contact_policy_;
};

}  // namespace satisfaction::customers

#endif  // SATISFACTION_SERVICES_CUSTOMERS_CUSTOMER_STORE_H_
