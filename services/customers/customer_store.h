#ifndef SATISFACTION_SERVICES_CUSTOMERS_CUSTOMER_STORE_H_
#define SATISFACTION_SERVICES_CUSTOMERS_CUSTOMER_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "satisfaction/v1/customer.pb.h"
#include "services/storage/database.h"

namespace satisfaction::customers {

// Stores customers and their tags. Every method is one transaction; customers
// passed in must be normalised and validated (customer_validation.h).
class CustomerStore {
 public:
  explicit CustomerStore(storage::Database& database) : database_(database) {}

  struct UpsertResult {
    v1::Customer customer;
    bool created = false;
  };
  // Creates the customer or replaces its fields, keyed by external_id. Opt-outs
  // are only ever added; the computed type and order figures are kept.
  absl::StatusOr<UpsertResult> Upsert(const v1::Customer& customer, absl::Time now);

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

 private:
  storage::Database& database_;
};

}  // namespace satisfaction::customers

#endif  // SATISFACTION_SERVICES_CUSTOMERS_CUSTOMER_STORE_H_
