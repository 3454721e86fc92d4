#ifndef SATISFACTION_TESTS_E2E_REVISIT_LISTS_H_
#define SATISFACTION_TESTS_E2E_REVISIT_LISTS_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "satisfaction/v1/revisit.grpc.pb.h"
#include "tests/e2e/test_server.h"

namespace satisfaction::test_support {

// Every revisit of `customer` (up to 500), as ListRevisits shows them,
// earliest due first. Fails the test if the call fails.
inline std::vector<v1::Revisit> ListedRevisits(const std::shared_ptr<grpc::Channel>& channel,
                                               const std::string& customer) {
  v1::ListRevisitsRequest request;
  request.set_customer_external_id(customer);
  request.set_page_size(500);
  v1::ListRevisitsResponse listed;
  grpc::Status status = v1::RevisitService::NewStub(channel)->ListRevisits(Context().get(), request, &listed);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return {listed.revisits().begin(), listed.revisits().end()};
}

}  // namespace satisfaction::test_support

#endif  // SATISFACTION_TESTS_E2E_REVISIT_LISTS_H_
