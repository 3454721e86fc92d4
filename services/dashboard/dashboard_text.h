#ifndef SATISFACTION_SERVICES_DASHBOARD_DASHBOARD_TEXT_H_
#define SATISFACTION_SERVICES_DASHBOARD_DASHBOARD_TEXT_H_

#include <string>

#include "satisfaction/v1/analytics.pb.h"
#include "satisfaction/v1/common.pb.h"
#include "satisfaction/v1/questionnaire.pb.h"
#include "satisfaction/v1/revisit.pb.h"

// The dashboard's words in its two languages, in one place for its pages and
// its charts. `language` is "zh-CN" or "en".
namespace satisfaction::dashboard {

enum class Phrase {
  kIndex,
  kCsat,
  kMeanScore,
  kResponses,
  kResponseRate,
  kRecoveryRate,
  kTrendTitle,
  kTrendDescription,
  kByCustomerType,
  kByChannel,
  kByAgent,
  kByDimension,
  kBreakdownDescription,
  kFunnelTitle,
  kFunnelDescription,
  kPlanned,
  kContacted,
  kResponded,
  kNoAgent,
  kTooSmall,
};

const char* Say(Phrase phrase, const std::string& language);
std::string CustomerTypeName(v1::CustomerType type, const std::string& language);
std::string ChannelName(v1::Channel channel, const std::string& language);
std::string DimensionName(v1::Dimension dimension, const std::string& language);
// What became of a recovery call; UNSPECIFIED is "none opened".
std::string RecoveryStateName(v1::RevisitState state, const std::string& language);

}  // namespace satisfaction::dashboard

#endif  // SATISFACTION_SERVICES_DASHBOARD_DASHBOARD_TEXT_H_
