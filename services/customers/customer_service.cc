#include "services/customers/customer_service.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/access/contact_masking.h"
#include "services/common/field_checks.h"
#include "services/common/page_token.h"
#include "services/common/text_checks.h"
#include "services/common/text_limits.h"
#include "services/customers/customer_validation.h"

namespace satisfaction::customers {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;
// The most customers per message of an import.
constexpr int kMaxCustomersPerMessage = 1000;
constexpr int kMaxReportedImportErrors = 1000;
// Page tokens of the do-not-call list (by entry number since version 2).
constexpr char kDoNotCallFilter[] = "do-not-call-2";

// Operators see customers' contact details masked; see access::SeesContactDetails.
void MaskForCaller(const access::Caller& caller, v1::Customer& customer) {
  if (!access::SeesContactDetails(caller)) access::MaskContactDetails(customer);
}

}  // namespace

absl::StatusOr<v1::UpsertCustomerResponse> CustomerService::UpsertCustomer(const access::Caller& caller,
                                                                           const v1::UpsertCustomerRequest& request) {
  v1::UpsertCustomerResponse response;
  if (!request.has_customer()) return absl::InvalidArgumentError("customer: required");
  v1::Customer customer = request.customer();
  if (absl::Status s = NormalizeAndValidateCustomer("customer", customer); !s.ok()) return s;
  absl::StatusOr<CustomerStore::UpsertResult> result = store_.Upsert(customer, absl::Now());
  if (!result.ok()) return result.status();
  *response.mutable_customer() = std::move(result->customer);
  response.set_created(result->created);
  MaskForCaller(caller, *response.mutable_customer());
  return response;
}

absl::StatusOr<v1::Customer> CustomerService::GetCustomer(const access::Caller& caller,
                                                          const v1::GetCustomerRequest& request) {
  if (absl::Status s = ValidateExternalId("external_id", request.external_id()); !s.ok()) return s;
  absl::StatusOr<v1::Customer> customer = store_.Get(request.external_id());
  if (customer.ok()) MaskForCaller(caller, *customer);
  return customer;
}

absl::StatusOr<v1::ListCustomersResponse> CustomerService::ListCustomers(const access::Caller& caller,
                                                                         const v1::ListCustomersRequest& request) {
  v1::ListCustomersResponse response;
  if (!v1::CustomerType_IsValid(request.type())) {
    return absl::InvalidArgumentError(absl::StrCat("type: unknown value ", request.type()));
  }
  if (absl::Status s = CheckText("tag", request.tag(), 32, LineBreaks::kForbidden); !s.ok()) return s;
  absl::StatusOr<int> page_size = EffectivePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize);
  if (!page_size.ok()) return page_size.status();
  CustomerStore::ListQuery query{.type = request.type(), .tag = request.tag(), .limit = *page_size};
  std::string filter = absl::StrCat("type=", request.type(), ";tag=", request.tag());
  if (!request.page_token().empty()) {
    absl::StatusOr<PageCursor> cursor = DecodePageToken(request.page_token(), filter);
    if (!cursor.ok()) return cursor.status();
    if (!absl::SimpleAtoi(cursor->after_key, &query.after_id)) {
      return absl::InvalidArgumentError("page_token: not a token this service issued");
    }
  }
  absl::StatusOr<CustomerStore::ListPage> page = store_.List(query);
  if (!page.ok()) return page.status();
  for (v1::Customer& customer : page->customers) {
    MaskForCaller(caller, customer);
    *response.add_customers() = std::move(customer);
  }
  if (page->has_more) {
    response.set_next_page_token(EncodePageToken({.filter = filter, .after_key = absl::StrCat(page->last_id)}));
  }
  return response;
}

absl::StatusOr<v1::ImportCustomersResponse> CustomerService::ImportCustomers(
    const access::Caller& /*caller*/, MessageReader<v1::ImportCustomersRequest>& messages) {
  v1::ImportCustomersResponse response;
  std::vector<v1::Customer> pending;
  pending.reserve(import_batch_);
  auto flush = [&]() -> absl::Status {
    if (pending.empty()) return absl::OkStatus();
    if (absl::Status s = messages.CheckCallerStillWaiting(); !s.ok()) return s;
    absl::StatusOr<CustomerStore::BatchResult> done = store_.UpsertBatch(pending, absl::Now());
    if (!done.ok()) return done.status();
    response.set_created(response.created() + done->created);
    response.set_updated(response.updated() + done->updated);
    pending.clear();
    return absl::OkStatus();
  };
  // Rows already committed when an error stops the import are named in it, so
  // the client knows where it stands (sending everything again is also fine).
  auto stop = [&](const absl::Status& status) {
    return absl::Status(status.code(),
                        absl::StrCat(status.message(), " (after ", response.received(), " rows received, ",
                                     response.created() + response.updated(), " committed)"));
  };

  v1::ImportCustomersRequest message;
  while (messages.Read(message)) {
    if (message.customers_size() > kMaxCustomersPerMessage) {
      return stop(absl::InvalidArgumentError(absl::StrCat("customers: at most ", kMaxCustomersPerMessage,
                                                          " per message; got ", message.customers_size())));
    }
    for (v1::Customer& customer : *message.mutable_customers()) {
      int64_t row = response.received();
      response.set_received(row + 1);
      if (absl::Status s = NormalizeAndValidateCustomer("customer", customer); !s.ok()) {
        response.set_failed(response.failed() + 1);
        if (response.errors_size() < kMaxReportedImportErrors) {
          v1::ImportError& error = *response.add_errors();
          error.set_row(row);
          error.set_external_id(std::string(Utf8Prefix(customer.external_id(), 128)));
          error.set_message(std::string(s.message()));
        }
        continue;
      }
      pending.push_back(std::move(customer));
      if (pending.size() >= import_batch_) {
        if (absl::Status s = flush(); !s.ok()) return stop(s);
      }
    }
  }
  if (!messages.status().ok()) return stop(messages.status());
  if (absl::Status s = flush(); !s.ok()) return stop(s);
  return response;
}

