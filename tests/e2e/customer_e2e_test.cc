// CustomerService end to end, on each backend, through a real gRPC channel.
#include <grpcpp/grpcpp.h>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "satisfaction/v1/customer.grpc.pb.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/generic_call.h"

namespace satisfaction {
namespace {

using test_support::Context;
using test_support::ExpectError;

class CustomerE2eTest : public test_support::ServiceE2eTest<v1::CustomerService> {
 protected:
  static v1::Customer Customer(const std::string& id) {
    v1::Customer c;
    c.set_external_id(id);
    c.set_name("李华");
    c.set_phone("+86 139 1234 5678");
    c.set_time_zone("Asia/Shanghai");
    c.set_preferred_channel(v1::CHANNEL_SMS);
    c.mutable_consent()->set_sms(true);
    c.add_tags("vip");
    return c;
  }

  grpc::Status Upsert(const v1::Customer& customer, v1::UpsertCustomerResponse* response) {
    v1::UpsertCustomerRequest request;
    *request.mutable_customer() = customer;
    return stub_->UpsertCustomer(Context().get(), request, response);
  }
};

TEST_P(CustomerE2eTest, UpsertGetAndList) {
  v1::UpsertCustomerResponse created;
  ASSERT_TRUE(Upsert(Customer("shop-1"), &created).ok());
  EXPECT_TRUE(created.created());
  EXPECT_EQ(created.customer().phone(), "+8613912345678");
  EXPECT_EQ(created.customer().type(), v1::CUSTOMER_TYPE_NEW);

  v1::Customer changed = Customer("shop-1");
  changed.mutable_opted_out()->set_sms(true);
  v1::UpsertCustomerResponse updated;
  ASSERT_TRUE(Upsert(changed, &updated).ok());
  EXPECT_FALSE(updated.created());
  v1::UpsertCustomerResponse reimported;
  ASSERT_TRUE(Upsert(Customer("shop-1"), &reimported).ok());
  EXPECT_TRUE(reimported.customer().opted_out().sms()) << "a re-import does not undo the opt-out";

  v1::GetCustomerRequest get;
  get.set_external_id("shop-1");
  v1::Customer read;
  ASSERT_TRUE(stub_->GetCustomer(Context().get(), get, &read).ok());
  EXPECT_EQ(read.name(), "李华");

  for (int i = 2; i <= 4; ++i) ASSERT_TRUE(Upsert(Customer("shop-" + std::to_string(i)), &created).ok());
  v1::ListCustomersRequest list;
  list.set_page_size(3);
  list.set_tag("vip");
  v1::ListCustomersResponse page;
  ASSERT_TRUE(stub_->ListCustomers(Context().get(), list, &page).ok());
  EXPECT_EQ(page.customers_size(), 3);
  ASSERT_FALSE(page.next_page_token().empty());
  list.set_page_token(page.next_page_token());
  v1::ListCustomersResponse last;
  ASSERT_TRUE(stub_->ListCustomers(Context().get(), list, &last).ok());
  ASSERT_EQ(last.customers_size(), 1);
  EXPECT_EQ(last.customers(0).external_id(), "shop-4");
  EXPECT_TRUE(last.next_page_token().empty());
  list.set_tag("other");
  ExpectError(stub_->ListCustomers(Context().get(), list, &last), grpc::StatusCode::INVALID_ARGUMENT, "page_token:");
}

TEST_P(CustomerE2eTest, BadInputIsRefusedAndWritesNothing) {
  struct Case {
    std::string name;
    std::function<void(v1::Customer&)> spoil;
    std::string field;
  };
  std::vector<Case> cases = {
      {"no id", [](auto& c) { c.clear_external_id(); }, "customer.external_id:"},
      {"bad id", [](auto& c) { c.set_external_id("a/b"); }, "customer.external_id:"},
      {"local phone", [](auto& c) { c.set_phone("13912345678"); }, "customer.phone:"},
      {"invalid phone", [](auto& c) { c.set_phone("+861"); }, "customer.phone:"},
      {"bad email", [](auto& c) { c.set_email("a@b"); }, "customer.email:"},
      {"unknown zone", [](auto& c) { c.set_time_zone("Asia/Atlantis"); }, "customer.time_zone:"},
      {"unknown channel", [](auto& c) { c.set_preferred_channel(static_cast<v1::Channel>(17)); },
       "customer.preferred_channel:"},
      {"channel without address", [](auto& c) { c.set_preferred_channel(v1::CHANNEL_EMAIL); },
       "customer.preferred_channel:"},
      {"unknown type", [](auto& c) { c.set_type_override(static_cast<v1::CustomerType>(8)); },
       "customer.type_override:"},
      {"long name", [](auto& c) { c.set_name(std::string(300, 'n')); }, "customer.name:"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    v1::Customer customer = Customer("spoiled");
    c.spoil(customer);
    v1::UpsertCustomerResponse response;
    ExpectError(Upsert(customer, &response), grpc::StatusCode::INVALID_ARGUMENT, c.field);
  }
  v1::UpsertCustomerRequest empty;
  v1::UpsertCustomerResponse response;
  ExpectError(stub_->UpsertCustomer(Context().get(), empty, &response), grpc::StatusCode::INVALID_ARGUMENT,
              "customer:");

  v1::ListCustomersRequest list;
  v1::ListCustomersResponse listed;
  ASSERT_TRUE(stub_->ListCustomers(Context().get(), list, &listed).ok());
  EXPECT_EQ(listed.customers_size(), 0) << "nothing was written";

  v1::GetCustomerRequest get;
  v1::Customer read;
  ExpectError(stub_->GetCustomer(Context().get(), get, &read), grpc::StatusCode::INVALID_ARGUMENT, "external_id:");
  get.set_external_id("nobody");
  ExpectError(stub_->GetCustomer(Context().get(), get, &read), grpc::StatusCode::NOT_FOUND);

  list.set_type(static_cast<v1::CustomerType>(99));
  ExpectError(stub_->ListCustomers(Context().get(), list, &listed), grpc::StatusCode::INVALID_ARGUMENT, "type:");
  list.set_type(v1::CUSTOMER_TYPE_UNSPECIFIED);
  list.set_page_size(-5);
  ExpectError(stub_->ListCustomers(Context().get(), list, &listed), grpc::StatusCode::INVALID_ARGUMENT, "page_size:");
  list.set_page_size(10);
  list.set_page_token("bm9wZQ");
  ExpectError(stub_->ListCustomers(Context().get(), list, &listed), grpc::StatusCode::INVALID_ARGUMENT, "page_token:");
}

TEST_P(CustomerE2eTest, RecordOrderIsIdempotentAndRefusesBadInput) {
  v1::UpsertCustomerResponse created;
  ASSERT_TRUE(Upsert(Customer("shop-1"), &created).ok());
  v1::RecordOrderRequest request;
  v1::Order& order = *request.mutable_order();
  order.set_order_id("order-1");
  order.set_customer_external_id("shop-1");
  order.set_amount_minor(25900);
  order.mutable_order_time()->set_seconds(absl::ToUnixSeconds(absl::Now() - absl::Hours(2)));
  order.set_status(v1::ORDER_STATUS_DELIVERED);
  v1::RecordOrderResponse response;
  ASSERT_TRUE(stub_->RecordOrder(Context().get(), request, &response).ok());
  EXPECT_TRUE(response.created());
  EXPECT_EQ(response.customer().order_count(), 1);
  ASSERT_TRUE(stub_->RecordOrder(Context().get(), request, &response).ok());
  EXPECT_FALSE(response.created()) << "the same order again changes nothing";
  EXPECT_EQ(response.customer().order_count(), 1);

  struct Case {
    std::string name;
    std::function<void(v1::Order&)> spoil;
    grpc::StatusCode code;
    std::string field;
  };
  std::vector<Case> cases = {
      {"no order id", [](auto& o) { o.clear_order_id(); }, grpc::StatusCode::INVALID_ARGUMENT, "order.order_id:"},
      {"no customer", [](auto& o) { o.clear_customer_external_id(); }, grpc::StatusCode::INVALID_ARGUMENT,
       "order.customer_external_id:"},
      {"negative amount", [](auto& o) { o.set_amount_minor(-1); }, grpc::StatusCode::INVALID_ARGUMENT,
       "order.amount_minor:"},
      {"no time", [](auto& o) { o.clear_order_time(); }, grpc::StatusCode::INVALID_ARGUMENT, "order.order_time:"},
      {"future",
       [](auto& o) { o.mutable_order_time()->set_seconds(absl::ToUnixSeconds(absl::Now() + absl::Hours(48))); },
       grpc::StatusCode::INVALID_ARGUMENT, "order.order_time:"},
      {"no status", [](auto& o) { o.set_status(v1::ORDER_STATUS_UNSPECIFIED); }, grpc::StatusCode::INVALID_ARGUMENT,
       "order.status:"},
      {"unknown status", [](auto& o) { o.set_status(static_cast<v1::OrderStatus>(77)); },
       grpc::StatusCode::INVALID_ARGUMENT, "order.status:"},
      {"unknown customer", [](auto& o) { o.set_customer_external_id("nobody"); }, grpc::StatusCode::NOT_FOUND, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    v1::RecordOrderRequest spoiled = request;
    spoiled.mutable_order()->set_order_id(c.name == "no order id" ? "" : "order-spoiled");
    c.spoil(*spoiled.mutable_order());
    ExpectError(stub_->RecordOrder(Context().get(), spoiled, &response), c.code, c.field);
  }
  v1::RecordOrderRequest empty;
  ExpectError(stub_->RecordOrder(Context().get(), empty, &response), grpc::StatusCode::INVALID_ARGUMENT, "order:");
  v1::GetCustomerRequest get;
  get.set_external_id("shop-1");
  v1::Customer read;
  ASSERT_TRUE(stub_->GetCustomer(Context().get(), get, &read).ok());
  EXPECT_EQ(read.order_count(), 1) << "no refused order was recorded";
}

TEST_P(CustomerE2eTest, ImportStreamsManyCustomersAndReportsBadRows) {
  auto import = [&](int rows, int per_message, v1::ImportCustomersResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(120)));
    std::unique_ptr<grpc::ClientWriter<v1::ImportCustomersRequest>> writer = stub_->ImportCustomers(&context, response);
    v1::ImportCustomersRequest message;
    for (int i = 0; i < rows; ++i) {
      v1::Customer& c = *message.add_customers();
      c = Customer("bulk-" + std::to_string(i));
      if (i % 250 == 99) c.set_phone("not a number");
      if (message.customers_size() == per_message || i == rows - 1) {
        EXPECT_TRUE(writer->Write(message));
        message.clear_customers();
      }
    }
    writer->WritesDone();
    return writer->Finish();
  };
  v1::ImportCustomersResponse first;
  grpc::Status status = import(1234, 300, &first);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(first.received(), 1234);
  EXPECT_EQ(first.failed(), 5);
  EXPECT_EQ(first.created(), 1229);
  EXPECT_EQ(first.updated(), 0);
  ASSERT_EQ(first.errors_size(), 5);
  EXPECT_EQ(first.errors(0).row(), 99);
  EXPECT_EQ(first.errors(0).external_id(), "bulk-99");
  EXPECT_TRUE(absl::StartsWith(first.errors(0).message(), "customer.phone:")) << first.errors(0).message();

  v1::ImportCustomersResponse second;
  ASSERT_TRUE(import(1234, 1000, &second).ok());
  EXPECT_EQ(second.created(), 0);
  EXPECT_EQ(second.updated(), 1229) << "importing again is idempotent";

  v1::ImportCustomersResponse too_big;
  grpc::Status refused = import(1001, 1001, &too_big);
  ExpectError(refused, grpc::StatusCode::INVALID_ARGUMENT, "customers:");

  v1::ImportCustomersResponse nothing;
  ASSERT_TRUE(import(0, 10, &nothing).ok());
  EXPECT_EQ(nothing.received(), 0);
}

TEST_P(CustomerE2eTest, ImportFailsAtAnUnreadableMessageAndLosesNothingQuietly) {
  auto message_of = [](const std::vector<std::string>& ids) {
    v1::ImportCustomersRequest message;
    for (const std::string& id : ids) *message.add_customers() = Customer(id);
    return message.SerializeAsString();
  };
  std::string reply;
  grpc::Status status = test_support::GenericStreamCall(
      channel(), "/satisfaction.v1.CustomerService/ImportCustomers",
      {message_of({"first-1", "first-2"}), std::string("\xff\xff\xff"), message_of({"after-1", "after-2"})}, nullptr,
      &reply);
  ExpectError(status, grpc::StatusCode::INVALID_ARGUMENT,
              "message 2 of the stream: the request could not be read as a satisfaction.v1.ImportCustomersRequest");
  EXPECT_TRUE(absl::StrContains(status.error_message(), "after 2 rows received")) << status.error_message();
  v1::Customer found;
  v1::GetCustomerRequest get;
  get.set_external_id("after-1");
  EXPECT_EQ(stub_->GetCustomer(Context().get(), get, &found).error_code(), grpc::StatusCode::NOT_FOUND)
      << "nothing after the unreadable message is taken";

  // A name that is not UTF-8 is named.
  v1::ImportCustomersRequest bad_text;
  *bad_text.add_customers() = Customer("bad-text");
  std::string bytes = bad_text.SerializeAsString();
  size_t name = bytes.find("李华");
  ASSERT_NE(name, std::string::npos);
  bytes[name] = '\xff';
  status = test_support::GenericStreamCall(channel(), "/satisfaction.v1.CustomerService/ImportCustomers", {bytes});
  ExpectError(status, grpc::StatusCode::INVALID_ARGUMENT,
              "message 1 of the stream: satisfaction.v1.Customer.name: not valid UTF-8");

  // The same messages, readable, import whole.
  status = test_support::GenericStreamCall(channel(), "/satisfaction.v1.CustomerService/ImportCustomers",
                                           {message_of({"first-1", "first-2"}), message_of({"after-1", "after-2"})},
                                           nullptr, &reply);
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::ImportCustomersResponse imported;
  ASSERT_TRUE(imported.ParseFromString(reply));
  EXPECT_EQ(imported.received(), 4);
  EXPECT_EQ(imported.created(), 4);
}

TEST_P(CustomerE2eTest, ImportAccountsForEveryRowItReceives) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
  v1::ImportCustomersResponse response;
  std::unique_ptr<grpc::ClientWriter<v1::ImportCustomersRequest>> writer = stub_->ImportCustomers(&context, &response);
  v1::ImportCustomersRequest message;
  *message.add_customers() = Customer("twice");
  *message.add_customers() = Customer("twice");
  message.mutable_customers(1)->set_name("王芳");
  *message.add_customers() = Customer("bad");
  message.mutable_customers(2)->set_phone("not a number");
  ASSERT_TRUE(writer->Write(message));
  message.Clear();
  *message.add_customers() = Customer("twice");  // again, in another message
  ASSERT_TRUE(writer->Write(message));
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.received(), 4);
  EXPECT_EQ(response.created(), 1);
  EXPECT_EQ(response.updated(), 2) << "a row its id's later row replaces counts as that one's update";
  EXPECT_EQ(response.failed(), 1);
  EXPECT_EQ(response.received(), response.created() + response.updated() + response.failed());
}

