#include "scheduler/revisit_types.h"

namespace satisfaction::scheduler {

absl::string_view Name(CustomerType type) {
  switch (type) {
    case CustomerType::kNew:
      return "new";
    case CustomerType::kActive:
      return "active";
    case CustomerType::kDormant:
      return "dormant";
    case CustomerType::kChurned:
      return "churned";
    case CustomerType::kLoyal:
      return "loyal";
  }
  return "?";
}

absl::string_view Name(Channel channel) {
  switch (channel) {
    case Channel::kPhone:
      return "phone";
    case Channel::kSms:
      return "sms";
    case Channel::kIm:
      return "im";
    case Channel::kEmail:
      return "email";
  }
  return "?";
}

absl::string_view Name(Trigger trigger) {
  switch (trigger) {
    case Trigger::kOrderDelivered:
      return "order_delivered";
    case Trigger::kAfterSalesClosed:
      return "after_sales_closed";
    case Trigger::kComplaintClosed:
      return "complaint_closed";
    case Trigger::kPeriodicCare:
      return "periodic_care";
    case Trigger::kLowScore:
      return "low_score";
  }
  return "?";
}

absl::string_view Name(CallOutcome outcome) {
  switch (outcome) {
    case CallOutcome::kCompleted:
      return "completed";
    case CallOutcome::kNoAnswer:
      return "no_answer";
    case CallOutcome::kBusy:
      return "busy";
    case CallOutcome::kVoicemail:
      return "voicemail";
    case CallOutcome::kRefused:
      return "refused";
    case CallOutcome::kWrongNumber:
      return "wrong_number";
    case CallOutcome::kCallBackLater:
      return "call_back_later";
    case CallOutcome::kDoNotCall:
      return "do_not_call";
  }
  return "?";
}

}  // namespace satisfaction::scheduler
