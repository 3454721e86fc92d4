#include "services/messages/outbox_store.h"

#include <google/protobuf/util/time_util.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/common/secrets.h"
#include "services/customers/customer_store.h"
#include "services/customers/customer_validation.h"
#include "services/questionnaires/questionnaire_store.h"
#include "services/responses/response_store.h"
#include "services/revisits/revisit_rule_store.h"
#include "services/revisits/revisit_rule_validation.h"
#include "services/revisits/revisit_store.h"
#include "services/storage/transaction.h"
#include "tests/support/backend_test.h"
#include "tests/support/sample_questionnaires.h"
#include "tests/support/test_database.h"

namespace satisfaction::messages {
namespace {

using google::protobuf::util::TimeUtil;
using test_support::TestBackend;

const absl::TimeZone kShanghai = absl::FixedTimeZone(8 * 3600);
constexpr char kPublicUrl[] = "https://survey.example.cn";

long long IdOf(const std::string& id) {
  long long value = 0;
  EXPECT_TRUE(absl::SimpleAtoi(id, &value)) << id;
  return value;
}

struct CustomerSpec {
  std::string language;
  bool email = true, im = false, phone_consent = false;
};

class OutboxStoreTest : public test_support::MigratedDatabaseTest {
 protected:
  OutboxStoreTest() : MigratedDatabaseTest(/*pool_size=*/12) {}

  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    absl::StatusOr<MessageTemplates> templates =
        MessageTemplates::Load(std::filesystem::path(test_support::RepoRoot()) / "templates" / "messages");
    ASSERT_TRUE(templates.ok()) << templates.status();
    templates_ = std::make_unique<MessageTemplates>(*std::move(templates));
    store_ = std::make_unique<OutboxStore>(*database_, templates_.get(), kPublicUrl);
    revisits_ = std::make_unique<revisits::RevisitStore>(*database_);
    ASSERT_TRUE(questionnaires::QuestionnaireStore(*database_)
                    .CreatePublishedFromTemplate("post-delivery", test_support::SampleQuestionnaire(), "", now_)
                    .ok());
    // A survey by SMS, then by email; a care message by SMS, then IM, then phone.
    AddRule("delivery-survey", v1::TRIGGER_ORDER_DELIVERED, {v1::CHANNEL_SMS, v1::CHANNEL_EMAIL}, "post-delivery", 10);
    AddRule("complaint-care", v1::TRIGGER_COMPLAINT_CLOSED, {v1::CHANNEL_SMS, v1::CHANNEL_IM, v1::CHANNEL_PHONE}, "",
            50);
  }

  void AddRule(const std::string& id, v1::Trigger trigger, const std::vector<v1::Channel>& channels,
               const std::string& questionnaire, int priority) {
    v1::RevisitRule rule;
    rule.set_id(id);
    rule.add_customer_types(v1::CUSTOMER_TYPE_NEW);
    rule.set_trigger(trigger);
    for (v1::Channel channel : channels) rule.add_channels(channel);
    rule.set_questionnaire_id(questionnaire);
    rule.set_priority(priority);
    ASSERT_TRUE(revisits::NormalizeAndValidateRule("rule", rule).ok());
    ASSERT_TRUE(revisits::RevisitRuleStore(*database_).Create(rule, now_).ok());
  }

