// The funnel's kept counts (revisit_funnel_rollups and revisits.reached) on
// each backend: migration 24 fills them from what was stored before it, and
// a report whose days are not whole quarter-hours counts revisit by revisit.
// (Writers keeping them as revisits are planned, reached and answered:
// tests/e2e/funnel_e2e_test.cc and galera_responses_e2e_test.cc.)
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "services/analytics/response_funnel.h"
#include "services/customers/customer_store.h"
#include "services/customers/customer_validation.h"
#include "services/questionnaires/questionnaire_store.h"
#include "services/storage/database.h"
#include "services/storage/migrations.h"
#include "tests/support/backend_test.h"
#include "tests/support/sample_questionnaires.h"
#include "tests/support/test_database.h"

namespace satisfaction::analytics {
namespace {

// Monday 2026-11-23, 10:00 in Shanghai.
const absl::TimeZone kShanghai = absl::FixedTimeZone(8 * 3600);
const absl::Time kStart = absl::FromCivil(absl::CivilSecond(2026, 11, 23, 10, 0, 0), kShanghai);

class FunnelCountsTest : public test_support::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    absl::StatusOr<std::unique_ptr<storage::Database>> database =
        storage::Database::Connect({.url = test_database_->url(), .pool_size = 2});
    ASSERT_TRUE(database.ok()) << database.status();
    database_ = std::move(*database);
  }

  void Run(const std::string& sql) { ASSERT_TRUE(test_support::ExecuteSql(*database_, sql).ok()) << sql; }

  // A survey revisit (or a care call without one) of a new customer, planned
  // `hours` after kStart; returns the customer's number, which is also the
  // revisit's id (each customer has one).
  int Revisit(double hours, bool survey = true) {
    int number = ++revisits_;
    v1::Customer customer;
    customer.set_external_id(absl::StrCat("customer-", number));
    customer.set_phone("+8613800138000");
    EXPECT_TRUE(customers::NormalizeAndValidateCustomer("customer", customer).ok());
    EXPECT_TRUE(customers::CustomerStore(*database_).Upsert(customer, kStart).ok());
    long long created_us = absl::ToUnixMicros(kStart + absl::Hours(hours));
    Run(
        absl::StrCat("INSERT INTO revisits (id, customer_id, event_id, rule_id, trigger_kind, channel, due_at_us,"
                     " expires_at_us, questionnaire_id, survey, priority, max_attempts, attempts, reserved_agent_id,"
                     " state, created_at_us, updated_at_us, queue) SELECT ",
                     number, ", id, 'event-", number, "', 'test', 1, 2, 0, 0, '", survey ? "post-delivery" : "", "', ",
                     survey ? 1 : 0, ", 10, 3, 1, '', 4, ", created_us, ", ", created_us,
                     ", 'default' FROM customers WHERE external_id = 'customer-", number, "'"));
    return number;
  }

  void Respond(int revisit) {
    Run(
        absl::StrCat("INSERT INTO responses (revisit_id, customer_id, questionnaire_id, questionnaire_version,"
                     " customer_type, channel, agent_id, submitted_at_us, report_day) SELECT id, customer_id,"
                     " 'post-delivery', 1, 1, 2, '', created_at_us, 20261123 FROM revisits WHERE id = ",
                     revisit));
  }

  void Call(int revisit, int number, v1::CallOutcome outcome) {
    Run(
        absl::StrCat("INSERT INTO call_attempts (revisit_id, number, outcome, agent_id, notes, lease_token_hash,"
                     " reported_at_us) VALUES (",
                     revisit, ", ", number, ", ", outcome, ", 'agent-li', '', 'lease-", number, "', 0)"));
  }

  void Deliver(int revisit, int number, v1::DeliveryOutcome outcome) {
    Run(
        absl::StrCat("INSERT INTO message_attempts (revisit_id, number, channel, outcome, provider_message_id,"
                     " error_text, lease_token_hash, reported_at_us) VALUES (",
                     revisit, ", ", number, ", 2, ", outcome, ", '', '', 'lease-", number, "', 0)"));
  }

  // GetResponseFunnel's answer for 2026-11-23 and 24 in `zone`.
  v1::GetResponseFunnelResponse Funnel(bool totals_only, absl::TimeZone zone = kShanghai) {
    v1::GetResponseFunnelRequest request;
    request.set_first_day("2026-11-23");
    request.set_last_day("2026-11-24");
    request.set_questionnaire_id("post-delivery");
    request.set_totals_only(totals_only);
    EXPECT_TRUE(ValidateFunnelRequest(request).ok());
    absl::StatusOr<v1::GetResponseFunnelResponse> funnel = ResponseFunnel(*database_, zone).Get(request);
    EXPECT_TRUE(funnel.ok()) << funnel.status();
    return funnel.ok() ? *funnel : v1::GetResponseFunnelResponse();
  }

  std::unique_ptr<storage::Database> database_;
  int revisits_ = 0;
};

