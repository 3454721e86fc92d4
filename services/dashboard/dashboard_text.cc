#include "services/dashboard/dashboard_text.h"

namespace satisfaction::dashboard {
namespace {

struct Words {
  const char* zh;
  const char* en;
};

std::string Pick(const Words& words, const std::string& language) { return language == "en" ? words.en : words.zh; }

Words PhraseWords(Phrase phrase) {
  switch (phrase) {
    case Phrase::kIndex:
      return {"满意度指数", "Satisfaction index"};
    case Phrase::kCsat:
      return {"满意率 (CSAT)", "CSAT"};
    case Phrase::kMeanScore:
      return {"平均分", "Mean score"};
    case Phrase::kResponses:
      return {"回复数", "Responses"};
    case Phrase::kResponseRate:
      return {"回复率", "Response rate"};
    case Phrase::kRecoveryRate:
      return {"挽回率", "Recovery rate"};
    case Phrase::kTrendTitle:
      return {"满意度指数趋势", "Satisfaction index over time"};
    case Phrase::kTrendDescription:
      return {"折线为各期的满意度指数 (0–100)，阴影为其 95% 置信区间。",
              "The line is each period's satisfaction index (0–100); the band is its 95% interval."};
    case Phrase::kByCustomerType:
      return {"按客户类型", "By customer type"};
    case Phrase::kByChannel:
      return {"按渠道", "By channel"};
    case Phrase::kByAgent:
      return {"按坐席", "By agent"};
    case Phrase::kByDimension:
      return {"按维度", "By dimension"};
    case Phrase::kBreakdownDescription:
      return {"条形为各组的满意度指数 (0–100)，细线为其 95% 置信区间。",
              "Each bar is a group's satisfaction index (0–100); the whisker is its 95% interval."};
    case Phrase::kFunnelTitle:
      return {"回访漏斗", "Revisit funnel"};
    case Phrase::kFunnelDescription:
      return {"计划的回访中，联系上的与回复的数量。",
              "Of the revisits planned, how many reached the customer and got an answer."};
    case Phrase::kPlanned:
      return {"计划", "Planned"};
    case Phrase::kContacted:
      return {"已联系", "Contacted"};
    case Phrase::kResponded:
      return {"已回复", "Responded"};
    case Phrase::kNoAgent:
      return {"(无坐席)", "(no agent)"};
    case Phrase::kTooSmall:
      return {"样本过少", "too few to lean on"};
  }
  return {"", ""};
}

}  // namespace

const char* Say(Phrase phrase, const std::string& language) {
  Words words = PhraseWords(phrase);
  return language == "en" ? words.en : words.zh;
}

std::string CustomerTypeName(v1::CustomerType type, const std::string& language) {
  switch (type) {
    case v1::CUSTOMER_TYPE_NEW:
      return Pick({"新客户", "New"}, language);
    case v1::CUSTOMER_TYPE_ACTIVE:
      return Pick({"活跃客户", "Active"}, language);
    case v1::CUSTOMER_TYPE_DORMANT:
      return Pick({"休眠客户", "Dormant"}, language);
    case v1::CUSTOMER_TYPE_CHURNED:
      return Pick({"流失客户", "Churned"}, language);
    case v1::CUSTOMER_TYPE_LOYAL:
      return Pick({"忠诚客户", "Loyal"}, language);
    default:
      return Pick({"未分类", "Unclassified"}, language);
  }
}

std::string ChannelName(v1::Channel channel, const std::string& language) {
  switch (channel) {
    case v1::CHANNEL_PHONE:
      return Pick({"电话", "Phone"}, language);
    case v1::CHANNEL_SMS:
      return Pick({"短信", "SMS"}, language);
    case v1::CHANNEL_IM:
      return Pick({"即时消息", "IM"}, language);
    case v1::CHANNEL_EMAIL:
      return Pick({"邮件", "Email"}, language);
    default:
      return Pick({"未知渠道", "Unknown channel"}, language);
  }
}

std::string DimensionName(v1::Dimension dimension, const std::string& language) {
  switch (dimension) {
    case v1::DIMENSION_PRODUCT_QUALITY:
      return Pick({"商品质量", "Product quality"}, language);
    case v1::DIMENSION_PRICE:
      return Pick({"价格", "Price"}, language);
    case v1::DIMENSION_LOGISTICS:
      return Pick({"物流配送", "Logistics"}, language);
    case v1::DIMENSION_SERVICE_ATTITUDE:
      return Pick({"服务态度", "Service attitude"}, language);
    case v1::DIMENSION_AFTER_SALES:
      return Pick({"售后服务", "After-sales service"}, language);
    case v1::DIMENSION_PERSONALIZATION:
      return Pick({"个性化服务", "Personalization"}, language);
    case v1::DIMENSION_RECOMMENDATION:
      return Pick({"推荐意愿", "Willingness to recommend"}, language);
    case v1::DIMENSION_OVERALL:
      return Pick({"总体满意度", "Overall"}, language);
    default:
      return Pick({"未分维度", "No dimension"}, language);
  }
}

std::string RecoveryStateName(v1::RevisitState state, const std::string& language) {
  switch (state) {
    case v1::REVISIT_STATE_UNSPECIFIED:
      return Pick({"未安排", "none opened"}, language);
    case v1::REVISIT_STATE_PLANNED:
      return Pick({"待回访", "planned"}, language);
    case v1::REVISIT_STATE_LEASED:
      return Pick({"回访中", "in progress"}, language);
    case v1::REVISIT_STATE_COMPLETED:
      return Pick({"已联系上", "reached"}, language);
    case v1::REVISIT_STATE_GAVE_UP:
      return Pick({"未联系上", "not reached"}, language);
    case v1::REVISIT_STATE_STOPPED:
      return Pick({"已终止", "stopped"}, language);
    case v1::REVISIT_STATE_CANCELLED:
      return Pick({"已取消", "cancelled"}, language);
    default:
      return "";
  }
}

}  // namespace satisfaction::dashboard