  // A customer and one message revisit for an event of it at `at`; returns the revisit's id.
  long long AddMessage(const std::string& customer, v1::Trigger trigger, absl::Time at, CustomerSpec spec = {}) {
    v1::Customer c;
    c.set_external_id(customer);
    c.set_name("王芳");
    c.set_phone("+8613800138000");
    if (spec.email) c.set_email(customer + "@example.cn");
    if (spec.im) c.set_im_handle("wx_" + customer);
    c.set_time_zone("Asia/Shanghai");
    c.set_language(spec.language);
    c.mutable_consent()->set_sms(true);
    c.mutable_consent()->set_email(spec.email);
    c.mutable_consent()->set_im(spec.im);
    c.mutable_consent()->set_phone(spec.phone_consent);
    EXPECT_TRUE(customers::NormalizeAndValidateCustomer("customer", c).ok());
    EXPECT_TRUE(customers::CustomerStore(*database_).Upsert(c, at).ok());
    v1::Event event;
    event.set_event_id(absl::StrCat("event-", customer, "-", trigger));
    event.set_customer_external_id(customer);
    event.set_trigger(trigger);
    event.set_order_id(trigger == v1::TRIGGER_ORDER_DELIVERED ? "TB-" + customer : "");
    *event.mutable_occur_time() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(at));
    absl::StatusOr<revisits::RevisitStore::EventResult> result = revisits_->RecordEvent(event, at);
    EXPECT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->revisits.size(), 1u);
    return result->revisits.empty() ? 0 : IdOf(result->revisits.at(0).id());
  }

  std::vector<v1::OutboxMessage> Fetch(v1::Channel channel, int count, absl::Time at) {
    absl::StatusOr<std::vector<v1::OutboxMessage>> messages = store_->Fetch(channel, count, absl::Minutes(5), at);
    EXPECT_TRUE(messages.ok()) << messages.status();
    return messages.ok() ? *messages : std::vector<v1::OutboxMessage>{};
  }

  absl::StatusOr<v1::ReportDeliveryResponse> Report(const v1::OutboxMessage& message, v1::DeliveryOutcome outcome,
                                                    absl::Time at, const std::string& token = "") {
    v1::ReportDeliveryRequest request;
    request.set_message_id(message.id());
    request.set_lease_token(token.empty() ? message.lease_token() : token);
    request.set_outcome(outcome);
    request.set_provider_message_id("carrier-" + message.id());
    return store_->ReportDelivery(request, IdOf(message.id()), at);
  }

  long long Count(const std::string& sql) { return test_support::QueryNumber(*database_, sql); }

  std::unique_ptr<MessageTemplates> templates_;
  std::unique_ptr<OutboxStore> store_;
  std::unique_ptr<revisits::RevisitStore> revisits_;
  // Monday 2026-11-23, 10:00 in Shanghai.
  absl::Time now_ = absl::FromCivil(absl::CivilSecond(2026, 11, 23, 10, 0, 0), kShanghai);
};

TEST_P(OutboxStoreTest, AFetchRendersTheSurveySmsWithANewInvitationStoredOnlyAsItsHash) {
  long long id = AddMessage("amy", v1::TRIGGER_ORDER_DELIVERED, now_ - absl::Minutes(5));
  std::vector<v1::OutboxMessage> messages = Fetch(v1::CHANNEL_SMS, 10, now_);
  ASSERT_EQ(messages.size(), 1u);
  const v1::OutboxMessage& sms = messages[0];
  EXPECT_EQ(sms.id(), absl::StrCat(id));
  EXPECT_EQ(sms.channel(), v1::CHANNEL_SMS);
  EXPECT_EQ(sms.recipient(), "+8613800138000");
  EXPECT_EQ(sms.language(), "zh-CN");
  EXPECT_EQ(sms.order_id(), "TB-amy");
  EXPECT_EQ(sms.attempt_number(), 1);
  EXPECT_EQ(sms.state(), v1::REVISIT_STATE_LEASED);
  EXPECT_FALSE(sms.lease_token().empty());
  EXPECT_EQ(sms.lease_expire_time().seconds(), absl::ToUnixSeconds(now_ + absl::Minutes(5)));

  ASSERT_TRUE(absl::StartsWith(sms.survey_url(), absl::StrCat(kPublicUrl, "/s/"))) << sms.survey_url();
  std::string token = sms.survey_url().substr(std::string(kPublicUrl).size() + 3);
  EXPECT_EQ(token.size(), 22u) << "128 bits in URL-safe base64";
  EXPECT_TRUE(absl::StartsWith(sms.text(), "【Satisfaction】王芳，您好！您的订单TB-amy已签收")) << sms.text();
  EXPECT_TRUE(absl::StrContains(sms.text(), sms.survey_url())) << sms.text();
  EXPECT_TRUE(absl::StrContains(sms.text(), "2026年12月7日前有效")) << sms.text();
  EXPECT_TRUE(absl::EndsWith(sms.text(), "回T退订")) << sms.text();
  EXPECT_GE(sms.sms_parts(), 2);
  EXPECT_EQ(sms.invitation_expire_time().seconds(), absl::ToUnixSeconds(now_ + absl::Hours(24 * 14)));

  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM invitations WHERE revisit_id = ", id,
                               " AND questionnaire_id = 'post-delivery' AND questionnaire_version = 1 AND channel = 2",
                               " AND used_at_us IS NULL AND token_hash = '", Sha256Hex(token), "'")),
            1);
  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM invitations WHERE token_hash LIKE '%", token, "%'")), 0);

  EXPECT_TRUE(Fetch(v1::CHANNEL_SMS, 10, now_).empty()) << "nobody else gets a leased message";
  EXPECT_TRUE(Fetch(v1::CHANNEL_EMAIL, 10, now_).empty()) << "nor a gateway of another channel";
}

