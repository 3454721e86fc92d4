#ifndef SATISFACTION_SERVICES_COMMON_ENUM_BRIDGES_H_
#define SATISFACTION_SERVICES_COMMON_ENUM_BRIDGES_H_

// Every conversion between the API's enums (v1), the scheduler's enums and
// the numbers and bit masks the database stores, spelled out value by value.
// Nothing else converts an enum by arithmetic: a proto enum may gain values
// or a scheduler enum be reordered without stored data changing meaning.
//
// The database stores a v1 enum as its proto number (a wire contract that
// never changes), and sets of customer types and channels as the bit masks
// below, whose bits are fixed here for good.

#include <google/protobuf/descriptor.h>
#include <google/protobuf/generated_enum_reflection.h>

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "satisfaction/v1/agent.pb.h"
#include "satisfaction/v1/callback.pb.h"
#include "satisfaction/v1/common.pb.h"
#include "satisfaction/v1/customer.pb.h"
#include "satisfaction/v1/revisit_policy.pb.h"
#include "scheduler/agent_assignment.h"
#include "scheduler/revisit_types.h"

namespace satisfaction {

// The scheduler's value of a v1 value; nothing for UNSPECIFIED and for
// numbers this build does not know.
std::optional<scheduler::CustomerType> ToScheduler(v1::CustomerType type);
std::optional<scheduler::Channel> ToScheduler(v1::Channel channel);
std::optional<scheduler::Trigger> ToScheduler(v1::Trigger trigger);
std::optional<scheduler::CallOutcome> ToScheduler(v1::CallOutcome outcome);
std::optional<scheduler::AssignmentStrategy> ToScheduler(v1::AssignmentStrategy strategy);

// The v1 value of a scheduler value.
v1::CustomerType ToV1(scheduler::CustomerType type);
v1::Channel ToV1(scheduler::Channel channel);
v1::Trigger ToV1(scheduler::Trigger trigger);
v1::CallOutcome ToV1(scheduler::CallOutcome outcome);
v1::AssignmentStrategy ToV1(scheduler::AssignmentStrategy strategy);

// The value of a v1 enum whose number was stored (in a column, or in a
// repeated enum field, which holds ints); nothing for a number this build
// does not know (a newer build's, or damage).
template <typename ProtoEnum>
std::optional<ProtoEnum> ProtoEnumOf(int number) {
  if (google::protobuf::GetEnumDescriptor<ProtoEnum>()->FindValueByNumber(number) == nullptr) return std::nullopt;
  return static_cast<ProtoEnum>(number);
}

// The same, for a reply or a switch: a number this build does not know
// reads as UNSPECIFIED, never as a value no switch handles.
template <typename ProtoEnum>
ProtoEnum ProtoEnumOrUnspecified(int number) {
  return ProtoEnumOf<ProtoEnum>(number).value_or(ProtoEnum{});
}

// The bit of a customer type in revisit_rules.customer_type_mask; 0 for
// UNSPECIFIED and unknown values.
int CustomerTypeMaskBit(v1::CustomerType type);

// An SQL expression with CustomerTypeMaskBit's value for the stored customer
// type in `column` (e.g. "c.effective_type"): a CASE, not arithmetic.
std::string CustomerTypeMaskBitSql(absl::string_view column);

// The bit of a channel in customers.consent_mask and opt_out_mask; 0 for
// UNSPECIFIED and unknown values.
int ChannelMaskBit(v1::Channel channel);

// The stored mask of a set of channels, and back.
int ChannelMask(const v1::ChannelFlags& flags);
v1::ChannelFlags ChannelFlagsOf(int mask);

}  // namespace satisfaction

#endif  // SATISFACTION_SERVICES_COMMON_ENUM_BRIDGES_H_
