#include "services/revisits/business_context.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace satisfaction::revisits {
namespace {

TEST(BusinessContextTest, TheEventsIdsAndItsContextsAreMadeOneAndTextsTrimmed) {
  v1::Event event;
  event.set_order_id("JD-1");
  event.mutable_context()->set_case_id("CS-1");
  event.mutable_context()->set_store("  优品旗舰店\t");
  NormalizeEventContext(event);
  EXPECT_EQ(event.context().order_id(), "JD-1");
  EXPECT_EQ(event.case_id(), "CS-1");
  EXPECT_EQ(event.context().store(), "优品旗舰店");
  EXPECT_TRUE(ValidateEventContext(event).ok());

  v1::Event plain;  // no context given: one with the ids, still valid
  plain.set_case_id("CS-2");
  NormalizeEventContext(plain);
  EXPECT_EQ(plain.context().case_id(), "CS-2");
  EXPECT_TRUE(ValidateEventContext(plain).ok());
}

TEST(BusinessContextTest, ContradictingIdsAndOverlongTextsAreRefusedNamingTheField) {
  v1::Event event;
  event.set_order_id("JD-1");
  event.mutable_context()->set_order_id("JD-2");
  NormalizeEventContext(event);
  absl::Status status = ValidateEventContext(event);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(status.message(), "event.context.order_id")) << status;

  v1::Event platform;
  platform.mutable_context()->set_platform(std::string(32, 'p'));
  EXPECT_TRUE(ValidateEventContext(platform).ok()) << "32 characters are allowed";
  platform.mutable_context()->set_platform(std::string(33, 'p'));
  EXPECT_TRUE(absl::StartsWith(ValidateEventContext(platform).message(), "event.context.platform"));
  v1::Event store;
  std::string chinese;
  for (int i = 0; i < 64; ++i) chinese += "店";  // characters are counted, not bytes
  store.mutable_context()->set_store(chinese);
  EXPECT_TRUE(ValidateEventContext(store).ok());
  store.mutable_context()->set_store(chinese + "店");
  EXPECT_TRUE(absl::StartsWith(ValidateEventContext(store).message(), "event.context.store"));
}

TEST(BusinessContextTest, AmountsShowInYuanAndTemplatesGetEveryPart) {
  EXPECT_EQ(FormatAmount(12850), "128.50");
  EXPECT_EQ(FormatAmount(5), "0.05");
  EXPECT_EQ(FormatAmount(0), "");
  v1::BusinessContext context;
  context.set_cause("物流延迟");
  context.set_amount_minor(100);
  std::vector<std::pair<std::string, std::string>> values = TemplateValuesOf(context);
  ASSERT_EQ(values.size(), 8u);
  EXPECT_EQ(values[5], std::make_pair(std::string("amount"), std::string("1.00")));
  EXPECT_EQ(values[7], std::make_pair(std::string("cause"), std::string("物流延迟")));
}

}  // namespace
}  // namespace satisfaction::revisits
