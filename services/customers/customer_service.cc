#include "services/customers/customer_service.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/grpc_status.h"
#include "services/common/page_token.h"
#include "services/common/request_checks.h"
#include "services/common/text_checks.h"
#include "services/customers/customer_validation.h"

namespace satisfaction::customers {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;

}  // namespace

grpc::Status CustomerService::UpsertCustomer(grpc::ServerContext* context, const v1::UpsertCustomerRequest* request,
                                             v1::UpsertCustomerResponse* response) {
  if (!request->has_customer()) return ToGrpcStatus(absl::InvalidArgumentError("customer: required"));
  v1::Customer customer = request->customer();
  if (absl::Status s = NormalizeAndValidateCustomer("customer", customer); !s.ok()) return ToGrpcStatus(s);
  if (absl::Status s = CheckCallerStillWaiting(*context); !s.ok()) return ToGrpcStatus(s);
  absl::StatusOr<CustomerStore::UpsertResult> result = store_.Upsert(customer, absl::Now());
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response->mutable_customer() = std::move(result->customer);
  response->set_created(result->created);
  return grpc::Status::OK;
}

grpc::Status CustomerService::GetCustomer(grpc::ServerContext* context, const v1::GetCustomerRequest* request,
                                          v1::Customer* response) {
  if (absl::Status s = ValidateExternalId("external_id", request->external_id()); !s.ok()) return ToGrpcStatus(s);
  if (absl::Status s = CheckCallerStillWaiting(*context); !s.ok()) return ToGrpcStatus(s);
  return Reply(store_.Get(request->external_id()), response);
}

grpc::Status CustomerService::ListCustomers(grpc::ServerContext* context, const v1::ListCustomersRequest* request,
                                            v1::ListCustomersResponse* response) {
  if (!v1::CustomerType_IsValid(request->type())) {
    return ToGrpcStatus(absl::InvalidArgumentError(absl::StrCat("type: unknown value ", request->type())));
  }
  if (absl::Status s = CheckText("tag", request->tag(), 32, LineBreaks::kForbidden); !s.ok()) return ToGrpcStatus(s);
  absl::StatusOr<int> page_size = EffectivePageSize(request->page_size(), kDefaultPageSize, kMaxPageSize);
  if (!page_size.ok()) return ToGrpcStatus(page_size.status());
  CustomerStore::ListQuery query{.type = request->type(), .tag = request->tag(), .limit = *page_size};
  std::string filter = absl::StrCat("type=", request->type(), ";tag=", request->tag());
  if (!request->page_token().empty()) {
    absl::StatusOr<PageCursor> cursor = DecodePageToken(request->page_token(), filter);
    if (!cursor.ok()) return ToGrpcStatus(cursor.status());
    if (!absl::SimpleAtoi(cursor->after_key, &query.after_id)) {
      return ToGrpcStatus(absl::InvalidArgumentError("page_token: not a token this service issued"));
    }
  }
  if (absl::Status s = CheckCallerStillWaiting(*context); !s.ok()) return ToGrpcStatus(s);
  absl::StatusOr<CustomerStore::ListPage> page = store_.List(query);
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (v1::Customer& customer : page->customers) *response->add_customers() = std::move(customer);
  if (page->has_more) {
    response->set_next_page_token(EncodePageToken({.filter = filter, .after_key = absl::StrCat(page->last_id)}));
  }
  return grpc::Status::OK;
}

grpc::Status CustomerService::RecordOrder(grpc::ServerContext* context, const v1::RecordOrderRequest* request,
                                          v1::RecordOrderResponse* response) {
  if (!request->has_order()) return ToGrpcStatus(absl::InvalidArgumentError("order: required"));
  absl::Time now = absl::Now();
  if (absl::Status s = ValidateOrder("order", request->order(), now); !s.ok()) return ToGrpcStatus(s);
  if (absl::Status s = CheckCallerStillWaiting(*context); !s.ok()) return ToGrpcStatus(s);
  absl::StatusOr<CustomerStore::OrderResult> result = store_.RecordOrder(request->order(), now);
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response->mutable_order() = std::move(result->order);
  *response->mutable_customer() = std::move(result->customer);
  response->set_created(result->created);
  return grpc::Status::OK;
}

}  // namespace satisfaction::customers