TEST_P(OutboxStoreTest, MessagesComeByPriorityThenAgeInTheCustomersLanguage) {
  AddMessage("old-survey", v1::TRIGGER_ORDER_DELIVERED, now_ - absl::Hours(2), {.language = "en"});
  AddMessage("young-survey", v1::TRIGGER_ORDER_DELIVERED, now_ - absl::Hours(1));
  AddMessage("care", v1::TRIGGER_COMPLAINT_CLOSED, now_ - absl::Minutes(1));
  std::vector<v1::OutboxMessage> messages = Fetch(v1::CHANNEL_SMS, 10, now_);
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].customer_external_id(), "care");
  EXPECT_TRUE(messages[0].survey_url().empty());
  EXPECT_TRUE(absl::StrContains(messages[0].text(), "感谢您一直以来的支持")) << messages[0].text();
  EXPECT_EQ(messages[1].customer_external_id(), "old-survey");
  EXPECT_EQ(messages[1].language(), "en");
  EXPECT_TRUE(absl::StartsWith(messages[1].text(), "Satisfaction: Hi 王芳, your order TB-old-survey was delivered."))
      << messages[1].text();
  EXPECT_TRUE(absl::StrContains(messages[1].text(), "(until 7 Dec 2026)")) << messages[1].text();
  EXPECT_EQ(messages[2].customer_external_id(), "young-survey");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM invitations"), 2);
}

// The survey page opens in the language of the message the customer read.
TEST_P(OutboxStoreTest, EachInvitationKeepsTheLanguageOfItsMessage) {
  AddMessage("reads-english", v1::TRIGGER_ORDER_DELIVERED, now_ - absl::Hours(2), {.language = "en"});
  AddMessage("reads-the-default", v1::TRIGGER_ORDER_DELIVERED, now_ - absl::Hours(1));
  std::vector<v1::OutboxMessage> messages = Fetch(v1::CHANNEL_SMS, 10, now_);
  ASSERT_EQ(messages.size(), 2u);
  responses::ResponseStore responses(*database_, *revisits_, kShanghai);
  for (const v1::OutboxMessage& message : messages) {
    std::string token = message.survey_url().substr(std::string(kPublicUrl).size() + 3);
    EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM invitations WHERE token_hash = '", Sha256Hex(token),
                                 "' AND message_language = '", message.language(), "'")),
              1)
        << message.customer_external_id();
    absl::StatusOr<responses::ResponseStore::InvitationView> view = responses.ViewInvitation(token, now_);
    ASSERT_TRUE(view.ok()) << view.status();
    EXPECT_EQ(view->message_language, message.customer_external_id() == "reads-english" ? "en" : "zh-CN")
        << "the shop's default language when the customer has none";
  }
}

TEST_P(OutboxStoreTest, OutsideMessageHoursNothingIsSentAndTheMessageWaitsForTheMorning) {
  absl::Time late = absl::FromCivil(absl::CivilSecond(2026, 11, 23, 22, 30, 0), kShanghai);
  long long id = AddMessage("night", v1::TRIGGER_ORDER_DELIVERED, now_);
  EXPECT_TRUE(Fetch(v1::CHANNEL_SMS, 10, late).empty());
  absl::Time morning = absl::FromCivil(absl::CivilSecond(2026, 11, 24, 8, 0, 0), kShanghai);
  EXPECT_EQ(Count(absl::StrCat("SELECT due_at_us FROM revisits WHERE id = ", id)), absl::ToUnixMicros(morning));
  EXPECT_EQ(Fetch(v1::CHANNEL_SMS, 10, morning).size(), 1u);
}

