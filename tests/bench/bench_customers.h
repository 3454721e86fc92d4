#ifndef SATISFACTION_TESTS_BENCH_BENCH_CUSTOMERS_H_
#define SATISFACTION_TESTS_BENCH_BENCH_CUSTOMERS_H_

#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "satisfaction/v1/customer.grpc.pb.h"

namespace satisfaction::bench {

// Imports `count` customers in Shanghai who agreed to calls and SMS, with ids
// `id_prefix`0, 1, ... and distinct mobile numbers starting `phone_prefix`
// (e.g. "+86139"), in messages of 1,000. Says why on stderr when it fails.
inline bool ImportCustomers(v1::CustomerService::Stub& stub, long count, const std::string& id_prefix,
                            const std::string& phone_prefix) {
  grpc::ClientContext context;
  v1::ImportCustomersResponse response;
  auto writer = stub.ImportCustomers(&context, &response);
  v1::ImportCustomersRequest message;
  for (long i = 0; i < count; ++i) {
    v1::Customer& c = *message.add_customers();
    c.set_external_id(absl::StrCat(id_prefix, i));
    c.set_name(absl::StrCat("客户 ", i));
    c.set_phone(absl::StrCat(phone_prefix, 10000000 + i));
    c.set_time_zone("Asia/Shanghai");
    c.mutable_consent()->set_sms(true);
    c.mutable_consent()->set_phone(true);
    if (message.customers_size() == 1000 || i == count - 1) {
      writer->Write(message);
      message.clear_customers();
    }
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (!status.ok()) std::fprintf(stderr, "import failed: %s\n", status.error_message().c_str());
  return status.ok();
}

}  // namespace satisfaction::bench

#endif  // SATISFACTION_TESTS_BENCH_BENCH_CUSTOMERS_H_
