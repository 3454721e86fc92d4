#ifndef SATISFACTION_SERVICES_CUSTOMERS_CONTACT_HISTORY_SERVICE_H_
#define SATISFACTION_SERVICES_CUSTOMERS_CONTACT_HISTORY_SERVICE_H_

#include "absl/status/statusor.h"
#include "satisfaction/v1/customer.pb.h"
#include "services/access/access_policy.h"
#include "services/customers/contact_history_store.h"

namespace satisfaction::customers {

// CustomerService.GetContactHistory: a customer's history (沟通记录), paged
// newest first, its contact details masked as the caller's role requires.
// Apart from CustomerService because it reads every area's rows: the
// customers library stays below the areas that plan and make contacts.
class ContactHistoryService final {
 public:
  explicit ContactHistoryService(ContactHistoryStore& store) : store_(store) {}

  absl::StatusOr<v1::GetContactHistoryResponse> GetContactHistory(const access::Caller& caller,
                                                                  const v1::GetContactHistoryRequest& request);

 private:
  ContactHistoryStore& store_;
};

}  // namespace satisfaction::customers

#endif  // SATISFACTION_SERVICES_CUSTOMERS_CONTACT_HISTORY_SERVICE_H_