TEST_P(OutboxStoreTest, ADeliveryIsRecordedOnceAndTheSameReportAgainGetsTheSameAnswer) {
  AddMessage("amy", v1::TRIGGER_ORDER_DELIVERED, now_);
  v1::OutboxMessage sms = Fetch(v1::CHANNEL_SMS, 1, now_).at(0);
  absl::StatusOr<v1::ReportDeliveryResponse> delivered = Report(sms, v1::DELIVERY_OUTCOME_DELIVERED, now_);
  ASSERT_TRUE(delivered.ok()) << delivered.status();
  EXPECT_EQ(delivered->revisit().state(), v1::REVISIT_STATE_COMPLETED);
  EXPECT_EQ(delivered->revisit().attempts(), 1);
  EXPECT_EQ(delivered->attempt().number(), 1);
  EXPECT_EQ(delivered->attempt().provider_message_id(), "carrier-" + sms.id());

  absl::StatusOr<v1::ReportDeliveryResponse> again =
      Report(sms, v1::DELIVERY_OUTCOME_DELIVERED, now_ + absl::Seconds(3));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->attempt().report_time().seconds(), delivered->attempt().report_time().seconds());
  EXPECT_EQ(again->revisit().attempts(), 1);

  absl::StatusOr<v1::ReportDeliveryResponse> other = Report(sms, v1::DELIVERY_OUTCOME_FAILED, now_);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists) << other.status();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM message_attempts"), 1);
}

TEST_P(OutboxStoreTest, WrongTokensEndedLeasesCallbacksAndUnknownIdsAreRefused) {
  AddMessage("amy", v1::TRIGGER_ORDER_DELIVERED, now_);
  v1::OutboxMessage sms = Fetch(v1::CHANNEL_SMS, 1, now_).at(0);

  EXPECT_EQ(Report(sms, v1::DELIVERY_OUTCOME_DELIVERED, now_, "garbage").status().code(),
            absl::StatusCode::kInvalidArgument);
  std::string forged = absl::StrCat(std::string(32, 'a'), ".", sms.id());
  EXPECT_EQ(Report(sms, v1::DELIVERY_OUTCOME_DELIVERED, now_, forged).status().code(),
            absl::StatusCode::kFailedPrecondition);
  absl::StatusOr<v1::ReportDeliveryResponse> late =
      Report(sms, v1::DELIVERY_OUTCOME_DELIVERED, now_ + absl::Minutes(6));
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition) << late.status();
  EXPECT_TRUE(absl::StrContains(late.status().message(), "ended")) << late.status();

  v1::ReportDeliveryRequest unknown;
  unknown.set_lease_token(sms.lease_token());
  unknown.set_outcome(v1::DELIVERY_OUTCOME_DELIVERED);
  EXPECT_EQ(store_->ReportDelivery(unknown, 999999, now_).status().code(), absl::StatusCode::kNotFound);

  // A phone revisit is a callback, not a message.
  AddMessage("caller", v1::TRIGGER_COMPLAINT_CLOSED, now_, {.email = false, .phone_consent = true});
  long long call_id = Count("SELECT MAX(id) FROM revisits");
  ASSERT_TRUE(database_
                  ->InTransaction(storage::Access::kWrite,
                                  [&](storage::Transaction& tx) {
                                    soci::session& session = tx.session();
                                    session << "UPDATE revisits SET channel = 1 WHERE id = :id", soci::use(call_id);
                                    return absl::OkStatus();
                                  })
                  .ok());
  EXPECT_EQ(store_->ReportDelivery(unknown, call_id, now_).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM message_attempts"), 0) << "nothing recorded";
}

