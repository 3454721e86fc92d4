#ifndef SATISFACTION_SERVICES_CUSTOMERS_CUSTOMER_SERVICE_H_
#define SATISFACTION_SERVICES_CUSTOMERS_CUSTOMER_SERVICE_H_

#include <grpcpp/support/byte_buffer.h>

#include "satisfaction/v1/customer.grpc.pb.h"
#include "services/customers/customer_store.h"
#include "services/customers/do_not_call_store.h"

namespace satisfaction::customers {

// The gRPC face of customers: validates, checks the deadline, then asks the store.
class CustomerService final : public v1::CustomerService::Service {
 public:
  CustomerService(CustomerStore& store, DoNotCallStore& do_not_call);

  grpc::Status UpsertCustomer(grpc::ServerContext* context, const v1::UpsertCustomerRequest* request,
                              v1::UpsertCustomerResponse* response) override;
  grpc::Status GetCustomer(grpc::ServerContext* context, const v1::GetCustomerRequest* request,
                           v1::Customer* response) override;
  grpc::Status ListCustomers(grpc::ServerContext* context, const v1::ListCustomersRequest* request,
                             v1::ListCustomersResponse* response) override;
  // ImportCustomers: reads the stream as raw bytes (see ClientStreamReader), so
  // that a message it cannot read fails the import instead of ending it.
  grpc::Status ImportCustomerStream(grpc::ServerContext* context, grpc::ServerReaderInterface<grpc::ByteBuffer>* reader,
                                    v1::ImportCustomersResponse* response);
  grpc::Status RecordOrder(grpc::ServerContext* context, const v1::RecordOrderRequest* request,
                           v1::RecordOrderResponse* response) override;
  grpc::Status AddDoNotCall(grpc::ServerContext* context, const v1::AddDoNotCallRequest* request,
                            v1::DoNotCallEntry* response) override;
  grpc::Status RemoveDoNotCall(grpc::ServerContext* context, const v1::RemoveDoNotCallRequest* request,
                               v1::DoNotCallEntry* response) override;
  grpc::Status ListDoNotCall(grpc::ServerContext* context, const v1::ListDoNotCallRequest* request,
                             v1::ListDoNotCallResponse* response) override;
  grpc::Status GetClassificationSettings(grpc::ServerContext* context,
                                         const v1::GetClassificationSettingsRequest* request,
                                         v1::ClassificationSettings* response) override;
  grpc::Status UpdateClassificationSettings(grpc::ServerContext* context,
                                            const v1::UpdateClassificationSettingsRequest* request,
                                            v1::ClassificationSettings* response) override;

 private:
  CustomerStore& store_;
  DoNotCallStore& do_not_call_;
};

}  // namespace satisfaction::customers

#endif  // SATISFACTION_SERVICES_CUSTOMERS_CUSTOMER_SERVICE_H_
