#include "services/rpc/call_gate.h"

#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "services/common/fault_ids.h"
#include "services/storage/database_errors.h"
#include "soci/soci.h"

namespace satisfaction::rpc {
namespace {

absl::Status DriverFault() {
  absl::Status status = absl::InternalError("database error 1146");
  status.SetPayload(storage::kDriverTextPayload, absl::Cord("Table 'satisfaction.custmers' doesn't exist"));
  return status;
}

TEST(ClientStatusTest, AServerFaultReachesTheClientAsAnIdWithoutItsDetail) {
  for (absl::Status fault : {DriverFault(), absl::UnknownError("select went wrong"),
                             absl::DataLossError("stored row 7 unreadable: SELECT x FROM y")}) {
    std::string id;
    grpc::Status sent = ClientStatus(fault, id);
    EXPECT_EQ(static_cast<int>(sent.error_code()), static_cast<int>(fault.code()));
    ASSERT_EQ(id.size(), 8u);
    EXPECT_TRUE(absl::StrContains(sent.error_message(), id)) << sent.error_message();
    EXPECT_FALSE(absl::StrContains(sent.error_message(), fault.message())) << sent.error_message();
    EXPECT_FALSE(absl::StrContains(sent.error_message(), "custmers")) << sent.error_message();
  }
  std::string first, second;
  ClientStatus(DriverFault(), first);
  ClientStatus(DriverFault(), second);
  EXPECT_NE(first, second) << "each fault has its own id";
}

TEST(ClientStatusTest, OtherStatusesKeepTheirMessageCappedAndCarryNoId) {
  std::string id = "stale";
  grpc::Status sent = ClientStatus(absl::InvalidArgumentError("customer.phone: not a phone number"), id);
  EXPECT_EQ(sent.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(sent.error_message(), "customer.phone: not a phone number");
  EXPECT_TRUE(id.empty());
  grpc::Status long_one = ClientStatus(absl::NotFoundError(std::string(5000, 'x')), id);
  EXPECT_LE(long_one.error_message().size(), 1024u);
  EXPECT_TRUE(ClientStatus(absl::OkStatus(), id).ok());
}

TEST(FaultDetailTest, HoldsTheMessageAndTheDriverText) {
  std::string detail = FaultDetail(DriverFault());
  EXPECT_TRUE(absl::StrContains(detail, "database error 1146")) << detail;
  EXPECT_TRUE(absl::StrContains(detail, "custmers")) << detail;
}

TEST(DatabaseErrorsTest, DriverTextTravelsOnlyAsAPayload) {
  soci::session session("sqlite3", ":memory:");
  try {
    session << "SELECT no_such_column FROM no_such_table";
    FAIL() << "the query should fail";
  } catch (const soci::soci_error& error) {
    absl::Status status = storage::StatusFromDatabaseException(error);
    EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
    EXPECT_FALSE(absl::StrContains(status.message(), "no_such")) << status.message();
    EXPECT_TRUE(absl::StrContains(std::string(*status.GetPayload(storage::kDriverTextPayload)), "no_such_table"));
  }
}

}  // namespace
}  // namespace satisfaction::rpc