TEST_P(OutboxStoreTest, AFailedSmsFallsBackToEmailAndARejectedEmailWithNoChannelLeftStops) {
  AddMessage("amy", v1::TRIGGER_ORDER_DELIVERED, now_);
  v1::OutboxMessage sms = Fetch(v1::CHANNEL_SMS, 1, now_).at(0);
  absl::StatusOr<v1::ReportDeliveryResponse> failed = Report(sms, v1::DELIVERY_OUTCOME_FAILED, now_);
  ASSERT_TRUE(failed.ok()) << failed.status();
  EXPECT_EQ(failed->revisit().state(), v1::REVISIT_STATE_PLANNED);
  EXPECT_EQ(failed->revisit().channel(), v1::CHANNEL_EMAIL);
  EXPECT_TRUE(absl::StrContains(failed->revisit().state_reason(), "next channel")) << failed->revisit().state_reason();

  std::vector<v1::OutboxMessage> emails = Fetch(v1::CHANNEL_EMAIL, 10, now_ + absl::Seconds(1));
  ASSERT_EQ(emails.size(), 1u);
  EXPECT_EQ(emails[0].recipient(), "amy@example.cn");
  EXPECT_EQ(emails[0].subject(), "Satisfaction诚邀您评价本次服务");
  EXPECT_EQ(emails[0].attempt_number(), 2);
  EXPECT_NE(emails[0].survey_url(), sms.survey_url()) << "each rendering issues its own invitation";
  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM invitations WHERE revisit_id = ", sms.id())), 2);

  absl::StatusOr<v1::ReportDeliveryResponse> rejected = Report(emails[0], v1::DELIVERY_OUTCOME_REJECTED, now_);
  ASSERT_TRUE(rejected.ok()) << rejected.status();
  EXPECT_EQ(rejected->revisit().state(), v1::REVISIT_STATE_STOPPED);
  EXPECT_EQ(rejected->revisit().attempts(), 2);
  EXPECT_EQ(rejected->attempt().channel(), v1::CHANNEL_EMAIL);
}

TEST_P(OutboxStoreTest, AFailedMessageSkipsChannelsTheCustomerCannotBeReachedOnAndGivesUpWhenNoneIsLeft) {
  // SMS, IM, phone: no IM handle, but calls agreed to.
  AddMessage("caller", v1::TRIGGER_COMPLAINT_CLOSED, now_, {.phone_consent = true});
  v1::OutboxMessage sms = Fetch(v1::CHANNEL_SMS, 1, now_).at(0);
  absl::StatusOr<v1::ReportDeliveryResponse> failed = Report(sms, v1::DELIVERY_OUTCOME_FAILED, now_);
  ASSERT_TRUE(failed.ok()) << failed.status();
  EXPECT_EQ(failed->revisit().channel(), v1::CHANNEL_PHONE);
  EXPECT_EQ(failed->revisit().state(), v1::REVISIT_STATE_PLANNED);

  // Neither IM nor calls: nothing is left after SMS.
  AddMessage("texter", v1::TRIGGER_COMPLAINT_CLOSED, now_);
  v1::OutboxMessage only = Fetch(v1::CHANNEL_SMS, 1, now_).at(0);
  absl::StatusOr<v1::ReportDeliveryResponse> gave_up = Report(only, v1::DELIVERY_OUTCOME_FAILED, now_);
  ASSERT_TRUE(gave_up.ok()) << gave_up.status();
  EXPECT_EQ(gave_up->revisit().state(), v1::REVISIT_STATE_GAVE_UP);
  EXPECT_EQ(gave_up->revisit().channel(), v1::CHANNEL_SMS);
}

TEST_P(OutboxStoreTest, AnExpiredLeaseOrAReleasePutsTheMessageBackWithNoAttemptCounted) {
  AddMessage("amy", v1::TRIGGER_ORDER_DELIVERED, now_);
  v1::OutboxMessage first = Fetch(v1::CHANNEL_SMS, 1, now_).at(0);
  std::vector<v1::OutboxMessage> again = Fetch(v1::CHANNEL_SMS, 1, now_ + absl::Minutes(6));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].id(), first.id());
  EXPECT_EQ(again[0].attempt_number(), 1);
  EXPECT_NE(again[0].lease_token(), first.lease_token());

  absl::StatusOr<v1::OutboxMessage> released =
      store_->Release(IdOf(again[0].id()), again[0].lease_token(), now_ + absl::Minutes(7));
  ASSERT_TRUE(released.ok()) << released.status();
  EXPECT_EQ(released->state(), v1::REVISIT_STATE_PLANNED);
  EXPECT_EQ(store_->Release(IdOf(again[0].id()), again[0].lease_token(), now_ + absl::Minutes(7)).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Fetch(v1::CHANNEL_SMS, 1, now_ + absl::Minutes(8)).size(), 1u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM message_attempts"), 0);
}

