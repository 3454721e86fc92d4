#include "services/callbacks/call_scripts.h"

#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/support/test_database.h"

namespace satisfaction::callbacks {
namespace {

std::filesystem::path RepoScripts() {
  return std::filesystem::path(test_support::RepoRoot()) / "templates" / "call_scripts";
}

TEST(CallScriptsTest, EveryTriggerOpensWithTheAgentTheShopAndWhyWeCall) {
  absl::StatusOr<CallScripts> scripts = CallScripts::Load(RepoScripts());
  ASSERT_TRUE(scripts.ok()) << scripts.status();
  std::string zh = scripts->Render({.language = "zh-CN",
                                    .trigger = v1::TRIGGER_COMPLAINT_CLOSED,
                                    .agent_name = "小王",
                                    .shop_name = "优品小店",
                                    .customer_name = "王芳"});
  EXPECT_TRUE(absl::StartsWith(zh, "王芳，您好！我是优品小店的客服小王。")) << zh;
  EXPECT_TRUE(absl::StrContains(zh, "您之前反映的问题")) << zh;
  EXPECT_TRUE(absl::StrContains(zh, "什么时间再给您打过来")) << "it offers another time: " << zh;

  std::string en = scripts->Render(
      {.language = "en-GB", .trigger = v1::TRIGGER_LOW_SCORE, .agent_name = "Lin", .shop_name = "Good Shop"});
  EXPECT_TRUE(absl::StartsWith(en, "Hello, this is Lin from Good Shop customer service.")) << en;
  EXPECT_TRUE(absl::StrContains(en, "satisfaction survey")) << en;

  // Without an agent's name (a dialer fetching by queue) the line still reads.
  std::string anonymous =
      scripts->Render({.language = "zh-CN", .trigger = v1::TRIGGER_ORDER_DELIVERED, .shop_name = "优品小店"});
  EXPECT_TRUE(absl::StartsWith(anonymous, "您好！我是优品小店的客服。")) << anonymous;
  // A language without templates falls back to the first.
  EXPECT_EQ(scripts->Render({.language = "fr", .trigger = v1::TRIGGER_ORDER_DELIVERED, .shop_name = "优品小店"}),
            anonymous);
  EXPECT_EQ(scripts->Render({.language = "zh-CN", .trigger = v1::TRIGGER_UNSPECIFIED}), "");
}

TEST(CallScriptsTest, TheOpeningNamesWhatTheCallIsAbout) {
  absl::StatusOr<CallScripts> scripts = CallScripts::Load(RepoScripts());
  ASSERT_TRUE(scripts.ok()) << scripts.status();
  v1::BusinessContext context;
  context.set_order_id("JD-778");
  context.set_store("优品旗舰店");
  context.set_case_id("CS-12");
  context.set_cause("物流延迟");
  std::string order =
      scripts->Render({.language = "zh-CN", .trigger = v1::TRIGGER_ORDER_DELIVERED, .context = context});
  EXPECT_TRUE(absl::StrContains(order, "您在优品旗舰店的订单JD-778已经签收")) << order;
  std::string complaint =
      scripts->Render({.language = "zh-CN", .trigger = v1::TRIGGER_COMPLAINT_CLOSED, .context = context});
  EXPECT_TRUE(absl::StrContains(complaint, "您之前反映的“物流延迟”问题")) << complaint;
  std::string case_closed =
      scripts->Render({.language = "en", .trigger = v1::TRIGGER_AFTER_SALES_CLOSED, .context = context});
  EXPECT_TRUE(absl::StrContains(case_closed, "Your after-sales case CS-12 has been closed")) << case_closed;
}

TEST(CallScriptsTest, AMissingBrokenOrEmptyScriptStopsTheLoadNamingTheFile) {
  std::filesystem::path copy = std::filesystem::path(test_support::MakeTempDir("call-scripts")) / "call_scripts";
  std::filesystem::copy(RepoScripts(), copy, std::filesystem::copy_options::recursive);
  ASSERT_TRUE(CallScripts::Load(copy).ok());

  std::filesystem::remove(copy / "en" / "periodic-care.mustache");
  absl::Status missing = CallScripts::Load(copy).status();
  EXPECT_FALSE(missing.ok());
  EXPECT_TRUE(absl::StrContains(missing.message(), "periodic-care.mustache")) << missing;

  std::ofstream(copy / "en" / "periodic-care.mustache") << "Hello {{#agent_name}}{{agent_name}}";
  absl::Status broken = CallScripts::Load(copy).status();
  EXPECT_EQ(broken.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(broken.message(), "periodic-care.mustache")) << broken;

  std::ofstream(copy / "en" / "periodic-care.mustache") << "{{#agent_name}}{{agent_name}}{{/agent_name}}\n";
  absl::Status empty = CallScripts::Load(copy).status();
  EXPECT_EQ(empty.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(empty.message(), "renders no text")) << empty;
}

}  // namespace
}  // namespace satisfaction::callbacks
