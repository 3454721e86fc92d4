#include "services/customers/customer_service.h"

#include <google/protobuf/descriptor.h>
#include <grpcpp/support/method_handler.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/access/admission.h"
#include "services/access/contact_masking.h"
#include "services/common/client_stream.h"
#include "services/common/field_checks.h"
#include "services/common/grpc_status.h"
#include "services/common/page_token.h"
#include "services/common/request_checks.h"
#include "services/common/text_checks.h"
#include "services/common/text_limits.h"
#include "services/customers/customer_validation.h"

namespace satisfaction::customers {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;
// Rows committed per transaction during an import, and the most per message.
constexpr size_t kImportBatch = 500;
constexpr int kMaxCustomersPerMessage = 1000;
constexpr int kMaxReportedImportErrors = 1000;
// Page tokens of the do-not-call list (by entry number since version 2).
constexpr char kDoNotCallFilter[] = "do-not-call-2";

// Operators see customers' contact details masked; see access::SeesContactDetails.
void MaskForCaller(const access::Caller& caller, v1::Customer& customer) {
  if (!access::SeesContactDetails(caller)) access::MaskContactDetails(customer);
}

}  // namespace

CustomerService::CustomerService(CustomerStore& store, DoNotCallStore& do_not_call)
    : store_(store), do_not_call_(do_not_call) {
  int import_index = google::protobuf::DescriptorPool::generated_pool()
                         ->FindServiceByName(v1::CustomerService::service_full_name())
                         ->FindMethodByName("ImportCustomers")
                         ->index();
  MarkMethodStreamed(
      import_index,
      new grpc::internal::ClientStreamingHandler<CustomerService, grpc::ByteBuffer, v1::ImportCustomersResponse>(
          [](CustomerService* service, grpc::ServerContext* context, grpc::ServerReader<grpc::ByteBuffer>* reader,
             v1::ImportCustomersResponse* response) {
            return service->ImportCustomerStream(context, reader, response);
          },
          this));
}

