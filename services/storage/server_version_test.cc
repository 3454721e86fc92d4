#include "services/storage/server_version.h"

#include "gtest/gtest.h"

namespace satisfaction::storage {
namespace {

TEST(ServerVersionTest, MariaDbFromTenFiveOnIsAccepted) {
  EXPECT_TRUE(CheckServerVersion("10.11.6-MariaDB-0+deb12u1").ok());
  EXPECT_TRUE(CheckServerVersion("10.5.0-MariaDB").ok());
  EXPECT_TRUE(CheckServerVersion("11.4.2-MariaDB-ubu2404").ok());
}

TEST(ServerVersionTest, OlderMariaDbAndMySqlAreRefusedNamingTheVersion) {
  for (const char* version : {"10.4.32-MariaDB", "8.0.36", "8.0.36-0ubuntu0.22.04.1", "5.7.44-log", "", "MariaDB"}) {
    absl::Status status = CheckServerVersion(version);
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << version;
    EXPECT_NE(status.message().find(std::string("'") + version + "'"), std::string::npos) << status.message();
  }
}

}  // namespace
}  // namespace satisfaction::storage
