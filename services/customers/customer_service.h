#ifndef SATISFACTION_SERVICES_CUSTOMERS_CUSTOMER_SERVICE_H_
#define SATISFACTION_SERVICES_CUSTOMERS_CUSTOMER_SERVICE_H_

#include "satisfaction/v1/customer.pb.h"
#include "services/access/access_policy.h"
#include "services/common/handler_io.h"
#include "services/customers/customer_store.h"
#include "services/customers/do_not_call_store.h"

namespace satisfaction::customers {

// The handlers of customers: functions of the caller and the request,
// validating it before they touch a store; services/server binds them to gRPC.
class CustomerService final {
 public:
  // An import commits its customers `import_batch` at a time.
  CustomerService(CustomerStore& store, DoNotCallStore& do_not_call, size_t import_batch)
      : store_(store), do_not_call_(do_not_call), import_batch_(import_batch) {}

  absl::StatusOr<v1::UpsertCustomerResponse> UpsertCustomer(const access::Caller& caller,
                                                            const v1::UpsertCustomerRequest& request);
  absl::StatusOr<v1::Customer> GetCustomer(const access::Caller& caller, const v1::GetCustomerRequest& request);
  absl::StatusOr<v1::ListCustomersResponse> ListCustomers(const access::Caller& caller,
                                                          const v1::ListCustomersRequest& request);
  // Commits the rows in batches as they arrive; a message that cannot be read
  // fails the import, naming what was received and committed before it.
  absl::StatusOr<v1::ImportCustomersResponse> ImportCustomers(const access::Caller& caller,
                                                              MessageReader<v1::ImportCustomersRequest>& messages);
  absl::StatusOr<v1::RecordOrderResponse> RecordOrder(const access::Caller& caller,
                                                      const v1::RecordOrderRequest& request);
  absl::StatusOr<v1::DoNotCallEntry> AddDoNotCall(const access::Caller& caller, const v1::AddDoNotCallRequest& request);
  absl::StatusOr<v1::DoNotCallEntry> RemoveDoNotCall(const access::Caller& caller,
                                                     const v1::RemoveDoNotCallRequest& request);
  absl::StatusOr<v1::ListDoNotCallResponse> ListDoNotCall(const access::Caller& caller,
                                                          const v1::ListDoNotCallRequest& request);
  absl::StatusOr<v1::ClassificationSettings> GetClassificationSettings(
      const access::Caller& caller, const v1::GetClassificationSettingsRequest& request);
  absl::StatusOr<v1::ClassificationSettings> UpdateClassificationSettings(
      const access::Caller& caller, const v1::UpdateClassificationSettingsRequest& request);

 private:
  CustomerStore& store_;
  DoNotCallStore& do_not_call_;
  const size_t import_batch_;
};

}  // namespace satisfaction::customers

#endif  // SATISFACTION_SERVICES_CUSTOMERS_CUSTOMER_SERVICE_H_
