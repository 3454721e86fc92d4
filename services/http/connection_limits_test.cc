#include "services/http/connection_limits.h"

#include "gtest/gtest.h"

namespace satisfaction::http {
namespace {

using Admission = ConnectionLimits::Admission;

TEST(ConnectionLimits, EachAddressGetsItsShareAndNoMore) {
  ConnectionLimits limits(/*max_connections=*/100, /*connections_per_address=*/2);
  EXPECT_EQ(limits.Admit("10.0.0.1"), Admission::kAdmitted);
  EXPECT_EQ(limits.Admit("10.0.0.1"), Admission::kAdmitted);
  EXPECT_EQ(limits.Admit("10.0.0.1"), Admission::kAddressFull);
  EXPECT_EQ(limits.Admit("10.0.0.2"), Admission::kAdmitted) << "another address is not held back";
  EXPECT_EQ(limits.open_connections(), 3);
  limits.Release("10.0.0.1");
  EXPECT_EQ(limits.Admit("10.0.0.1"), Admission::kAdmitted) << "a closed connection frees its place";
}

TEST(ConnectionLimits, TheServerCapHoldsAcrossAddresses) {
  ConnectionLimits limits(/*max_connections=*/3, /*connections_per_address=*/10);
  EXPECT_EQ(limits.Admit("10.0.0.1"), Admission::kAdmitted);
  EXPECT_EQ(limits.Admit("10.0.0.2"), Admission::kAdmitted);
  EXPECT_EQ(limits.Admit("10.0.0.3"), Admission::kAdmitted);
  EXPECT_EQ(limits.Admit("10.0.0.4"), Admission::kServerFull);
  EXPECT_EQ(limits.Admit("10.0.0.1"), Admission::kServerFull);
  limits.Release("10.0.0.2");
  EXPECT_EQ(limits.Admit("10.0.0.4"), Admission::kAdmitted);
  EXPECT_EQ(limits.open_connections(), 3);
}

TEST(ConnectionLimits, RefusedConnectionsAreNotCounted) {
  ConnectionLimits limits(/*max_connections=*/2, /*connections_per_address=*/1);
  EXPECT_EQ(limits.Admit("10.0.0.1"), Admission::kAdmitted);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(limits.Admit("10.0.0.1"), Admission::kAddressFull);
  EXPECT_EQ(limits.open_connections(), 1);
  limits.Release("10.0.0.1");
  EXPECT_EQ(limits.open_connections(), 0);
}

TEST(ConnectionLimits, AddressesWithoutConnectionsAreForgotten) {
  ConnectionLimits limits(/*max_connections=*/1000, /*connections_per_address=*/1);
  for (int i = 0; i < 500; ++i) ASSERT_EQ(limits.Admit("10.0.1." + std::to_string(i)), Admission::kAdmitted);
  EXPECT_EQ(limits.addresses(), 500);
  for (int i = 0; i < 500; ++i) limits.Release("10.0.1." + std::to_string(i));
  EXPECT_EQ(limits.addresses(), 0);
  EXPECT_EQ(limits.open_connections(), 0);
}

}  // namespace
}  // namespace satisfaction::http
