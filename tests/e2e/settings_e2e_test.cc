// The operator settings end to end, on each backend: the contact policy
// (RevisitPolicyService) and the classification settings (CustomerService).
#include <google/protobuf/util/field_mask_util.h>
#include <grpcpp/grpcpp.h>

#include "gtest/gtest.h"
#include "satisfaction/v1/customer.grpc.pb.h"
#include "satisfaction/v1/revisit_policy.grpc.pb.h"
#include "tests/e2e/e2e_fixture.h"

namespace satisfaction {
namespace {

using google::protobuf::util::FieldMaskUtil;
using test_support::Context;
using test_support::ExpectError;

class SettingsE2eTest : public test_support::E2eTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(E2eTest::SetUp());
    policies_ = v1::RevisitPolicyService::NewStub(channel());
    customers_ = v1::CustomerService::NewStub(channel());
  }

  grpc::Status UpdatePolicy(const v1::ContactPolicy& policy, const std::string& mask, v1::ContactPolicy* out) {
    v1::UpdateContactPolicyRequest request;
    *request.mutable_policy() = policy;
    FieldMaskUtil::FromString(mask, request.mutable_update_mask());
    return policies_->UpdateContactPolicy(Context().get(), request, out);
  }

  grpc::Status UpdateClassification(const v1::ClassificationSettings& settings, const std::string& mask,
                                    v1::ClassificationSettings* out) {
    v1::UpdateClassificationSettingsRequest request;
    *request.mutable_settings() = settings;
    FieldMaskUtil::FromString(mask, request.mutable_update_mask());
    return customers_->UpdateClassificationSettings(Context().get(), request, out);
  }

  std::unique_ptr<v1::RevisitPolicyService::Stub> policies_;
  std::unique_ptr<v1::CustomerService::Stub> customers_;
};

