// Bulk import throughput: streams N generated customers to a running server's
// ImportCustomers (messages of 1,000) and prints rows per second. The client
// generates rows as it sends, so its own memory stays flat.
//   import_bench --target 127.0.0.1:50051 --rows 1000000
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "satisfaction/v1/customer.grpc.pb.h"
#include "tests/support/authorized_channel.h"

int main(int argc, char** argv) {
  std::string target = "127.0.0.1:50051";
  long rows = 1'000'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--target") target = argv[i + 1];
    if (flag == "--rows") rows = std::atol(argv[i + 1]);
  }
  auto stub = satisfaction::v1::CustomerService::NewStub(
      satisfaction::test_support::AuthorizedChannel(target, satisfaction::test_support::BenchKey()));
  grpc::ClientContext context;
  satisfaction::v1::ImportCustomersResponse response;
  auto start = std::chrono::steady_clock::now();
  auto writer = stub->ImportCustomers(&context, &response);
  satisfaction::v1::ImportCustomersRequest message;
  for (long i = 0; i < rows; ++i) {
    satisfaction::v1::Customer& c = *message.add_customers();
    c.set_external_id(absl::StrCat("bench-", i));
    c.set_name(absl::StrCat("客户", i));
    c.set_phone(absl::StrCat("+86139", 10000000 + i % 90000000));
    c.set_email(absl::StrCat("c", i, "@example.cn"));
    c.set_time_zone(i % 10 == 0 ? "America/New_York" : "Asia/Shanghai");
    c.set_preferred_channel(satisfaction::v1::CHANNEL_SMS);
    c.mutable_consent()->set_sms(true);
    c.mutable_consent()->set_phone(i % 2 == 0);
    if (i % 5 == 0) c.add_tags("vip");
    if (message.customers_size() == 1000 || i == rows - 1) {
      if (!writer->Write(message)) break;
      message.clear_customers();
    }
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!status.ok()) {
    std::fprintf(stderr, "import failed: %s\n", status.error_message().c_str());
    return 1;
  }
  std::printf("imported %lld rows (%lld created, %lld updated, %lld failed) in %.1f s: %.0f rows/s\n",
              static_cast<long long>(response.received()), static_cast<long long>(response.created()),
              static_cast<long long>(response.updated()), static_cast<long long>(response.failed()), seconds,
              response.received() / seconds);
  return 0;
}