grpc::Status CustomerService::UpsertCustomer(grpc::ServerContext* context, const v1::UpsertCustomerRequest* request,
                                             v1::UpsertCustomerResponse* response) {
  absl::StatusOr<access::Caller> caller = access::AdmittedCaller(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (!request->has_customer()) return ToGrpcStatus(absl::InvalidArgumentError("customer: required"));
  v1::Customer customer = request->customer();
  if (absl::Status s = NormalizeAndValidateCustomer("customer", customer); !s.ok()) return ToGrpcStatus(s);
  if (absl::Status s = CheckCallerStillWaiting(*context); !s.ok()) return ToGrpcStatus(s);
  absl::StatusOr<CustomerStore::UpsertResult> result = store_.Upsert(customer, absl::Now());
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response->mutable_customer() = std::move(result->customer);
  response->set_created(result->created);
  MaskForCaller(*caller, *response->mutable_customer());
  return grpc::Status::OK;
}

grpc::Status CustomerService::GetCustomer(grpc::ServerContext* context, const v1::GetCustomerRequest* request,
                                          v1::Customer* response) {
  absl::StatusOr<access::Caller> caller = access::AdmittedCaller(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (absl::Status s = ValidateExternalId("external_id", request->external_id()); !s.ok()) return ToGrpcStatus(s);
  if (absl::Status s = CheckCallerStillWaiting(*context); !s.ok()) return ToGrpcStatus(s);
  grpc::Status status = Reply(store_.Get(request->external_id()), response);
  MaskForCaller(*caller, *response);
  return status;
}

grpc::Status CustomerService::ListCustomers(grpc::ServerContext* context, const v1::ListCustomersRequest* request,
                                            v1::ListCustomersResponse* response) {
  absl::StatusOr<access::Caller> caller = access::AdmittedCaller(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
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
  for (v1::Customer& customer : page->customers) {
    MaskForCaller(*caller, customer);
    *response->add_customers() = std::move(customer);
  }
  if (page->has_more) {
    response->set_next_page_token(EncodePageToken({.filter = filter, .after_key = absl::StrCat(page->last_id)}));
  }
  return grpc::Status::OK;
}

grpc::Status CustomerService::ImportCustomerStream(grpc::ServerContext* context,
                                                   grpc::ServerReaderInterface<grpc::ByteBuffer>* reader,
                                                   v1::ImportCustomersResponse* response) {
  absl::StatusOr<access::Caller> caller = access::AdmittedCaller(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  std::vector<v1::Customer> pending;
  pending.reserve(kImportBatch);
  auto flush = [&]() -> absl::Status {
    if (pending.empty()) return absl::OkStatus();
    if (absl::Status s = CheckCallerStillWaiting(*context); !s.ok()) return s;
    absl::StatusOr<CustomerStore::BatchResult> done = store_.UpsertBatch(pending, absl::Now());
    if (!done.ok()) return done.status();
    response->set_created(response->created() + done->created);
    response->set_updated(response->updated() + done->updated);
    pending.clear();
    return absl::OkStatus();
  };
  // Rows already committed when an error stops the import are named in it, so
  // the client knows where it stands (sending everything again is also fine).
  auto stop = [&](const absl::Status& status) {
    return ToGrpcStatus(
        absl::Status(status.code(), absl::StrCat(status.message(), " (after ", response->received(), " rows received, ",
                                                 response->created() + response->updated(), " committed)")));
  };

  ClientStreamReader<v1::ImportCustomersRequest> messages(*reader);
  v1::ImportCustomersRequest message;
  while (messages.Read(message)) {
    if (message.customers_size() > kMaxCustomersPerMessage) {
      return stop(absl::InvalidArgumentError(absl::StrCat("customers: at most ", kMaxCustomersPerMessage,
                                                          " per message; got ", message.customers_size())));
    }
    for (v1::Customer& customer : *message.mutable_customers()) {
      int64_t row = response->received();
      response->set_received(row + 1);
      if (absl::Status s = NormalizeAndValidateCustomer("customer", customer); !s.ok()) {
        response->set_failed(response->failed() + 1);
        if (response->errors_size() < kMaxReportedImportErrors) {
          v1::ImportError& error = *response->add_errors();
          error.set_row(row);
          error.set_external_id(std::string(Utf8Prefix(customer.external_id(), 128)));
          error.set_message(std::string(s.message()));
        }
        continue;
      }
      pending.push_back(std::move(customer));
      if (pending.size() >= kImportBatch) {
        if (absl::Status s = flush(); !s.ok()) return stop(s);
      }
    }
  }
  if (!messages.status().ok()) return stop(messages.status());
  if (absl::Status s = flush(); !s.ok()) return stop(s);
  return grpc::Status::OK;
}

grpc::Status CustomerService::RecordOrder(grpc::ServerContext* context, const v1::RecordOrderRequest* request,
                                          v1::RecordOrderResponse* response) {
  absl::StatusOr<access::Caller> caller = access::AdmittedCaller(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (!request->has_order()) return ToGrpcStatus(absl::InvalidArgumentError("order: required"));
  absl::Time now = absl::Now();
  if (absl::Status s = ValidateOrder("order", request->order(), now); !s.ok()) return ToGrpcStatus(s);
  if (absl::Status s = CheckCallerStillWaiting(*context); !s.ok()) return ToGrpcStatus(s);
  absl::StatusOr<CustomerStore::OrderResult> result = store_.RecordOrder(request->order(), now);
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response->mutable_order() = std::move(result->order);
  *response->mutable_customer() = std::move(result->customer);
  response->set_created(result->created);
  MaskForCaller(*caller, *response->mutable_customer());
  return grpc::Status::OK;
}

grpc::Status CustomerService::AddDoNotCall(grpc::ServerContext* context, const v1::AddDoNotCallRequest* request,
                                           v1::DoNotCallEntry* response) {
  absl::StatusOr<access::Caller> caller = access::AdmittedCaller(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (!request->has_entry()) return ToGrpcStatus(absl::InvalidArgumentError("entry: required"));
  v1::DoNotCallEntry entry = request->entry();
  if (entry.phone().empty()) return ToGrpcStatus(absl::InvalidArgumentError("entry.phone: required"));
  if (absl::Status s = NormalizePhone("entry.phone", *entry.mutable_phone()); !s.ok()) return ToGrpcStatus(s);
  if (absl::Status s = CheckText("entry.reason", entry.reason(), 200, LineBreaks::kForbidden); !s.ok()) {
    return ToGrpcStatus(s);
  }
  if (absl::Status s = CheckCallerStillWaiting(*context); !s.ok()) return ToGrpcStatus(s);
  grpc::Status status = Reply(do_not_call_.Add(entry, absl::Now()), response);
  if (!access::SeesContactDetails(*caller)) response->set_phone(access::MaskPhone(response->phone()));
  return status;
}

grpc::Status CustomerService::RemoveDoNotCall(grpc::ServerContext* context, const v1::RemoveDoNotCallRequest* request,
                                              v1::DoNotCallEntry* response) {
  absl::StatusOr<access::Caller> caller = access::AdmittedCaller(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  std::string phone = request->phone();
  if (phone.empty()) return ToGrpcStatus(absl::InvalidArgumentError("phone: required"));
  if (absl::Status s = NormalizePhone("phone", phone); !s.ok()) return ToGrpcStatus(s);
  if (absl::Status s = CheckCallerStillWaiting(*context); !s.ok()) return ToGrpcStatus(s);
  grpc::Status status = Reply(do_not_call_.Remove(phone), response);
  if (!access::SeesContactDetails(*caller)) response->set_phone(access::MaskPhone(response->phone()));
  return status;
}

grpc::Status CustomerService::ListDoNotCall(grpc::ServerContext* context, const v1::ListDoNotCallRequest* request,
                                            v1::ListDoNotCallResponse* response) {
  absl::StatusOr<access::Caller> caller = access::AdmittedCaller(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<int> page_size = EffectivePageSize(request->page_size(), 100, 1000);
  if (!page_size.ok()) return ToGrpcStatus(page_size.status());
  long long after = 0;
  if (!request->page_token().empty()) {
    absl::StatusOr<PageCursor> cursor = DecodePageToken(request->page_token(), kDoNotCallFilter);
    if (!cursor.ok()) return ToGrpcStatus(cursor.status());
    if (!absl::SimpleAtoi(cursor->after_key, &after) || after < 0) {
      return ToGrpcStatus(absl::InvalidArgumentError("page_token: not a token this service issued"));
    }
  }
  if (absl::Status s = CheckCallerStillWaiting(*context); !s.ok()) return ToGrpcStatus(s);
  absl::StatusOr<DoNotCallStore::ListPage> page = do_not_call_.List(after, *page_size);
  if (!page.ok()) return ToGrpcStatus(page.status());
  bool sees_numbers = access::SeesContactDetails(*caller);
  for (v1::DoNotCallEntry& entry : page->entries) {
    if (!sees_numbers) entry.set_phone(access::MaskPhone(entry.phone()));
    *response->add_entries() = std::move(entry);
  }
  if (page->has_more) {
    response->set_next_page_token(
        EncodePageToken({.filter = kDoNotCallFilter, .after_key = absl::StrCat(page->last_entry)}));
  }
  return grpc::Status::OK;
}

grpc::Status CustomerService::GetClassificationSettings(grpc::ServerContext* context,
                                                        const v1::GetClassificationSettingsRequest*,
                                                        v1::ClassificationSettings* response) {
  absl::StatusOr<access::Caller> caller = access::AdmittedCaller(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (absl::Status s = CheckCallerStillWaiting(*context); !s.ok()) return ToGrpcStatus(s);
  return Reply(store_.GetClassificationSettings(), response);
}

grpc::Status CustomerService::UpdateClassificationSettings(grpc::ServerContext* context,
                                                           const v1::UpdateClassificationSettingsRequest* request,
                                                           v1::ClassificationSettings* response) {
  absl::StatusOr<access::Caller> caller = access::AdmittedCaller(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (!request->has_settings()) return ToGrpcStatus(FieldError("settings", "required"));
  if (absl::Status s = CheckCallerStillWaiting(*context); !s.ok()) return ToGrpcStatus(s);
  return Reply(store_.UpdateClassificationSettings(request->settings(), request->update_mask(), absl::Now()), response);
}

}  // namespace satisfaction::customers