TEST_P(SettingsE2eTest, TheContactPolicyIsReadAndChanged) {
  v1::ContactPolicy defaults;
  ASSERT_TRUE(policies_->GetContactPolicy(Context().get(), {}, &defaults).ok());
  EXPECT_EQ(defaults.call_windows().monday().start(), "09:00");
  EXPECT_EQ(defaults.message_windows().sunday().end(), "21:00");
  EXPECT_EQ(defaults.survey_cap().max_contacts(), 1);
  EXPECT_EQ(defaults.survey_cap().period().seconds(), 7 * 86400);

  v1::ContactPolicy change;
  change.add_holidays("2027-02-17");
  change.set_etag(defaults.etag());
  v1::ContactPolicy changed;
  grpc::Status status = UpdatePolicy(change, "holidays,call_windows.sunday", &changed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(changed.holidays_size(), 1);
  EXPECT_FALSE(changed.call_windows().has_sunday()) << "no calls on Sundays";
  EXPECT_TRUE(changed.message_windows().has_sunday());
  EXPECT_NE(changed.etag(), defaults.etag());
  EXPECT_TRUE(changed.has_update_time());

  v1::ContactPolicy read;
  ASSERT_TRUE(policies_->GetContactPolicy(Context().get(), {}, &read).ok());
  EXPECT_EQ(read.SerializeAsString(), changed.SerializeAsString());
}

TEST_P(SettingsE2eTest, BadContactPoliciesAreRefusedAndChangeNothing) {
  v1::ContactPolicy before;
  ASSERT_TRUE(policies_->GetContactPolicy(Context().get(), {}, &before).ok());
  v1::ContactPolicy out;

  v1::UpdateContactPolicyRequest empty;
  ExpectError(policies_->UpdateContactPolicy(Context().get(), empty, &out), grpc::StatusCode::INVALID_ARGUMENT,
              "policy:");
  ExpectError(UpdatePolicy({}, "weekends", &out), grpc::StatusCode::INVALID_ARGUMENT, "update_mask:");
  ExpectError(UpdatePolicy({}, "survey_cap", &out), grpc::StatusCode::INVALID_ARGUMENT, "policy.survey_cap:");
  ExpectError(UpdatePolicy({}, "", &out), grpc::StatusCode::INVALID_ARGUMENT, "policy.call_windows:");
  v1::ContactPolicy bad = before;
  bad.mutable_call_windows()->mutable_friday()->set_end("08:00");
  ExpectError(UpdatePolicy(bad, "call_windows", &out), grpc::StatusCode::INVALID_ARGUMENT,
              "policy.call_windows.friday:");
  bad = before;
  bad.add_holidays("2027-13-01");
  ExpectError(UpdatePolicy(bad, "holidays", &out), grpc::StatusCode::INVALID_ARGUMENT, "policy.holidays[0]:");
  bad = before;
  bad.mutable_phone_cap()->set_max_contacts(1000);
  ExpectError(UpdatePolicy(bad, "phone_cap", &out), grpc::StatusCode::INVALID_ARGUMENT,
              "policy.phone_cap.max_contacts:");
  bad = before;
  bad.set_etag("v99");
  ExpectError(UpdatePolicy(bad, "", &out), grpc::StatusCode::ABORTED);

  v1::ContactPolicy after;
  ASSERT_TRUE(policies_->GetContactPolicy(Context().get(), {}, &after).ok());
  EXPECT_EQ(after.SerializeAsString(), before.SerializeAsString()) << "nothing was written";
}

TEST_P(SettingsE2eTest, ClassificationSettingsApplyToTheNextOrder) {
  v1::ClassificationSettings defaults;
  ASSERT_TRUE(customers_->GetClassificationSettings(Context().get(), {}, &defaults).ok());
  EXPECT_EQ(defaults.loyal_min_orders(), 6);
  EXPECT_EQ(defaults.rfm().frequency_size(), 4);

  // Loyal from the first order of 500 yuan.
  v1::ClassificationSettings change;
  change.set_loyal_min_orders(1);
  change.mutable_loyal_min_tenure()->set_seconds(0);
  change.set_loyal_min_amount_minor(50000);
  v1::ClassificationSettings changed;
  grpc::Status status =
      UpdateClassification(change, "loyal_min_orders,loyal_min_tenure,loyal_min_amount_minor", &changed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(changed.loyal_min_orders(), 1);
  EXPECT_EQ(changed.dormant_after().seconds(), defaults.dormant_after().seconds());

  v1::UpsertCustomerRequest upsert;
  upsert.mutable_customer()->set_external_id("c1");
  upsert.mutable_customer()->set_phone("+8613912345678");
  v1::UpsertCustomerResponse upserted;
  ASSERT_TRUE(customers_->UpsertCustomer(Context().get(), upsert, &upserted).ok());
  v1::RecordOrderRequest order;
  order.mutable_order()->set_order_id("o1");
  order.mutable_order()->set_customer_external_id("c1");
  order.mutable_order()->set_amount_minor(60000);
  order.mutable_order()->mutable_order_time()->set_seconds(absl::ToUnixSeconds(absl::Now()) - 3600);
  order.mutable_order()->set_status(v1::ORDER_STATUS_DELIVERED);
  v1::RecordOrderResponse recorded;
  status = customers_->RecordOrder(Context().get(), order, &recorded);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(recorded.customer().type(), v1::CUSTOMER_TYPE_LOYAL);
}

TEST_P(SettingsE2eTest, BadClassificationSettingsAreRefusedAndChangeNothing) {
  v1::ClassificationSettings before;
  ASSERT_TRUE(customers_->GetClassificationSettings(Context().get(), {}, &before).ok());
  v1::ClassificationSettings out;

  v1::UpdateClassificationSettingsRequest empty;
  ExpectError(customers_->UpdateClassificationSettings(Context().get(), empty, &out),
              grpc::StatusCode::INVALID_ARGUMENT, "settings:");
  v1::ClassificationSettings bad = before;
  bad.mutable_churned_after()->set_seconds(30 * 86400);
  ExpectError(UpdateClassification(bad, "churned_after", &out), grpc::StatusCode::INVALID_ARGUMENT,
              "settings.churned_after:");
  bad = before;
  bad.mutable_rfm()->set_frequency(3, 1);
  ExpectError(UpdateClassification(bad, "rfm", &out), grpc::StatusCode::INVALID_ARGUMENT, "settings.rfm.frequency[3]:");
  ExpectError(UpdateClassification(before, "rfm.colour", &out), grpc::StatusCode::INVALID_ARGUMENT, "update_mask:");
  ExpectError(UpdateClassification(before, "update_time", &out), grpc::StatusCode::INVALID_ARGUMENT, "update_mask:");
  bad = before;
  bad.set_etag("stale");
  ExpectError(UpdateClassification(bad, "", &out), grpc::StatusCode::ABORTED);

  v1::ClassificationSettings after;
  ASSERT_TRUE(customers_->GetClassificationSettings(Context().get(), {}, &after).ok());
  EXPECT_EQ(after.SerializeAsString(), before.SerializeAsString()) << "nothing was written";
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(SettingsE2eTest);

}  // namespace
}  // namespace satisfaction
