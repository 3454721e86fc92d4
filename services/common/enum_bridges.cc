#include "services/common/enum_bridges.h"

#include <cstdlib>
#include <iterator>

#include "absl/strings/str_cat.h"

namespace satisfaction {

// A value added to either side fails here until the switches below learn it.
// (The scheduler's switches have no default, so -Wswitch names a forgotten one.)
static_assert(v1::CustomerType_ARRAYSIZE == 6 && std::size(scheduler::kAllCustomerTypes) == 5,
              "a customer type was added: map it below, and give it a new mask bit");
static_assert(v1::Channel_ARRAYSIZE == 5 && std::size(scheduler::kAllChannels) == 4,
              "a channel was added: map it below, and give it a new mask bit");
static_assert(v1::Trigger_ARRAYSIZE == 6 && std::size(scheduler::kAllTriggers) == 5,
              "a trigger was added: map it below");
static_assert(v1::CallOutcome_ARRAYSIZE == 9 && std::size(scheduler::kAllCallOutcomes) == 8,
              "a call outcome was added: map it below");

std::optional<scheduler::CustomerType> ToScheduler(v1::CustomerType type) {
  switch (type) {
    case v1::CUSTOMER_TYPE_NEW:
      return scheduler::CustomerType::kNew;
    case v1::CUSTOMER_TYPE_ACTIVE:
      return scheduler::CustomerType::kActive;
    case v1::CUSTOMER_TYPE_DORMANT:
      return scheduler::CustomerType::kDormant;
    case v1::CUSTOMER_TYPE_CHURNED:
      return scheduler::CustomerType::kChurned;
    case v1::CUSTOMER_TYPE_LOYAL:
      return scheduler::CustomerType::kLoyal;
    default:
      return std::nullopt;
  }
}

std::optional<scheduler::Channel> ToScheduler(v1::Channel channel) {
  switch (channel) {
    case v1::CHANNEL_PHONE:
      return scheduler::Channel::kPhone;
    case v1::CHANNEL_SMS:
      return scheduler::Channel::kSms;
    case v1::CHANNEL_IM:
      return scheduler::Channel::kIm;
    case v1::CHANNEL_EMAIL:
      return scheduler::Channel::kEmail;
    default:
      return std::nullopt;
  }
}

std::optional<scheduler::AssignmentStrategy> ToScheduler(v1::AssignmentStrategy strategy) {
  switch (strategy) {
    case v1::ASSIGNMENT_STRATEGY_ROUND_ROBIN:
      return scheduler::AssignmentStrategy::kRoundRobin;
    case v1::ASSIGNMENT_STRATEGY_SEQUENTIAL:
      return scheduler::AssignmentStrategy::kSequential;
    case v1::ASSIGNMENT_STRATEGY_LOAD_BASED:
      return scheduler::AssignmentStrategy::kLoadBased;
    case v1::ASSIGNMENT_STRATEGY_FILL_UP:
      return scheduler::AssignmentStrategy::kFillUp;
    case v1::ASSIGNMENT_STRATEGY_RETURNING_CUSTOMER:
      return scheduler::AssignmentStrategy::kReturningCustomer;
    case v1::ASSIGNMENT_STRATEGY_ADVANCED:
      return scheduler::AssignmentStrategy::kAdvanced;
    default:
      return std::nullopt;
  }
}

v1::AssignmentStrategy ToV1(scheduler::AssignmentStrategy strategy) {
  switch (strategy) {
    case scheduler::AssignmentStrategy::kRoundRobin:
      return v1::ASSIGNMENT_STRATEGY_ROUND_ROBIN;
    case scheduler::AssignmentStrategy::kSequential:
      return v1::ASSIGNMENT_STRATEGY_SEQUENTIAL;
    case scheduler::AssignmentStrategy::kLoadBased:
      return v1::ASSIGNMENT_STRATEGY_LOAD_BASED;
    case scheduler::AssignmentStrategy::kFillUp:
      return v1::ASSIGNMENT_STRATEGY_FILL_UP;
    case scheduler::AssignmentStrategy::kReturningCustomer:
      return v1::ASSIGNMENT_STRATEGY_RETURNING_CUSTOMER;
    case scheduler::AssignmentStrategy::kAdvanced:
      return v1::ASSIGNMENT_STRATEGY_ADVANCED;
  }
  return v1::ASSIGNMENT_STRATEGY_UNSPECIFIED;
}

std::optional<scheduler::Trigger> ToScheduler(v1::Trigger trigger) {
  switch (trigger) {
    case v1::TRIGGER_ORDER_DELIVERED:
      return scheduler::Trigger::kOrderDelivered;
    case v1::TRIGGER_AFTER_SALES_CLOSED:
      return scheduler::Trigger::kAfterSalesClosed;
    case v1::TRIGGER_COMPLAINT_CLOSED:
      return scheduler::Trigger::kComplaintClosed;
    case v1::TRIGGER_PERIODIC_CARE:
      return scheduler::Trigger::kPeriodicCare;
    case v1::TRIGGER_LOW_SCORE:
      return scheduler::Trigger::kLowScore;
    default:
      return std::nullopt;
  }
}

std::optional<scheduler::CallOutcome> ToScheduler(v1::CallOutcome outcome) {
  switch (outcome) {
    case v1::CALL_OUTCOME_COMPLETED:
      return scheduler::CallOutcome::kCompleted;
    case v1::CALL_OUTCOME_NO_ANSWER:
      return scheduler::CallOutcome::kNoAnswer;
    case v1::CALL_OUTCOME_BUSY:
      return scheduler::CallOutcome::kBusy;
    case v1::CALL_OUTCOME_VOICEMAIL:
      return scheduler::CallOutcome::kVoicemail;
    case v1::CALL_OUTCOME_REFUSED:
      return scheduler::CallOutcome::kRefused;
    case v1::CALL_OUTCOME_WRONG_NUMBER:
      return scheduler::CallOutcome::kWrongNumber;
    case v1::CALL_OUTCOME_CALL_BACK_LATER:
      return scheduler::CallOutcome::kCallBackLater;
    case v1::CALL_OUTCOME_DO_NOT_CALL:
      return scheduler::CallOutcome::kDoNotCall;
    default:
      return std::nullopt;
  }
}

v1::CustomerType ToV1(scheduler::CustomerType type) {
  switch (type) {
    case scheduler::CustomerType::kNew:
      return v1::CUSTOMER_TYPE_NEW;
    case scheduler::CustomerType::kActive:
      return v1::CUSTOMER_TYPE_ACTIVE;
    case scheduler::CustomerType::kDormant:
      return v1::CUSTOMER_TYPE_DORMANT;
    case scheduler::CustomerType::kChurned:
      return v1::CUSTOMER_TYPE_CHURNED;
    case scheduler::CustomerType::kLoyal:
      return v1::CUSTOMER_TYPE_LOYAL;
  }
  std::abort();  // not a value of the enum: memory was overwritten
}

v1::Channel ToV1(scheduler::Channel channel) {
  switch (channel) {
    case scheduler::Channel::kPhone:
      return v1::CHANNEL_PHONE;
    case scheduler::Channel::kSms:
      return v1::CHANNEL_SMS;
    case scheduler::Channel::kIm:
      return v1::CHANNEL_IM;
    case scheduler::Channel::kEmail:
      return v1::CHANNEL_EMAIL;
  }
  std::abort();
}

v1::Trigger ToV1(scheduler::Trigger trigger) {
  switch (trigger) {
    case scheduler::Trigger::kOrderDelivered:
      return v1::TRIGGER_ORDER_DELIVERED;
    case scheduler::Trigger::kAfterSalesClosed:
      return v1::TRIGGER_AFTER_SALES_CLOSED;
    case scheduler::Trigger::kComplaintClosed:
      return v1::TRIGGER_COMPLAINT_CLOSED;
    case scheduler::Trigger::kPeriodicCare:
      return v1::TRIGGER_PERIODIC_CARE;
    case scheduler::Trigger::kLowScore:
      return v1::TRIGGER_LOW_SCORE;
  }
  std::abort();
}

v1::CallOutcome ToV1(scheduler::CallOutcome outcome) {
  switch (outcome) {
    case scheduler::CallOutcome::kCompleted:
      return v1::CALL_OUTCOME_COMPLETED;
    case scheduler::CallOutcome::kNoAnswer:
      return v1::CALL_OUTCOME_NO_ANSWER;
    case scheduler::CallOutcome::kBusy:
      return v1::CALL_OUTCOME_BUSY;
    case scheduler::CallOutcome::kVoicemail:
      return v1::CALL_OUTCOME_VOICEMAIL;
    case scheduler::CallOutcome::kRefused:
      return v1::CALL_OUTCOME_REFUSED;
    case scheduler::CallOutcome::kWrongNumber:
      return v1::CALL_OUTCOME_WRONG_NUMBER;
    case scheduler::CallOutcome::kCallBackLater:
      return v1::CALL_OUTCOME_CALL_BACK_LATER;
    case scheduler::CallOutcome::kDoNotCall:
      return v1::CALL_OUTCOME_DO_NOT_CALL;
  }
  std::abort();
}

// Stored bits: never renumber one, or stored rules change meaning.
int CustomerTypeMaskBit(v1::CustomerType type) {
  switch (type) {
    case v1::CUSTOMER_TYPE_NEW:
      return 0x01;
    case v1::CUSTOMER_TYPE_ACTIVE:
      return 0x02;
    case v1::CUSTOMER_TYPE_DORMANT:
      return 0x04;
    case v1::CUSTOMER_TYPE_CHURNED:
      return 0x08;
    case v1::CUSTOMER_TYPE_LOYAL:
      return 0x10;
    default:
      return 0;
  }
}

std::string CustomerTypeMaskBitSql(absl::string_view column) {
  std::string sql = absl::StrCat("CASE ", column);
  const google::protobuf::EnumDescriptor& types = *v1::CustomerType_descriptor();
  for (int i = 0; i < types.value_count(); ++i) {
    int number = types.value(i)->number();
    if (int bit = CustomerTypeMaskBit(static_cast<v1::CustomerType>(number)); bit != 0) {
      absl::StrAppend(&sql, " WHEN ", number, " THEN ", bit);
    }
  }
  absl::StrAppend(&sql, " ELSE 0 END");
  return sql;
}

// Stored bits: never renumber one, or stored consents and opt-outs change meaning.
int ChannelMaskBit(v1::Channel channel) {
  switch (channel) {
    case v1::CHANNEL_PHONE:
      return 0x1;
    case v1::CHANNEL_SMS:
      return 0x2;
    case v1::CHANNEL_IM:
      return 0x4;
    case v1::CHANNEL_EMAIL:
      return 0x8;
    default:
      return 0;
  }
}

int ChannelMask(const v1::ChannelFlags& flags) {
  return (flags.phone() ? ChannelMaskBit(v1::CHANNEL_PHONE) : 0) | (flags.sms() ? ChannelMaskBit(v1::CHANNEL_SMS) : 0) |
         (flags.im() ? ChannelMaskBit(v1::CHANNEL_IM) : 0) | (flags.email() ? ChannelMaskBit(v1::CHANNEL_EMAIL) : 0);
}

v1::ChannelFlags ChannelFlagsOf(int mask) {
  v1::ChannelFlags flags;
  flags.set_phone((mask & ChannelMaskBit(v1::CHANNEL_PHONE)) != 0);
  flags.set_sms((mask & ChannelMaskBit(v1::CHANNEL_SMS)) != 0);
  flags.set_im((mask & ChannelMaskBit(v1::CHANNEL_IM)) != 0);
  flags.set_email((mask & ChannelMaskBit(v1::CHANNEL_EMAIL)) != 0);
  return flags;
}

}  // namespace satisfaction