TEST_P(CustomerE2eTest, ImportsTaggedCustomersAcrossMessagesWhole) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(120)));
  v1::ImportCustomersResponse response;
  std::unique_ptr<grpc::ClientWriter<v1::ImportCustomersRequest>> writer = stub_->ImportCustomers(&context, &response);
  v1::ImportCustomersRequest message;
  constexpr int kRows = 1001;
  for (int i = 0; i < kRows; ++i) {
    v1::Customer& customer = *message.add_customers();
    customer = Customer("tagged-" + std::to_string(i));
    customer.add_tags("batch-" + std::to_string(i % 3));
    if (message.customers_size() == 1000 || i == kRows - 1) {
      ASSERT_TRUE(writer->Write(message));
      message.clear_customers();
    }
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.created(), kRows);
  v1::GetCustomerRequest get;
  get.set_external_id("tagged-1000");
  v1::Customer last;
  ASSERT_TRUE(stub_->GetCustomer(Context().get(), get, &last).ok()) << "the last customer is kept";
  EXPECT_EQ(last.tags_size(), 2);
}

TEST_P(CustomerE2eTest, DoNotCallListAddRemoveListAndBadInput) {
  for (const char* phone : {"+8613900000003", "+8613900000001", "+8613900000002"}) {
    v1::AddDoNotCallRequest add;
    add.mutable_entry()->set_phone(phone);
    v1::DoNotCallEntry entry;
    ASSERT_TRUE(stub_->AddDoNotCall(Context().get(), add, &entry).ok());
    ASSERT_TRUE(stub_->AddDoNotCall(Context().get(), add, &entry).ok()) << "adding again is fine";
  }
  v1::ListDoNotCallRequest list;
  list.set_page_size(2);
  v1::ListDoNotCallResponse page;
  ASSERT_TRUE(stub_->ListDoNotCall(Context().get(), list, &page).ok());
  ASSERT_EQ(page.entries_size(), 2);
  EXPECT_EQ(page.entries(0).phone(), "+8613900000003") << "in the order they were added";
  list.set_page_token(page.next_page_token());
  ASSERT_TRUE(stub_->ListDoNotCall(Context().get(), list, &page).ok());
  ASSERT_EQ(page.entries_size(), 1);
  EXPECT_TRUE(page.next_page_token().empty());

  v1::AddDoNotCallRequest bad;
  v1::DoNotCallEntry entry;
  ExpectError(stub_->AddDoNotCall(Context().get(), bad, &entry), grpc::StatusCode::INVALID_ARGUMENT, "entry:");
  bad.mutable_entry()->set_phone("12345");
  ExpectError(stub_->AddDoNotCall(Context().get(), bad, &entry), grpc::StatusCode::INVALID_ARGUMENT, "entry.phone:");
  bad.mutable_entry()->set_phone("+8613900000009");
  bad.mutable_entry()->set_reason(std::string(300, 'r'));
  ExpectError(stub_->AddDoNotCall(Context().get(), bad, &entry), grpc::StatusCode::INVALID_ARGUMENT, "entry.reason:");
  v1::RemoveDoNotCallRequest remove;
  ExpectError(stub_->RemoveDoNotCall(Context().get(), remove, &entry), grpc::StatusCode::INVALID_ARGUMENT, "phone:");
  remove.set_phone("+8613900000009");
  ExpectError(stub_->RemoveDoNotCall(Context().get(), remove, &entry), grpc::StatusCode::NOT_FOUND);
  list.set_page_token("nope");
  ExpectError(stub_->ListDoNotCall(Context().get(), list, &page), grpc::StatusCode::INVALID_ARGUMENT, "page_token:");
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(CustomerE2eTest);

}  // namespace
}  // namespace satisfaction