TEST_P(OutboxStoreTest, AnOptOutReplyOptsTheCustomerOutOfTheChannelAndStopsTheirMessagesOnIt) {
  AddMessage("amy", v1::TRIGGER_ORDER_DELIVERED, now_);
  long long waiting = AddMessage("amy", v1::TRIGGER_COMPLAINT_CLOSED, now_ + absl::Hours(3));
  v1::OutboxMessage sms = Fetch(v1::CHANNEL_SMS, 1, now_).at(0);
  ASSERT_TRUE(Report(sms, v1::DELIVERY_OUTCOME_DELIVERED, now_).ok());

  absl::StatusOr<v1::ReportReplyResponse> thanks = store_->ReportReply(IdOf(sms.id()), "谢谢", now_, now_);
  ASSERT_TRUE(thanks.ok()) << thanks.status();
  EXPECT_FALSE(thanks->opted_out());

  absl::StatusOr<v1::ReportReplyResponse> opt_out =
      store_->ReportReply(IdOf(sms.id()), " td ", now_ + absl::Minutes(1), now_ + absl::Minutes(1));
  ASSERT_TRUE(opt_out.ok()) << opt_out.status();
  EXPECT_TRUE(opt_out->opted_out());
  EXPECT_EQ(opt_out->channel(), v1::CHANNEL_SMS);
  EXPECT_EQ(opt_out->customer_external_id(), "amy");
  EXPECT_EQ(opt_out->stopped_revisits(), 1);
  EXPECT_EQ(Count(absl::StrCat("SELECT state FROM revisits WHERE id = ", waiting)), v1::REVISIT_STATE_STOPPED);
  EXPECT_EQ(Count("SELECT opt_out_mask FROM customers WHERE external_id = 'amy'") & 2, 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM message_replies"), 2) << "every reply is kept";
  EXPECT_TRUE(Fetch(v1::CHANNEL_SMS, 10, now_ + absl::Hours(4)).empty());

  EXPECT_EQ(store_->ReportReply(999999, "T", now_, now_).status().code(), absl::StatusCode::kNotFound);
}

TEST_P(OutboxStoreTest, ManyGatewaysOnSeveralServersSendEveryMessageExactlyOnce) {
  bool mysql = GetParam() == TestBackend::kMariaDb;
  int messages = mysql ? 120 : 40, gateways = mysql ? 8 : 3;
  for (int i = 0; i < messages; ++i) AddMessage(absl::StrCat("c", i), v1::TRIGGER_ORDER_DELIVERED, now_);
  std::vector<std::unique_ptr<OutboxStore>> servers;
  for (int i = 0; i < 3; ++i)
    servers.push_back(std::make_unique<OutboxStore>(*database_, templates_.get(), kPublicUrl));
  std::mutex mutex;
  std::map<std::string, int> delivered;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int g = 0; g < gateways; ++g) {
    threads.emplace_back([&, &server = *servers[g % servers.size()]] {
      while (true) {
        absl::StatusOr<std::vector<v1::OutboxMessage>> batch = server.Fetch(v1::CHANNEL_SMS, 7, absl::Minutes(5), now_);
        if (!batch.ok()) {
          ++failures;
          return;
        }
        if (batch->empty()) return;
        for (const v1::OutboxMessage& message : *batch) {
          if (!Report(message, v1::DELIVERY_OUTCOME_DELIVERED, now_).ok()) ++failures;
          std::lock_guard<std::mutex> lock(mutex);
          ++delivered[message.id()];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(static_cast<int>(delivered.size()), messages);
  for (const auto& [id, times] : delivered) EXPECT_EQ(times, 1) << id;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM message_attempts"), messages);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM invitations"), messages);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM revisits WHERE state = 4"), messages);
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(OutboxStoreTest);

}  // namespace
}  // namespace satisfaction::messages