absl::StatusOr<v1::RecordOrderResponse> CustomerService::RecordOrder(const access::Caller& caller,
                                                                     const v1::RecordOrderRequest& request) {
  v1::RecordOrderResponse response;
  if (!request.has_order()) return absl::InvalidArgumentError("order: required");
  absl::Time now = absl::Now();
  if (absl::Status s = ValidateOrder("order", request.order(), now); !s.ok()) return s;
  absl::StatusOr<CustomerStore::OrderResult> result = store_.RecordOrder(request.order(), now);
  if (!result.ok()) return result.status();
  *response.mutable_order() = std::move(result->order);
  *response.mutable_customer() = std::move(result->customer);
  response.set_created(result->created);
  MaskForCaller(caller, *response.mutable_customer());
  return response;
}

absl::StatusOr<v1::DoNotCallEntry> CustomerService::AddDoNotCall(const access::Caller& caller,
                                                                 const v1::AddDoNotCallRequest& request) {
  if (!request.has_entry()) return absl::InvalidArgumentError("entry: required");
  v1::DoNotCallEntry entry = request.entry();
  if (entry.phone().empty()) return absl::InvalidArgumentError("entry.phone: required");
  if (absl::Status s = NormalizePhone("entry.phone", *entry.mutable_phone()); !s.ok()) return s;
  if (absl::Status s = CheckText("entry.reason", entry.reason(), 200, LineBreaks::kForbidden); !s.ok()) {
    return s;
  }
  absl::StatusOr<v1::DoNotCallEntry> added = do_not_call_.Add(entry, absl::Now());
  if (added.ok() && !access::SeesContactDetails(caller)) added->set_phone(access::MaskPhone(added->phone()));
  return added;
}

absl::StatusOr<v1::DoNotCallEntry> CustomerService::RemoveDoNotCall(const access::Caller& caller,
                                                                    const v1::RemoveDoNotCallRequest& request) {
  std::string phone = request.phone();
  if (phone.empty()) return absl::InvalidArgumentError("phone: required");
  if (absl::Status s = NormalizePhone("phone", phone); !s.ok()) return s;
  absl::StatusOr<v1::DoNotCallEntry> removed = do_not_call_.Remove(phone);
  if (removed.ok() && !access::SeesContactDetails(caller)) removed->set_phone(access::MaskPhone(removed->phone()));
  return removed;
}

absl::StatusOr<v1::ListDoNotCallResponse> CustomerService::ListDoNotCall(const access::Caller& caller,
                                                                         const v1::ListDoNotCallRequest& request) {
  v1::ListDoNotCallResponse response;
  absl::StatusOr<int> page_size = EffectivePageSize(request.page_size(), 100, 1000);
  if (!page_size.ok()) return page_size.status();
  long long after = 0;
  if (!request.page_token().empty()) {
    absl::StatusOr<PageCursor> cursor = DecodePageToken(request.page_token(), kDoNotCallFilter);
    if (!cursor.ok()) return cursor.status();
    if (!absl::SimpleAtoi(cursor->after_key, &after) || after < 0) {
      return absl::InvalidArgumentError("page_token: not a token this service issued");
    }
  }
  absl::StatusOr<DoNotCallStore::ListPage> page = do_not_call_.List(after, *page_size);
  if (!page.ok()) return page.status();
  bool sees_numbers = access::SeesContactDetails(caller);
  for (v1::DoNotCallEntry& entry : page->entries) {
    if (!sees_numbers) entry.set_phone(access::MaskPhone(entry.phone()));
    *response.add_entries() = std::move(entry);
  }
  if (page->has_more) {
    response.set_next_page_token(
        EncodePageToken({.filter = kDoNotCallFilter, .after_key = absl::StrCat(page->last_entry)}));
  }
  return response;
}

absl::StatusOr<v1::ClassificationSettings> CustomerService::GetClassificationSettings(
    const access::Caller& /*caller*/, const v1::GetClassificationSettingsRequest& /*request*/) {
  return store_.GetClassificationSettings();
}

absl::StatusOr<v1::ClassificationSettings> CustomerService::UpdateClassificationSettings(
    const access::Caller& /*caller*/, const v1::UpdateClassificationSettingsRequest& request) {
  if (!request.has_settings()) return FieldError("settings", "required");
  return store_.UpdateClassificationSettings(request.settings(), request.update_mask(), absl::Now());
}

}  // namespace satisfaction::customers
