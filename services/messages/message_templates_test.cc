#include "services/messages/message_templates.h"

#include <fstream>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/support/test_database.h"

namespace satisfaction::messages {
namespace {

std::filesystem::path RepoTemplates() {
  return std::filesystem::path(test_support::RepoRoot()) / "templates" / "messages";
}

MessageTemplates LoadRepoTemplates() {
  absl::StatusOr<MessageTemplates> templates = MessageTemplates::Load(RepoTemplates());
  EXPECT_TRUE(templates.ok()) << templates.status();
  return *std::move(templates);
}

v1::BusinessContext OrderContext(const std::string& order_id) {
  v1::BusinessContext context;
  context.set_order_id(order_id);
  return context;
}

MessageFields SurveySms(const std::string& language) {
  return {.channel = v1::CHANNEL_SMS,
          .language = language,
          .trigger = v1::TRIGGER_ORDER_DELIVERED,
          .customer_name = "王芳",
          .shop_name = "优品小店",
          .context = OrderContext("TB-20261126-0001"),
          .survey_url = "https://s.example.cn/s/AbCdEfGhIjKlMnOpQrStUv",
          .survey_expire_date = "2026年12月10日"};
}

TEST(MessageTemplatesTest, AChineseSurveySmsIsSignedCarriesTheOrderAndLinkAndEndsWithTheOptOutHint) {
  RenderedMessage sms = LoadRepoTemplates().Render(SurveySms("zh-CN"));
  EXPECT_TRUE(absl::StartsWith(sms.text, "【优品小店】王芳，您好！")) << sms.text;
  EXPECT_TRUE(absl::StrContains(sms.text, "您的订单TB-20261126-0001已签收")) << sms.text;
  EXPECT_TRUE(absl::StrContains(sms.text, "https://s.example.cn/s/AbCdEfGhIjKlMnOpQrStUv ")) << sms.text;
  EXPECT_TRUE(absl::StrContains(sms.text, "2026年12月10日前有效")) << sms.text;
  EXPECT_TRUE(absl::EndsWith(sms.text, " 回T退订")) << sms.text;
  EXPECT_TRUE(sms.subject.empty());
  EXPECT_EQ(sms.sms_parts, SmsParts(sms.text));
  EXPECT_GE(sms.sms_parts, 2);  // Chinese goes as UCS-2: 70 characters in one part
}

TEST(MessageTemplatesTest, AnEnglishSurveySmsEndsWithTheEnglishHint) {
  MessageFields fields = SurveySms("en");
  fields.customer_name = "Amy";
  fields.survey_expire_date = "10 Dec 2026";
  RenderedMessage sms = LoadRepoTemplates().Render(fields);
  EXPECT_TRUE(absl::StartsWith(sms.text, "优品小店: Hi Amy, your order TB-20261126-0001 was delivered.")) << sms.text;
  EXPECT_TRUE(absl::EndsWith(sms.text, " Reply STOP to opt out.")) << sms.text;
}

TEST(MessageTemplatesTest, SectionsShowOnlyWhatTheMessageHas) {
  MessageFields fields = SurveySms("zh-CN");
  fields.customer_name.clear();
  fields.context.clear_order_id();
  fields.trigger = v1::TRIGGER_COMPLAINT_CLOSED;
  RenderedMessage sms = LoadRepoTemplates().Render(fields);
  EXPECT_TRUE(absl::StartsWith(sms.text, "【优品小店】您好！您反映的问题已处理完毕，")) << sms.text;
  EXPECT_FALSE(absl::StrContains(sms.text, "订单")) << sms.text;
}

TEST(MessageTemplatesTest, TheContextNamesTheStoreOfAnOrderAndTheCauseOfAComplaint) {
  MessageFields fields = SurveySms("zh-CN");
  fields.context.set_store("优品旗舰店");
  RenderedMessage order = LoadRepoTemplates().Render(fields);
  EXPECT_TRUE(absl::StrContains(order.text, "您在优品旗舰店的订单TB-20261126-0001已签收")) << order.text;

  fields.trigger = v1::TRIGGER_COMPLAINT_CLOSED;
  fields.context.set_cause("物流延迟");
  RenderedMessage complaint = LoadRepoTemplates().Render(fields);
  EXPECT_TRUE(absl::StrContains(complaint.text, "您反映的“物流延迟”问题已处理完毕")) << complaint.text;

  fields.language = "en";
  fields.channel = v1::CHANNEL_EMAIL;
  RenderedMessage email = LoadRepoTemplates().Render(fields);
  EXPECT_TRUE(absl::StrContains(email.text, "The issue you raised (物流延迟) is resolved.")) << email.text;
}

TEST(MessageTemplatesTest, AnEmailHasASubjectAndValuesAreNotHtmlEscaped) {
  MessageFields fields = SurveySms("en");
  fields.channel = v1::CHANNEL_EMAIL;
  fields.shop_name = "Tom & Jerry's";
  RenderedMessage email = LoadRepoTemplates().Render(fields);
  EXPECT_EQ(email.subject, "How did Tom & Jerry's do?");
  EXPECT_TRUE(absl::StrContains(email.text, fields.survey_url)) << email.text;
  EXPECT_FALSE(absl::StrContains(email.text, "Reply STOP")) << email.text;
  EXPECT_EQ(email.sms_parts, 0);
}

TEST(MessageTemplatesTest, AMessageWithoutASurveyUsesTheCareTemplate) {
  MessageFields fields = SurveySms("zh-CN");
  fields.channel = v1::CHANNEL_IM;
  fields.survey_url.clear();
  fields.survey_expire_date.clear();
  fields.trigger = v1::TRIGGER_PERIODIC_CARE;
  RenderedMessage im = LoadRepoTemplates().Render(fields);
  EXPECT_TRUE(absl::StrContains(im.text, "感谢您一直以来的支持")) << im.text;
  EXPECT_FALSE(absl::StrContains(im.text, "http")) << im.text;
}

TEST(MessageTemplatesTest, AnUnknownLanguageFallsBackToTheFirst) {
  RenderedMessage sms = LoadRepoTemplates().Render(SurveySms("fr"));
  EXPECT_TRUE(absl::EndsWith(sms.text, "回T退订")) << sms.text;
}

TEST(MessageTemplatesTest, LoadingRefusesAMissingFileABrokenTemplateAndAnEmailWithoutSubject) {
  std::filesystem::path copy = std::filesystem::path(test_support::MakeTempDir("message-templates")) / "messages";
  std::filesystem::copy(RepoTemplates(), copy, std::filesystem::copy_options::recursive);
  ASSERT_TRUE(MessageTemplates::Load(copy).ok());

  std::filesystem::remove(copy / "en" / "care.im.mustache");
  absl::Status missing = MessageTemplates::Load(copy).status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(missing.message(), "care.im.mustache")) << missing;

