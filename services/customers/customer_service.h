#ifndef SATISFACTION_SERVICES_CUSTOMERS_CUSTOMER_SERVICE_H_
#define SATISFACTION_SERVICES_CUSTOMERS_CUSTOMER_SERVICE_H_

#include "satisfaction/v1/customer.grpc.pb.h"
#include "services/customers/customer_store.h"

namespace satisfaction::customers {

// The gRPC face of customers: validates, checks the deadline, then asks the store.
class CustomerService final : public v1::CustomerService::Service {
 public:
  explicit CustomerService(CustomerStore& store) : store_(store) {}

  grpc::Status UpsertCustomer(grpc::ServerContext* context, const v1::UpsertCustomerRequest* request,
                              v1::UpsertCustomerResponse* response) override;
  grpc::Status GetCustomer(grpc::ServerContext* context, const v1::GetCustomerRequest* request,
                           v1::Customer* response) override;
  grpc::Status ListCustomers(grpc::ServerContext* context, const v1::ListCustomersRequest* request,
                             v1::ListCustomersResponse* response) override;
  grpc::Status ImportCustomers(grpc::ServerContext* context, grpc::ServerReader<v1::ImportCustomersRequest>* reader,
                               v1::ImportCustomersResponse* response) override;
  grpc::Status RecordOrder(grpc::ServerContext* context, const v1::RecordOrderRequest* request,
                           v1::RecordOrderResponse* response) override;

 private:
  CustomerStore& store_;
};

}  // namespace satisfaction::customers

#endif  // SATISFACTION_SERVICES_CUSTOMERS_CUSTOMER_SERVICE_H_
