#include "services/settings/settings_document.h"

#include <google/protobuf/util/field_mask_util.h>
#include <google/protobuf/util/message_differencer.h>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "services/settings/contact_policy_settings.h"
#include "tests/support/backend_test.h"

namespace satisfaction::settings {
namespace {

using google::protobuf::FieldMask;
using google::protobuf::util::FieldMaskUtil;
using google::protobuf::util::MessageDifferencer;

FieldMask Mask(const std::string& paths) {
  FieldMask mask;
  FieldMaskUtil::FromString(paths, &mask);
  return mask;
}

class SettingsDocumentTest : public test_support::MigratedDatabaseTest {
 protected:
  SettingsDocumentTest() : MigratedDatabaseTest(/*pool_size=*/4) {}

  void SetUp() override { MigratedDatabaseTest::SetUp(); }

  absl::Time now_ = absl::FromUnixSeconds(1'800'000'000);
};

TEST_P(SettingsDocumentTest, TheDefaultsApplyUntilAnOperatorSetsThem) {
  ContactPolicyDocument document = MakeContactPolicyDocument(*database_);
  absl::StatusOr<v1::ContactPolicy> policy = document.Get();
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ(policy->etag(), "v0");
  EXPECT_FALSE(policy->has_update_time());
  policy->clear_etag();
  EXPECT_TRUE(MessageDifferencer::Equals(*policy, DefaultContactPolicy())) << policy->DebugString();
}

TEST_P(SettingsDocumentTest, AnUpdateReplacesOnlyTheNamedFields) {
  ContactPolicyDocument document = MakeContactPolicyDocument(*database_);
  v1::ContactPolicy update;
  update.add_holidays("2027-02-17");
  update.mutable_call_windows()->mutable_sunday()->set_start("10:00");
  update.mutable_call_windows()->mutable_sunday()->set_end("18:00");
  // Saturday is named but unset: no calls on Saturdays.
  absl::StatusOr<v1::ContactPolicy> updated =
      document.Update(update, Mask("holidays,call_windows.saturday,call_windows.sunday"), now_);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->etag(), "v1");
  EXPECT_EQ(updated->update_time().seconds(), absl::ToUnixSeconds(now_));
  ASSERT_EQ(updated->holidays_size(), 1);
  EXPECT_FALSE(updated->call_windows().has_saturday());
  EXPECT_EQ(updated->call_windows().sunday().start(), "10:00");
  EXPECT_EQ(updated->call_windows().monday().start(), "09:00");
  EXPECT_TRUE(MessageDifferencer::Equals(updated->message_windows(), DefaultContactPolicy().message_windows()));

  // Another server's document sees the same, with the same etag.
  absl::StatusOr<v1::ContactPolicy> elsewhere = MakeContactPolicyDocument(*database_).Get();
  ASSERT_TRUE(elsewhere.ok()) << elsewhere.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*elsewhere, *updated));
}

TEST_P(SettingsDocumentTest, AnUpdateWithoutAMaskReplacesEverything) {
  ContactPolicyDocument document = MakeContactPolicyDocument(*database_);
  v1::ContactPolicy replacement = DefaultContactPolicy();
  replacement.clear_phone_cap();
  replacement.clear_sms_cap();
  ASSERT_TRUE(document.Update(replacement, FieldMask(), now_).ok());
  absl::StatusOr<v1::ContactPolicy> stored = document.Get();
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_FALSE(stored->has_phone_cap());
  EXPECT_FALSE(stored->has_sms_cap());
  EXPECT_TRUE(stored->has_im_cap());
}

TEST_P(SettingsDocumentTest, AStaleEtagIsRefusedAndChangesNothing) {
  ContactPolicyDocument document = MakeContactPolicyDocument(*database_);
  v1::ContactPolicy first;
  first.add_holidays("2027-01-01");
  first.set_etag("v0");
  ASSERT_TRUE(document.Update(first, Mask("holidays"), now_).ok());
  v1::ContactPolicy second;
  second.add_holidays("2027-05-01");
  second.set_etag("v0");  // read before the first update
  absl::StatusOr<v1::ContactPolicy> refused = document.Update(second, Mask("holidays"), now_);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAborted) << refused.status();
  absl::StatusOr<v1::ContactPolicy> stored = document.Get();
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->etag(), "v1");
  ASSERT_EQ(stored->holidays_size(), 1);
  EXPECT_EQ(stored->holidays(0), "2027-01-01");
}

TEST_P(SettingsDocumentTest, ABadUpdateIsRefusedNamingTheFieldAndChangesNothing) {
  ContactPolicyDocument document = MakeContactPolicyDocument(*database_);
  struct Case {
    v1::ContactPolicy update;
    std::string mask;
    std::string field;
  };
  std::vector<Case> cases(4);
  cases[0] = {{}, "survey_cap", "policy.survey_cap"};  // named but unset: a required cap removed
  cases[1] = {{}, "no_such_field", "update_mask"};
  cases[2] = {{}, "etag", "update_mask"};
  cases[3].update.mutable_call_windows()->mutable_monday()->set_start("late");
  cases[3].mask = "call_windows";
  cases[3].field = "policy.call_windows.monday.start";
  for (const Case& c : cases) {
    absl::StatusOr<v1::ContactPolicy> refused = document.Update(c.update, Mask(c.mask), now_);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << c.mask;
    EXPECT_TRUE(absl::StartsWith(refused.status().message(), c.field + ":")) << refused.status();
  }
  absl::StatusOr<v1::ContactPolicy> stored = document.Get();
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->etag(), "v0");
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(SettingsDocumentTest);

}  // namespace
}  // namespace satisfaction::settings
