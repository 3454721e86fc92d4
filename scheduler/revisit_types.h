#ifndef SATISFACTION_SCHEDULER_REVISIT_TYPES_H_
#define SATISFACTION_SCHEDULER_REVISIT_TYPES_H_

#include "absl/strings/string_view.h"

namespace satisfaction::scheduler {

// Lifecycle types of customers (客户分类), from purchase history.
enum class CustomerType { kNew, kActive, kDormant, kChurned, kLoyal };
inline constexpr CustomerType kAllCustomerTypes[] = {CustomerType::kNew, CustomerType::kActive, CustomerType::kDormant,
                                                     CustomerType::kChurned, CustomerType::kLoyal};

// How a customer is reached.
enum class Channel { kPhone, kSms, kIm, kEmail };
inline constexpr Channel kAllChannels[] = {Channel::kPhone, Channel::kSms, Channel::kIm, Channel::kEmail};

// What a revisit follows.
enum class Trigger { kOrderDelivered, kAfterSalesClosed, kComplaintClosed, kPeriodicCare, kLowScore };
inline constexpr Trigger kAllTriggers[] = {Trigger::kOrderDelivered, Trigger::kAfterSalesClosed,
                                           Trigger::kComplaintClosed, Trigger::kPeriodicCare, Trigger::kLowScore};

// How one call attempt ended (a dialer's disposition).
enum class CallOutcome {
  kCompleted,
  kNoAnswer,
  kBusy,
  kVoicemail,
  kRefused,
  kWrongNumber,
  kCallBackLater,
  kDoNotCall,
};
inline constexpr CallOutcome kAllCallOutcomes[] = {
    CallOutcome::kCompleted, CallOutcome::kNoAnswer,    CallOutcome::kBusy,          CallOutcome::kVoicemail,
    CallOutcome::kRefused,   CallOutcome::kWrongNumber, CallOutcome::kCallBackLater, CallOutcome::kDoNotCall,
};

// Phone calls ring; messages arrive silently, so their quiet hours differ.
inline bool IsCall(Channel channel) { return channel == Channel::kPhone; }

absl::string_view Name(CustomerType type);
absl::string_view Name(Channel channel);
absl::string_view Name(Trigger trigger);
absl::string_view Name(CallOutcome outcome);

}  // namespace satisfaction::scheduler

#endif  // SATISFACTION_SCHEDULER_REVISIT_TYPES_H_
