#include "services/common/enum_bridges.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "satisfaction/v1/access.pb.h"
#include "satisfaction/v1/revisit.pb.h"
#include "soci/soci.h"
#include "soci/sqlite3/soci-sqlite3.h"

namespace satisfaction {
namespace {

// Every number a v1 enum declares, UNSPECIFIED included.
template <typename ProtoEnum>
std::vector<ProtoEnum> AllV1Values() {
  std::vector<ProtoEnum> values;
  const google::protobuf::EnumDescriptor& descriptor = *google::protobuf::GetEnumDescriptor<ProtoEnum>();
  for (int i = 0; i < descriptor.value_count(); ++i) {
    values.push_back(*ProtoEnumOf<ProtoEnum>(descriptor.value(i)->number()));
  }
  return values;
}

// Every v1 value but UNSPECIFIED maps to a scheduler value and back, every
// scheduler value is reached exactly once, and UNSPECIFIED maps to nothing.
template <typename ProtoEnum, typename SchedulerEnum, size_t kCount>
void ExpectRoundTrips(const SchedulerEnum (&all)[kCount]) {
  std::set<SchedulerEnum> reached;
  for (ProtoEnum value : AllV1Values<ProtoEnum>()) {
    std::optional<SchedulerEnum> converted = ToScheduler(value);
    if (value == ProtoEnum{}) {
      EXPECT_FALSE(converted.has_value()) << "UNSPECIFIED";
      continue;
    }
    ASSERT_TRUE(converted.has_value()) << value;
    EXPECT_EQ(ToV1(*converted), value);
    EXPECT_TRUE(reached.insert(*converted).second) << value << " maps to a value another one maps to";
  }
  EXPECT_EQ(reached.size(), kCount);
  for (SchedulerEnum value : all) {
    std::optional<SchedulerEnum> back = ToScheduler(ToV1(value));
    ASSERT_TRUE(back.has_value()) << scheduler::Name(value);
    EXPECT_EQ(*back, value) << scheduler::Name(value);
  }
  // A number no build has written maps to nothing rather than to a guess.
  EXPECT_FALSE(ToScheduler(static_cast<ProtoEnum>(97)).has_value());
  EXPECT_FALSE(ToScheduler(static_cast<ProtoEnum>(-1)).has_value());
}

TEST(EnumBridgesTest, EveryCustomerTypeRoundTrips) { ExpectRoundTrips<v1::CustomerType>(scheduler::kAllCustomerTypes); }

TEST(EnumBridgesTest, EveryChannelRoundTrips) { ExpectRoundTrips<v1::Channel>(scheduler::kAllChannels); }

TEST(EnumBridgesTest, EveryAssignmentStrategyRoundTrips) {
  ExpectRoundTrips<v1::AssignmentStrategy>(scheduler::kAllAssignmentStrategies);
}

TEST(EnumBridgesTest, EveryTriggerRoundTrips) { ExpectRoundTrips<v1::Trigger>(scheduler::kAllTriggers); }

TEST(EnumBridgesTest, EveryCallOutcomeRoundTrips) { ExpectRoundTrips<v1::CallOutcome>(scheduler::kAllCallOutcomes); }

TEST(EnumBridgesTest, PairsMatchByName) {
  // The two sides name their values alike: a mapping that swapped two would show here.
  for (scheduler::CustomerType type : scheduler::kAllCustomerTypes) {
    EXPECT_EQ(v1::CustomerType_Name(ToV1(type)),
              absl::AsciiStrToUpper(absl::StrCat("CUSTOMER_TYPE_", scheduler::Name(type))));
  }
  for (scheduler::Channel channel : scheduler::kAllChannels) {
    EXPECT_EQ(v1::Channel_Name(ToV1(channel)),
              absl::AsciiStrToUpper(absl::StrCat("CHANNEL_", scheduler::Name(channel))));
  }
  for (scheduler::Trigger trigger : scheduler::kAllTriggers) {
    EXPECT_EQ(v1::Trigger_Name(ToV1(trigger)),
              absl::AsciiStrToUpper(absl::StrCat("TRIGGER_", scheduler::Name(trigger))));
  }
  for (scheduler::CallOutcome outcome : scheduler::kAllCallOutcomes) {
    EXPECT_EQ(v1::CallOutcome_Name(ToV1(outcome)),
              absl::AsciiStrToUpper(absl::StrCat("CALL_OUTCOME_", scheduler::Name(outcome))));
  }
}

TEST(EnumBridgesTest, StoredNumbersAreTheProtoNumbers) {
  for (v1::Channel channel : AllV1Values<v1::Channel>()) {
    EXPECT_EQ(ProtoEnumOf<v1::Channel>(static_cast<int>(channel)), channel);
    EXPECT_EQ(ProtoEnumOrUnspecified<v1::Channel>(static_cast<int>(channel)), channel);
  }
  EXPECT_EQ(ProtoEnumOf<v1::Channel>(5), std::nullopt);
  EXPECT_EQ(ProtoEnumOf<v1::Channel>(-1), std::nullopt);
  EXPECT_EQ(ProtoEnumOrUnspecified<v1::Channel>(5), v1::CHANNEL_UNSPECIFIED);
  EXPECT_EQ(ProtoEnumOrUnspecified<v1::RevisitState>(99), v1::REVISIT_STATE_UNSPECIFIED);
  EXPECT_EQ(ProtoEnumOrUnspecified<v1::RevisitState>(6), v1::REVISIT_STATE_STOPPED);
  EXPECT_EQ(ProtoEnumOrUnspecified<v1::Role>(5), v1::ROLE_ANALYST);
}

TEST(EnumBridgesTest, CustomerTypeBitsAreTheStoredOnes) {
  // The numbers in every revisit_rules.customer_type_mask written so far.
  EXPECT_EQ(CustomerTypeMaskBit(v1::CUSTOMER_TYPE_UNSPECIFIED), 0);
  EXPECT_EQ(CustomerTypeMaskBit(v1::CUSTOMER_TYPE_NEW), 1);
  EXPECT_EQ(CustomerTypeMaskBit(v1::CUSTOMER_TYPE_ACTIVE), 2);
  EXPECT_EQ(CustomerTypeMaskBit(v1::CUSTOMER_TYPE_DORMANT), 4);
  EXPECT_EQ(CustomerTypeMaskBit(v1::CUSTOMER_TYPE_CHURNED), 8);
  EXPECT_EQ(CustomerTypeMaskBit(v1::CUSTOMER_TYPE_LOYAL), 16);
  EXPECT_EQ(CustomerTypeMaskBit(static_cast<v1::CustomerType>(6)), 0);
  int seen = 0;
  for (v1::CustomerType type : AllV1Values<v1::CustomerType>()) {
    int bit = CustomerTypeMaskBit(type);
    if (type == v1::CUSTOMER_TYPE_UNSPECIFIED) continue;
    EXPECT_TRUE(bit > 0 && (bit & (bit - 1)) == 0) << v1::CustomerType_Name(type) << " has no single bit";
    EXPECT_EQ(seen & bit, 0) << v1::CustomerType_Name(type) << " shares a bit";
    seen |= bit;
  }
}

TEST(EnumBridgesTest, ChannelBitsAreTheStoredOnes) {
  // The numbers in every customers.consent_mask and opt_out_mask written so far.
  EXPECT_EQ(ChannelMaskBit(v1::CHANNEL_UNSPECIFIED), 0);
  EXPECT_EQ(ChannelMaskBit(v1::CHANNEL_PHONE), 1);
  EXPECT_EQ(ChannelMaskBit(v1::CHANNEL_SMS), 2);
  EXPECT_EQ(ChannelMaskBit(v1::CHANNEL_IM), 4);
  EXPECT_EQ(ChannelMaskBit(v1::CHANNEL_EMAIL), 8);
  EXPECT_EQ(ChannelMaskBit(static_cast<v1::Channel>(5)), 0);
  int seen = 0;
  for (v1::Channel channel : AllV1Values<v1::Channel>()) {
    int bit = ChannelMaskBit(channel);
    if (channel == v1::CHANNEL_UNSPECIFIED) continue;
    EXPECT_TRUE(bit > 0 && (bit & (bit - 1)) == 0) << v1::Channel_Name(channel) << " has no single bit";
    EXPECT_EQ(seen & bit, 0) << v1::Channel_Name(channel) << " shares a bit";
    seen |= bit;
  }
}

TEST(EnumBridgesTest, ChannelFlagsRoundTripThroughEveryMask) {
  for (int mask = 0; mask < 16; ++mask) {
    v1::ChannelFlags flags = ChannelFlagsOf(mask);
    EXPECT_EQ(ChannelMask(flags), mask);
    EXPECT_EQ(flags.phone(), (mask & ChannelMaskBit(v1::CHANNEL_PHONE)) != 0) << mask;
    EXPECT_EQ(flags.sms(), (mask & ChannelMaskBit(v1::CHANNEL_SMS)) != 0) << mask;
    EXPECT_EQ(flags.im(), (mask & ChannelMaskBit(v1::CHANNEL_IM)) != 0) << mask;
    EXPECT_EQ(flags.email(), (mask & ChannelMaskBit(v1::CHANNEL_EMAIL)) != 0) << mask;
  }
  v1::ChannelFlags sms_only;
  sms_only.set_sms(true);
  EXPECT_EQ(ChannelMask(sms_only), 2);
}

TEST(EnumBridgesTest, CustomerTypeBitSqlAgreesWithTheFunction) {
  EXPECT_EQ(CustomerTypeMaskBitSql("c.effective_type"),
            "CASE c.effective_type WHEN 1 THEN 1 WHEN 2 THEN 2 WHEN 3 THEN 4 WHEN 4 THEN 8 WHEN 5 THEN 16 ELSE 0 END");
  soci::session session(*soci::factory_sqlite3(), ":memory:");
  // Every declared number, and some no build has written.
  std::vector<int> numbers = {-1, 6, 31, 32, 64};
  for (v1::CustomerType type : AllV1Values<v1::CustomerType>()) numbers.push_back(type);
  for (int number : numbers) {
    int bit = -1;
    session << absl::StrCat("SELECT ", CustomerTypeMaskBitSql("t.type"), " FROM (SELECT :n AS type) t"),
        soci::use(number), soci::into(bit);
    EXPECT_EQ(bit, CustomerTypeMaskBit(static_cast<v1::CustomerType>(number))) << number;
  }
}

}  // namespace
}  // namespace satisfaction
