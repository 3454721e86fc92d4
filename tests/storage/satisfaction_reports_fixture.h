#ifndef SATISFACTION_TESTS_STORAGE_SATISFACTION_REPORTS_FIXTURE_H_
#define SATISFACTION_TESTS_STORAGE_SATISFACTION_REPORTS_FIXTURE_H_

// A database with the sample questionnaire "post-delivery" (three 5-point
// items) published, and helpers to survey customers and answer it: what the
// satisfaction report tests start from.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "services/analytics/satisfaction_reports.h"
#include "services/customers/customer_store.h"
#include "services/customers/customer_validation.h"
#include "services/invitations/invitations.h"
#include "services/questionnaires/questionnaire_store.h"
#include "services/responses/response_store.h"
#include "services/revisits/revisit_store.h"
#include "services/storage/transaction.h"
#include "tests/support/backend_test.h"
#include "tests/support/sample_questionnaires.h"

namespace satisfaction::analytics {

// The operator's zone, named as the server names it.
inline const absl::TimeZone kShanghai = [] {
  absl::TimeZone zone;
  return absl::LoadTimeZone("Asia/Shanghai", &zone) ? zone : absl::FixedTimeZone(8 * 3600);
}();
// item_0 (overall, weight 2), item_1 and item_2 (logistics, weight 1).
inline const std::map<std::string, double> kWeights = {{"item_0", 2.0}, {"item_1", 1.0}, {"item_2", 1.0}};

class SatisfactionReportsTest : public test_support::MigratedDatabaseTest {
 protected:
  SatisfactionReportsTest() : MigratedDatabaseTest(/*pool_size=*/60) {}

  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    revisits_ = std::make_unique<revisits::RevisitStore>(*database_);
    responses_ = std::make_unique<responses::ResponseStore>(*database_, *revisits_, kShanghai);
    reports_ = std::make_unique<SatisfactionReports>(*database_, kShanghai);
    ASSERT_TRUE(
        questionnaires::QuestionnaireStore(*database_)
            .CreatePublishedFromTemplate("post-delivery", test_support::SampleQuestionnaire("收货", 3), "", start_)
            .ok());
  }

  // A customer of `type` with a survey on `channel`; returns its invitation.
  std::string Survey(v1::CustomerType type, v1::Channel channel, const std::string& serving_agent = "") {
    v1::Customer customer;
    customer.set_external_id(absl::StrCat("customer-", ++customers_));
    customer.set_name("王芳");
    customer.set_phone("+8613800138000");
    customer.set_type_override(type);
    customer.set_serving_agent_id(serving_agent);
    EXPECT_TRUE(customers::NormalizeAndValidateCustomer("customer", customer).ok());
    EXPECT_TRUE(customers::CustomerStore(*database_).Upsert(customer, start_).ok());
    std::string token;
    EXPECT_TRUE(database_
                    ->InTransaction(storage::Access::kWrite,
                                    [&](storage::Transaction& tx) {
                                      soci::session& session = tx.session();
                                      long long customer_id = 0, revisit_id = 0, now_us = absl::ToUnixMicros(start_);
                                      int channel_value = channel;
                                      std::string event = customer.external_id();
                                      session << "SELECT id FROM customers WHERE external_id = :id", soci::use(event),
                                          soci::into(customer_id);
                                      session << "INSERT INTO revisits (customer_id, event_id, rule_id, trigger_kind,"
                                                 " channel, due_at_us, expires_at_us, questionnaire_id, survey,"
                                                 " priority, max_attempts, attempts, reserved_agent_id, state,"
                                                 " created_at_us, updated_at_us, queue) VALUES (:customer, :event,"
                                                 " 'test', 1, :channel, :due, :expires, 'post-delivery', 1, 10, 1, 1,"
                                                 " '', 4, :created, :updated, 'default')",
                                          soci::use(customer_id), soci::use(event), soci::use(channel_value),
                                          soci::use(now_us), soci::use(now_us + 86'400'000'000LL * 60),
                                          soci::use(now_us), soci::use(now_us);
                                      session.get_last_insert_id("revisits", revisit_id);
                                      token = invitations::IssueInvitations(tx, {{.revisit_id = revisit_id}}, channel,
                                                                            now_us, now_us + 86'400'000'000LL * 60)
                                                  .at(0);
                                      return absl::OkStatus();
                                    })
                    .ok());
    return token;
  }

  void Answer(const std::string& token, std::vector<int> scores, absl::Time at, const std::string& comment = "") {
    v1::SubmitResponseRequest request;
    request.set_invitation_token(token);
    if (!comment.empty()) {
      v1::Answer& answer = *request.add_answers();
      answer.set_item_code("comment");
      answer.set_text(comment);
    }
    for (size_t i = 0; i < scores.size(); ++i) {
      v1::Answer& answer = *request.add_answers();
      answer.set_item_code(absl::StrCat("item_", i));
      answer.set_score(scores[i]);
    }
    absl::StatusOr<v1::Response> stored = responses_->Submit(request, at);
    ASSERT_TRUE(stored.ok()) << stored.status();
  }

  v1::GetSatisfactionRequest Request(const std::string& first, const std::string& last,
                                     std::vector<v1::Grouping> group_by) {
    v1::GetSatisfactionRequest request;
    request.set_questionnaire_id("post-delivery");
    request.set_first_day(first);
    request.set_last_day(last);
    for (v1::Grouping grouping : group_by) request.add_group_by(grouping);
    EXPECT_TRUE(ValidateSatisfactionRequest(request).ok());
    return request;
  }

  std::unique_ptr<revisits::RevisitStore> revisits_;
  std::unique_ptr<responses::ResponseStore> responses_;
  std::unique_ptr<SatisfactionReports> reports_;
  int customers_ = 0;
  // Monday 2026-11-23, 10:00 in Shanghai.
  absl::Time start_ = absl::FromCivil(absl::CivilSecond(2026, 11, 23, 10, 0, 0), kShanghai);
};

}  // namespace satisfaction::analytics

#endif  // SATISFACTION_TESTS_STORAGE_SATISFACTION_REPORTS_FIXTURE_H_
