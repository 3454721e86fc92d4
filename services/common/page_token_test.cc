#include "services/common/page_token.h"

#include "gtest/gtest.h"

namespace satisfaction {
namespace {

TEST(PageToken, RoundTrips) {
  std::string token = EncodePageToken({.filter = "state=2", .after_key = "post-delivery"});
  absl::StatusOr<PageCursor> cursor = DecodePageToken(token, "state=2");
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  EXPECT_EQ(cursor->after_key, "post-delivery");
}

TEST(PageToken, RefusesForeignTokensAndOtherFilters) {
  std::string token = EncodePageToken({.filter = "state=2", .after_key = "x"});
  EXPECT_EQ(DecodePageToken(token, "state=1").status().code(), absl::StatusCode::kInvalidArgument);
  for (const char* bad : {"not base64 !", "aGVsbG8", ""}) {
    absl::StatusOr<PageCursor> cursor = DecodePageToken(bad, "state=2");
    EXPECT_EQ(cursor.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(cursor.status().message().substr(0, 11), "page_token:");
  }
}

TEST(EffectivePageSize, DefaultsCapsAndRefusesNegatives) {
  EXPECT_EQ(*EffectivePageSize(0, 50, 200), 50);
  EXPECT_EQ(*EffectivePageSize(7, 50, 200), 7);
  EXPECT_EQ(*EffectivePageSize(5000, 50, 200), 200);
  EXPECT_EQ(EffectivePageSize(-1, 50, 200).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace satisfaction