  std::ofstream(copy / "en" / "care.im.mustache") << "Hi {{#customer_name}}{{customer_name}}";
  absl::Status broken = MessageTemplates::Load(copy).status();
  EXPECT_TRUE(absl::StrContains(broken.message(), "care.im.mustache")) << broken;

  std::ofstream(copy / "en" / "care.im.mustache") << "Hi";
  std::ofstream(copy / "zh-CN" / "care.email.mustache") << "没有标题\n正文";
  absl::Status no_subject = MessageTemplates::Load(copy).status();
  EXPECT_TRUE(absl::StrContains(no_subject.message(), "Subject:")) << no_subject;
}

TEST(SmsPartsTest, CountsGsmSeptetsAndUcs2Units) {
  EXPECT_EQ(SmsParts(""), 1);
  EXPECT_EQ(SmsParts(std::string(160, 'a')), 1);
  EXPECT_EQ(SmsParts(std::string(161, 'a')), 2);
  EXPECT_EQ(SmsParts(std::string(306, 'a')), 2);
  EXPECT_EQ(SmsParts(std::string(307, 'a')), 3);
  EXPECT_EQ(SmsParts(std::string(80, '{')), 1);  // extension characters take two septets
  EXPECT_EQ(SmsParts(std::string(81, '{')), 2);
  std::string chinese;
  for (int i = 0; i < 70; ++i) chinese += "好";
  EXPECT_EQ(SmsParts(chinese), 1);
  EXPECT_EQ(SmsParts(chinese + "好"), 2);
  EXPECT_EQ(SmsParts(std::string(159, 'a') + "好"), 3);  // one non-GSM character makes it all UCS-2
}

}  // namespace
}  // namespace satisfaction::messages