TEST_P(FunnelCountsTest, TheMigrationCountsWhatWasStoredBeforeIt) {
  ASSERT_TRUE(storage::ApplyMigrations(*database_, storage::SchemaMigrations().first(23)).ok());
  ASSERT_TRUE(
      questionnaires::QuestionnaireStore(*database_)
          .CreatePublishedFromTemplate("post-delivery", test_support::SampleQuestionnaire("收货", 3), "", kStart)
          .ok());
  // Reached: an answer (also delivered twice); a call picked up after one
  // that was not; a delivery; each kind of call picked up.
  int answered = Revisit(0);
  Respond(answered);
  Deliver(answered, 1, v1::DELIVERY_OUTCOME_DELIVERED);
  Deliver(answered, 2, v1::DELIVERY_OUTCOME_DELIVERED);
  int called = Revisit(0.2);
  Call(called, 1, v1::CALL_OUTCOME_NO_ANSWER);
  Call(called, 2, v1::CALL_OUTCOME_COMPLETED);
  Deliver(Revisit(3.5), 1, v1::DELIVERY_OUTCOME_DELIVERED);
  for (v1::CallOutcome outcome :
       {v1::CALL_OUTCOME_REFUSED, v1::CALL_OUTCOME_CALL_BACK_LATER, v1::CALL_OUTCOME_DO_NOT_CALL}) {
    Call(Revisit(20), 1, outcome);
  }
  // Not reached: no attempt; each kind of call not picked up; deliveries
  // that failed or were rejected.
  Revisit(1);
  for (v1::CallOutcome outcome :
       {v1::CALL_OUTCOME_NO_ANSWER, v1::CALL_OUTCOME_BUSY, v1::CALL_OUTCOME_VOICEMAIL, v1::CALL_OUTCOME_WRONG_NUMBER}) {
    Call(Revisit(30), 1, outcome);
  }
  Deliver(Revisit(37), 1, v1::DELIVERY_OUTCOME_FAILED);
  Deliver(Revisit(37), 1, v1::DELIVERY_OUTCOME_REJECTED);
  // Outside the two days, and a care call without a survey: reached but not
  // in the funnel.
  Respond(Revisit(-11));
  Respond(Revisit(48));
  Call(Revisit(5, /*survey=*/false), 1, v1::CALL_OUTCOME_COMPLETED);

  ASSERT_TRUE(storage::ApplyMigrations(*database_, storage::SchemaMigrations()).ok());
  auto expect_counted = [&] {
    EXPECT_EQ(test_support::QueryNumber(*database_, "SELECT COUNT(*) FROM revisits WHERE reached = 1"), 9);
    v1::GetResponseFunnelResponse kept = Funnel(/*totals_only=*/true), counted = Funnel(/*totals_only=*/false);
    EXPECT_EQ(kept.total().planned(), 13);
    EXPECT_EQ(kept.total().contacted(), 6);
    EXPECT_EQ(kept.total().responded(), 1);
    EXPECT_EQ(kept.total().SerializeAsString(), counted.total().SerializeAsString())
        << "kept: " << kept.total().ShortDebugString() << "\ncounted: " << counted.total().ShortDebugString();
  };
  expect_counted();
  EXPECT_EQ(test_support::QueryNumber(*database_, "SELECT COUNT(*) FROM revisit_funnel_rollups WHERE slot <> 0"), 0);
  // MariaDB commits each statement by itself: after a crash part way, the
  // step runs again and counts the same.
  if (GetParam() == test_support::TestBackend::kMariaDb) {
    for (absl::string_view statement : storage::SchemaMigrations()[23].mysql_statements) {
      ASSERT_TRUE(test_support::ExecuteSql(*database_, std::string(statement)).ok()) << statement;
    }
    expect_counted();
  }
}

TEST_P(FunnelCountsTest, DaysThatAreNotWholeQuarterHoursAreCountedRevisitByRevisit) {
  ASSERT_TRUE(storage::ApplyMigrations(*database_, storage::SchemaMigrations()).ok());
  ASSERT_TRUE(
      questionnaires::QuestionnaireStore(*database_)
          .CreatePublishedFromTemplate("post-delivery", test_support::SampleQuestionnaire("收货", 3), "", kStart)
          .ok());
  // Planned in the first and last minutes of the two days in a zone 7
  // minutes off Shanghai: the quarter-hours that hold them are only partly
  // inside, so the kept counts cannot say which side each is on.
  absl::TimeZone odd = absl::FixedTimeZone(8 * 3600 + 7 * 60);
  absl::Time midnight = absl::FromCivil(absl::CivilDay(2026, 11, 23), odd);
  double offset = absl::ToDoubleHours(midnight - kStart);
  Respond(Revisit(offset + 0.01));  // inside: just after the first midnight
  Respond(Revisit(offset - 0.01));  // outside: just before it
  Revisit(offset + 48 - 0.01);      // inside: just before the last midnight
  Revisit(offset + 48 + 0.01);      // outside: just after it

  v1::GetResponseFunnelResponse kept = Funnel(/*totals_only=*/true, odd);
  EXPECT_EQ(kept.rows_size(), 0);
  EXPECT_EQ(kept.total().planned(), 2);
  EXPECT_EQ(kept.total().responded(), 1);
  EXPECT_EQ(kept.total().SerializeAsString(), Funnel(/*totals_only=*/false, odd).total().SerializeAsString());
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(FunnelCountsTest);

}  // namespace
}  // namespace satisfaction::analytics
