// API keys, contact masking, key bindings, the audit log, rate limits and
// reflection, end to end on each backend through a real gRPC channel.
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>

#include <map>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "satisfaction/v1/analytics.grpc.pb.h"
#include "satisfaction/v1/callback.grpc.pb.h"
#include "satisfaction/v1/customer.grpc.pb.h"
#include "satisfaction/v1/questionnaire.grpc.pb.h"
#include "satisfaction/v1/response.grpc.pb.h"
#include "tests/e2e/access_test_keys.h"
#include "tests/e2e/complaint_calls.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/generic_call.h"
#include "tests/support/test_database.h"

namespace satisfaction {
namespace {

using google::protobuf::util::TimeUtil;
using test_support::Context;
using test_support::ExpectError;

constexpr char kPhone[] = "+8613912345678";

class AccessE2eTest : public test_support::E2eTest {
 protected:
  // A customer with every kind of contact detail, stored by the admin.
  void AddCustomer(const std::string& id) {
    v1::UpsertCustomerRequest request;
    request.mutable_customer()->set_external_id(id);
    request.mutable_customer()->set_name("王芳");
    request.mutable_customer()->set_phone(kPhone);
    request.mutable_customer()->set_email("wangfang@example.cn");
    request.mutable_customer()->set_im_handle("wangfang88");
    request.mutable_customer()->mutable_consent()->set_phone(true);
    v1::UpsertCustomerResponse upserted;
    grpc::Status status = v1::CustomerService::NewStub(channel())->UpsertCustomer(Context().get(), request, &upserted);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  std::vector<v1::AuditEvent> AuditEvents(const v1::ListAuditEventsRequest& request = {}) {
    v1::ListAuditEventsResponse listed;
    grpc::Status status = keys_->stub().ListAuditEvents(Context().get(), request, &listed);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {listed.events().begin(), listed.events().end()};
  }
};

TEST_P(AccessE2eTest, KeysAreShownOnceListedByHintAndRevokedAtOnce) {
  v1::CreateApiKeyRequest request;
  request.mutable_api_key()->set_display_name("dialer floor 3");
  request.mutable_api_key()->set_role(v1::ROLE_DIALER);
  request.mutable_api_key()->set_queue("complaints");
  v1::CreateApiKeyResponse created;
  ASSERT_TRUE(keys_->stub().CreateApiKey(Context().get(), request, &created).ok());
  EXPECT_TRUE(absl::StartsWith(created.key(), "sat_")) << created.key();
  EXPECT_EQ(created.key().size(), 47u);
  EXPECT_EQ(created.api_key().id().size(), 16u);
  EXPECT_EQ(created.api_key().hint(), created.key().substr(created.key().size() - 4));
  EXPECT_FALSE(created.api_key().has_revoke_time());

  v1::ListApiKeysResponse listed;
  ASSERT_TRUE(keys_->stub().ListApiKeys(Context().get(), {}, &listed).ok());
  ASSERT_EQ(listed.api_keys_size(), 2) << "the bootstrap admin and the dialer";
  EXPECT_EQ(listed.api_keys(0).id(), created.api_key().id()) << "newest first";
  EXPECT_EQ(listed.api_keys(0).queue(), "complaints");
  EXPECT_EQ(listed.api_keys(1).role(), v1::ROLE_ADMIN);
  EXPECT_FALSE(absl::StrContains(listed.DebugString(), created.key())) << "the key is never shown again";

  auto questionnaires = v1::QuestionnaireService::NewStub(server_->ChannelWithKey(created.key()));
  v1::ListQuestionnairesResponse questionnaires_listed;
  ASSERT_TRUE(questionnaires->ListQuestionnaires(Context().get(), {}, &questionnaires_listed).ok());
  keys_->Revoke(created.api_key().id());
  ExpectError(questionnaires->ListQuestionnaires(Context().get(), {}, &questionnaires_listed),
              grpc::StatusCode::UNAUTHENTICATED, "authorization");

  v1::ListApiKeysResponse active;
  ASSERT_TRUE(keys_->stub().ListApiKeys(Context().get(), {}, &active).ok());
  EXPECT_EQ(active.api_keys_size(), 1) << "revoked keys are hidden unless asked for";
  v1::ListApiKeysRequest all;
  all.set_show_revoked(true);
  all.set_page_size(1);
  v1::ListApiKeysResponse first_page, second_page;
  ASSERT_TRUE(keys_->stub().ListApiKeys(Context().get(), all, &first_page).ok());
  ASSERT_EQ(first_page.api_keys_size(), 1);
  EXPECT_TRUE(first_page.api_keys(0).has_revoke_time());
  all.set_page_token(first_page.next_page_token());
  ASSERT_TRUE(keys_->stub().ListApiKeys(Context().get(), all, &second_page).ok());
  ASSERT_EQ(second_page.api_keys_size(), 1);
  EXPECT_EQ(second_page.api_keys(0).role(), v1::ROLE_ADMIN);
  EXPECT_TRUE(second_page.next_page_token().empty());
}

TEST_P(AccessE2eTest, TheBearerSchemeIsCaseInsensitiveOtherSchemesAreRefused) {
  auto questionnaires = v1::QuestionnaireService::NewStub(server_->ChannelWithKey(""));
  auto list_with = [&](const std::string& authorization) {
    std::unique_ptr<grpc::ClientContext> context = Context();
    context->AddMetadata("authorization", authorization);
    v1::ListQuestionnairesResponse listed;
    return questionnaires->ListQuestionnaires(context.get(), {}, &listed);
  };
  EXPECT_TRUE(list_with(absl::StrCat("bearer ", test_support::kTestAdminKey)).ok());
  EXPECT_TRUE(list_with(absl::StrCat("BEARER ", test_support::kTestAdminKey)).ok());
  ExpectError(list_with(absl::StrCat("Basic ", test_support::kTestAdminKey)), grpc::StatusCode::UNAUTHENTICATED,
              "authorization");
  ExpectError(list_with("Bearer "), grpc::StatusCode::UNAUTHENTICATED, "authorization");
  ExpectError(list_with(test_support::kTestAdminKey), grpc::StatusCode::UNAUTHENTICATED, "authorization");
  ExpectError(list_with(absl::StrCat("Bearer ", std::string(300, 'k'))), grpc::StatusCode::UNAUTHENTICATED,
              "authorization");
  v1::ListQuestionnairesResponse listed;
  grpc::Status no_key = questionnaires->ListQuestionnaires(Context().get(), {}, &listed);
  EXPECT_EQ(no_key.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(absl::StrContains(no_key.error_message(), "authorization: Bearer")) << no_key.error_message();
}

TEST_P(AccessE2eTest, KeysShowWhenTheyWereLastUsed) {
  server::ServerConfig config;
  config.maintenance_interval = absl::Seconds(1);
  auto server = StartServer(config);
  ASSERT_NE(server, nullptr);
  test_support::AccessKeys keys(*server);
  std::string used_id, unused_id;
  std::string used = keys.Create(v1::ROLE_ANALYST, {}, &used_id);
  keys.Create(v1::ROLE_ANALYST, {}, &unused_id);
  absl::Time before = absl::Now();
  v1::ListQuestionnairesResponse questionnaires;
  ASSERT_TRUE(v1::QuestionnaireService::NewStub(server->ChannelWithKey(used))
                  ->ListQuestionnaires(Context().get(), {}, &questionnaires)
                  .ok());

  // The server writes last use down every --maintenance-interval.
  absl::Time give_up = absl::Now() + absl::Seconds(20);
  std::map<std::string, v1::ApiKey> listed;
  while (absl::Now() < give_up) {
    v1::ListApiKeysResponse page;
    ASSERT_TRUE(keys.stub().ListApiKeys(Context().get(), {}, &page).ok());
    for (const v1::ApiKey& key : page.api_keys()) listed[key.id()] = key;
    if (listed[used_id].has_last_use_time()) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_TRUE(listed[used_id].has_last_use_time());
  EXPECT_GE(TimeUtil::TimestampToMicroseconds(listed[used_id].last_use_time()), absl::ToUnixMicros(before));
  EXPECT_FALSE(listed[unused_id].has_last_use_time()) << "never used";
}

TEST_P(AccessE2eTest, AStoppingServerWritesDownTheLastUseItNoted) {
  server::ServerConfig config;
  config.maintenance_interval = absl::Hours(1);
  auto server = StartServer(config);
  ASSERT_NE(server, nullptr);
  std::string id;
  std::string key = test_support::AccessKeys(*server).Create(v1::ROLE_ANALYST, {}, &id);
  v1::ListQuestionnairesResponse questionnaires;
  ASSERT_TRUE(v1::QuestionnaireService::NewStub(server->ChannelWithKey(key))
                  ->ListQuestionnaires(Context().get(), {}, &questionnaires)
                  .ok());
  server->server().Shutdown(absl::ZeroDuration());

  v1::ListApiKeysResponse listed;
  ASSERT_TRUE(keys_->stub().ListApiKeys(Context().get(), {}, &listed).ok());
  bool found = false;
  for (const v1::ApiKey& listed_key : listed.api_keys()) {
    if (listed_key.id() != id) continue;
    found = true;
    EXPECT_TRUE(listed_key.has_last_use_time());
  }
  EXPECT_TRUE(found);
}

TEST_P(AccessE2eTest, BadKeyRequestsAreRefusedNamingTheField) {
  auto create = [&](const v1::ApiKey& key) {
    v1::CreateApiKeyRequest request;
    *request.mutable_api_key() = key;
    v1::CreateApiKeyResponse created;
    return keys_->stub().CreateApiKey(Context().get(), request, &created);
  };
  v1::CreateApiKeyResponse created;
  ExpectError(keys_->stub().CreateApiKey(Context().get(), {}, &created), grpc::StatusCode::INVALID_ARGUMENT, "api_key");
  v1::ApiKey key;
  key.set_role(v1::ROLE_OPERATOR);
  ExpectError(create(key), grpc::StatusCode::INVALID_ARGUMENT, "api_key.display_name");
  key.set_display_name("shop system");
  key.set_role(v1::ROLE_UNSPECIFIED);
  ExpectError(create(key), grpc::StatusCode::INVALID_ARGUMENT, "api_key.role");
  key.set_role(static_cast<v1::Role>(42));
  ExpectError(create(key), grpc::StatusCode::INVALID_ARGUMENT, "api_key.role");
  key.set_role(v1::ROLE_OPERATOR);
  key.set_queue("complaints");
  ExpectError(create(key), grpc::StatusCode::INVALID_ARGUMENT, "api_key.queue");
  key.set_role(v1::ROLE_DIALER);
  key.set_queue("no spaces please");
  ExpectError(create(key), grpc::StatusCode::INVALID_ARGUMENT, "api_key.queue");
  key.set_queue("");
  key.set_agent_id(std::string(65, 'a'));
  ExpectError(create(key), grpc::StatusCode::INVALID_ARGUMENT, "api_key.agent_id");
  key.set_agent_id("");
  key.set_rate_limit_per_minute(-1);
  ExpectError(create(key), grpc::StatusCode::INVALID_ARGUMENT, "api_key.rate_limit_per_minute");

  v1::ApiKey revoked;
  v1::RevokeApiKeyRequest revoke;
  ExpectError(keys_->stub().RevokeApiKey(Context().get(), revoke, &revoked), grpc::StatusCode::INVALID_ARGUMENT, "id");
  revoke.set_id("0123456789abcdef");
  ExpectError(keys_->stub().RevokeApiKey(Context().get(), revoke, &revoked), grpc::StatusCode::NOT_FOUND, "id");

  v1::ListApiKeysRequest list;
  list.set_page_size(-1);
  v1::ListApiKeysResponse listed;
  ExpectError(keys_->stub().ListApiKeys(Context().get(), list, &listed), grpc::StatusCode::INVALID_ARGUMENT,
              "page_size");
  list.set_page_size(0);
  list.set_page_token("garbage");
  ExpectError(keys_->stub().ListApiKeys(Context().get(), list, &listed), grpc::StatusCode::INVALID_ARGUMENT,
              "page_token");

  v1::ListAuditEventsRequest audit;
  audit.set_key_id("not hex");
  v1::ListAuditEventsResponse events;
  ExpectError(keys_->stub().ListAuditEvents(Context().get(), audit, &events), grpc::StatusCode::INVALID_ARGUMENT,
              "key_id");
  audit.clear_key_id();
  audit.mutable_start_time()->set_seconds(2000);
  audit.mutable_end_time()->set_seconds(1000);
  ExpectError(keys_->stub().ListAuditEvents(Context().get(), audit, &events), grpc::StatusCode::INVALID_ARGUMENT,
              "end_time");
}

TEST_P(AccessE2eTest, TheLastAdminKeyCannotBeRevoked) {
  v1::ListApiKeysResponse listed;
  ASSERT_TRUE(keys_->stub().ListApiKeys(Context().get(), {}, &listed).ok());
  ASSERT_EQ(listed.api_keys_size(), 1);
  v1::RevokeApiKeyRequest revoke;
  revoke.set_id(listed.api_keys(0).id());
  v1::ApiKey revoked;
  ExpectError(keys_->stub().RevokeApiKey(Context().get(), revoke, &revoked), grpc::StatusCode::FAILED_PRECONDITION,
              "id");

  std::string second_admin_id;
  std::string second_admin = keys_->Create(v1::ROLE_ADMIN, {}, &second_admin_id);
  ASSERT_TRUE(keys_->stub().RevokeApiKey(Context().get(), revoke, &revoked).ok()) << "another admin remains";
  EXPECT_TRUE(revoked.has_revoke_time());
  auto as_second = v1::AccessService::NewStub(server_->ChannelWithKey(second_admin));
  revoke.set_id(second_admin_id);
  ExpectError(as_second->RevokeApiKey(Context().get(), revoke, &revoked), grpc::StatusCode::FAILED_PRECONDITION, "id");
}

TEST_P(AccessE2eTest, OperatorsSeeContactDetailsMaskedAdminsInFull) {
  AddCustomer("c1");
  auto as_operator = v1::CustomerService::NewStub(ChannelAs(v1::ROLE_OPERATOR));
  auto as_admin = v1::CustomerService::NewStub(channel());
  v1::GetCustomerRequest get;
  get.set_external_id("c1");
  v1::Customer masked, full;
  ASSERT_TRUE(as_operator->GetCustomer(Context().get(), get, &masked).ok());
  ASSERT_TRUE(as_admin->GetCustomer(Context().get(), get, &full).ok());
  EXPECT_EQ(masked.phone(), "+86139****5678");
  EXPECT_EQ(masked.email(), "w****@example.cn");
  EXPECT_EQ(masked.im_handle(), "w****");
  EXPECT_EQ(masked.name(), "王芳") << "only contact details are masked";
  EXPECT_EQ(full.phone(), kPhone);
  EXPECT_EQ(full.email(), "wangfang@example.cn");

  v1::ListCustomersResponse listed;
  ASSERT_TRUE(as_operator->ListCustomers(Context().get(), {}, &listed).ok());
  ASSERT_EQ(listed.customers_size(), 1);
  EXPECT_EQ(listed.customers(0).phone(), "+86139****5678");

  v1::UpsertCustomerRequest upsert;
  *upsert.mutable_customer() = full;
  upsert.mutable_customer()->set_name("王芳芳");
  v1::UpsertCustomerResponse upserted;
  ASSERT_TRUE(as_operator->UpsertCustomer(Context().get(), upsert, &upserted).ok());
  EXPECT_EQ(upserted.customer().phone(), "+86139****5678") << "the answer to a write is masked too";

  // The do-not-call list: masked, and its page tokens carry no numbers.
  for (const char* phone : {"+8613912345678", "+8613800000001"}) {
    v1::AddDoNotCallRequest add;
    add.mutable_entry()->set_phone(phone);
    v1::DoNotCallEntry added;
    ASSERT_TRUE(as_operator->AddDoNotCall(Context().get(), add, &added).ok());
    EXPECT_TRUE(absl::StrContains(added.phone(), "****")) << added.phone();
  }
  v1::ListDoNotCallRequest list;
  list.set_page_size(1);
  v1::ListDoNotCallResponse first, second;
  ASSERT_TRUE(as_operator->ListDoNotCall(Context().get(), list, &first).ok());
  ASSERT_EQ(first.entries_size(), 1);
  EXPECT_EQ(first.entries(0).phone(), "+86139****5678");
  std::string token;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(first.next_page_token(), &token));
  EXPECT_FALSE(absl::StrContains(token, "1391234")) << token;
  list.set_page_token(first.next_page_token());
  ASSERT_TRUE(as_operator->ListDoNotCall(Context().get(), list, &second).ok());
  ASSERT_EQ(second.entries_size(), 1);
  EXPECT_EQ(second.entries(0).phone(), "+86138****0001");
  v1::ListDoNotCallResponse unmasked;
  ASSERT_TRUE(as_admin->ListDoNotCall(Context().get(), {}, &unmasked).ok());
  ASSERT_EQ(unmasked.entries_size(), 2);
  EXPECT_EQ(unmasked.entries(0).phone(), kPhone);
}

TEST_P(AccessE2eTest, ABoundDialerWorksOnlyItsQueueAsItsAgentAndGetsTheNumber) {
  ASSERT_NO_FATAL_FAILURE(test_support::AddComplaintCallRule(channel(), "complaints"));
  AddCustomer("c1");
  ASSERT_NO_FATAL_FAILURE(test_support::RecordClosedComplaint(channel(), "complaint-1", "c1"));

  v1::ApiKey binding;
  binding.set_queue("complaints");
  binding.set_agent_id("agent-7");
  std::string dialer_id;
  auto dialer = v1::CallbackService::NewStub(ChannelAs(v1::ROLE_DIALER, binding, &dialer_id));
  v1::FetchDueCallbacksRequest fetch;
  fetch.set_queue("sales");
  fetch.set_agent_id("agent-7");
  v1::FetchDueCallbacksResponse fetched;
  ExpectError(dialer->FetchDueCallbacks(Context().get(), fetch, &fetched), grpc::StatusCode::PERMISSION_DENIED,
              "queue");
  fetch.set_queue("complaints");
  fetch.set_agent_id("agent-8");
  ExpectError(dialer->FetchDueCallbacks(Context().get(), fetch, &fetched), grpc::StatusCode::PERMISSION_DENIED,
              "agent_id");
  fetch.set_agent_id("agent-7");
  fetch.set_max_count(10);
  fetch.mutable_lease_duration()->set_seconds(60);
  grpc::Status fetch_status = dialer->FetchDueCallbacks(Context().get(), fetch, &fetched);
  ASSERT_TRUE(fetch_status.ok()) << fetch_status.error_message();
  ASSERT_EQ(fetched.callbacks_size(), 1);
  EXPECT_EQ(fetched.callbacks(0).phone(), kPhone) << "a dialer gets the number it dials";
  v1::FetchDueCallbacksResponse nothing_due;
  ASSERT_TRUE(dialer->FetchDueCallbacks(Context().get(), fetch, &nothing_due).ok());
  EXPECT_EQ(nothing_due.callbacks_size(), 0);
  v1::ListAuditEventsRequest fetches;
  fetches.set_key_id(dialer_id);
  fetches.set_method("/satisfaction.v1.CallbackService/FetchDueCallbacks");
  std::vector<v1::AuditEvent> audited = AuditEvents(fetches);
  ASSERT_EQ(audited.size(), 3u) << "the claim and the two refusals; the empty poll is not recorded";
  EXPECT_EQ(audited[0].resource(), fetched.callbacks(0).id()) << "the callbacks whose numbers it got";
  EXPECT_EQ(audited[0].outcome(), "OK");
  EXPECT_EQ(audited[1].outcome(), "PERMISSION_DENIED");

  v1::ReportDispositionRequest report;
  report.set_callback_id(fetched.callbacks(0).id());
  report.set_lease_token(fetched.callbacks(0).lease_token());
  report.set_outcome(v1::CALL_OUTCOME_NO_ANSWER);
  report.set_agent_id("agent-8");
  v1::ReportDispositionResponse reported;
  ExpectError(dialer->ReportDisposition(Context().get(), report, &reported), grpc::StatusCode::PERMISSION_DENIED,
              "agent_id");
  v1::ReportDispositionsRequest reports;
  *reports.add_reports() = report;
  v1::ReportDispositionsResponse many;
  ExpectError(dialer->ReportDispositions(Context().get(), reports, &many), grpc::StatusCode::PERMISSION_DENIED,
              "reports[0].agent_id");

  // Answers taken on the phone: by callback, as itself; never by invitation.
  auto responses = v1::ResponseService::NewStub(ChannelAs(v1::ROLE_DIALER, binding));
  v1::SubmitResponseRequest submit;
  submit.mutable_callback()->set_callback_id(fetched.callbacks(0).id());
  submit.mutable_callback()->set_lease_token(fetched.callbacks(0).lease_token());
  submit.mutable_callback()->set_agent_id("agent-8");
  v1::Response response;
  ExpectError(responses->SubmitResponse(Context().get(), submit, &response), grpc::StatusCode::PERMISSION_DENIED,
              "agent_id");
  submit.set_invitation_token("AAAAAAAAAAAAAAAAAAAAAA");
  v1::Answer* answer = submit.add_answers();
  answer->set_item_code("overall");
  answer->set_score(5);
  ExpectError(responses->SubmitResponse(Context().get(), submit, &response), grpc::StatusCode::PERMISSION_DENIED,
              "invitation_token");
  auto gateway = v1::ResponseService::NewStub(ChannelAs(v1::ROLE_GATEWAY));
  ExpectError(gateway->SubmitResponse(Context().get(), submit, &response), grpc::StatusCode::NOT_FOUND);
  submit.mutable_callback()->set_callback_id(fetched.callbacks(0).id());
  submit.mutable_callback()->set_lease_token(fetched.callbacks(0).lease_token());
  ExpectError(gateway->SubmitResponse(Context().get(), submit, &response), grpc::StatusCode::PERMISSION_DENIED,
              "callback");
}

TEST_P(AccessE2eTest, WritesAndExportsAreAuditedReadsAreNot) {
  std::string operator_id, analyst_id;
  auto customers = v1::CustomerService::NewStub(ChannelAs(v1::ROLE_OPERATOR, {}, &operator_id));
  auto analytics = v1::AnalyticsService::NewStub(ChannelAs(v1::ROLE_ANALYST, {}, &analyst_id));
  v1::UpsertCustomerRequest upsert;
  upsert.mutable_customer()->set_external_id("c-audit");
  upsert.mutable_customer()->set_phone(kPhone);
  v1::UpsertCustomerResponse upserted;
  ASSERT_TRUE(customers->UpsertCustomer(Context().get(), upsert, &upserted).ok());
  v1::GetCustomerRequest get;
  get.set_external_id("c-audit");
  v1::Customer customer;
  ASSERT_TRUE(customers->GetCustomer(Context().get(), get, &customer).ok());
  v1::AddDoNotCallRequest add;
  add.mutable_entry()->set_phone(kPhone);
  v1::DoNotCallEntry added;
  ASSERT_TRUE(customers->AddDoNotCall(Context().get(), add, &added).ok());
  upsert.mutable_customer()->set_phone("not a number");
  ExpectError(customers->UpsertCustomer(Context().get(), upsert, &upserted), grpc::StatusCode::INVALID_ARGUMENT);

  v1::ExportResponsesRequest export_request;
  export_request.set_questionnaire_id("no-such-questionnaire");
  export_request.set_first_day("2026-11-01");
  export_request.set_last_day("2026-11-02");
  export_request.set_format(v1::EXPORT_FORMAT_CSV);
  grpc::ClientContext export_context;
  v1::ExportResponsesPage page;
  auto reader = analytics->ExportResponses(&export_context, export_request);
  while (reader->Read(&page)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::NOT_FOUND);
  v1::RebuildAggregatesRequest rebuild;
  rebuild.set_questionnaire_id("no-such-questionnaire");
  v1::RebuildAggregatesResponse rebuilt;
  ExpectError(analytics->RebuildAggregates(Context().get(), rebuild, &rebuilt), grpc::StatusCode::PERMISSION_DENIED);

  v1::ListAuditEventsRequest by_operator;
  by_operator.set_key_id(operator_id);
  std::vector<v1::AuditEvent> events = AuditEvents(by_operator);
  ASSERT_EQ(events.size(), 3u) << "two upserts and a do-not-call entry; the read is not audited";
  EXPECT_EQ(events[0].method(), "/satisfaction.v1.CustomerService/UpsertCustomer") << "newest first";
  EXPECT_EQ(events[0].outcome(), "INVALID_ARGUMENT");
  EXPECT_TRUE(absl::StartsWith(events[0].message(), "customer.phone")) << events[0].message();
  EXPECT_EQ(events[1].method(), "/satisfaction.v1.CustomerService/AddDoNotCall");
  EXPECT_EQ(events[1].resource(), "+86139****5678") << "numbers are kept masked";
  EXPECT_EQ(events[2].resource(), "c-audit");
  EXPECT_EQ(events[2].outcome(), "OK");
  EXPECT_EQ(events[2].role(), v1::ROLE_OPERATOR);
  EXPECT_TRUE(absl::StrContains(events[2].peer(), "127.0.0.1")) << events[2].peer();
  EXPECT_GT(TimeUtil::TimestampToMicroseconds(events[2].time()), absl::ToUnixMicros(absl::Now() - absl::Minutes(1)));

  v1::ListAuditEventsRequest by_analyst;
  by_analyst.set_key_id(analyst_id);
  events = AuditEvents(by_analyst);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].method(), "/satisfaction.v1.AnalyticsService/RebuildAggregates");
  EXPECT_EQ(events[0].outcome(), "PERMISSION_DENIED") << "refused writes are recorded too";
  EXPECT_EQ(events[1].method(), "/satisfaction.v1.AnalyticsService/ExportResponses");
  EXPECT_EQ(events[1].resource(), "no-such-questionnaire");
  EXPECT_EQ(events[1].outcome(), "NOT_FOUND");

  v1::ListAuditEventsRequest by_method;
  by_method.set_method("/satisfaction.v1.AccessService/CreateApiKey");
  by_method.set_page_size(1);
  v1::ListAuditEventsResponse first;
  ASSERT_TRUE(keys_->stub().ListAuditEvents(Context().get(), by_method, &first).ok());
  ASSERT_EQ(first.events_size(), 1);
  EXPECT_EQ(first.events(0).role(), v1::ROLE_ADMIN);
  EXPECT_EQ(first.events(0).resource(), "test ROLE_ANALYST");
  by_method.set_page_token(first.next_page_token());
  v1::ListAuditEventsResponse second;
  ASSERT_TRUE(keys_->stub().ListAuditEvents(Context().get(), by_method, &second).ok());
  ASSERT_EQ(second.events_size(), 1);
  EXPECT_EQ(second.events(0).resource(), "test ROLE_OPERATOR");
  by_method.set_key_id(operator_id);
  ExpectError(keys_->stub().ListAuditEvents(Context().get(), by_method, &second), grpc::StatusCode::INVALID_ARGUMENT,
              "page_token");

  auto as_operator = v1::AccessService::NewStub(ChannelAs(v1::ROLE_OPERATOR));
  v1::ListAuditEventsResponse refused;
  ExpectError(as_operator->ListAuditEvents(Context().get(), {}, &refused), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_P(AccessE2eTest, AWriteWhoseAuditEventCannotBeWrittenIsNotAnsweredOk) {
  std::unique_ptr<storage::Database> database = test_support::OpenMigrated(*test_database_, 1);
  auto run = [&](const std::string& sql) { ASSERT_TRUE(test_support::ExecuteSql(*database, sql).ok()) << sql; };
  // The audit log's table goes missing: the write itself still commits.
  run("ALTER TABLE audit_events RENAME TO audit_events_away");
  v1::UpsertCustomerRequest request;
  request.mutable_customer()->set_external_id("unaudited");
  request.mutable_customer()->set_phone(kPhone);
  v1::UpsertCustomerResponse upserted;
  auto customers = v1::CustomerService::NewStub(channel());
  grpc::Status status = customers->UpsertCustomer(Context().get(), request, &upserted);
  ExpectError(status, grpc::StatusCode::UNAVAILABLE, "the audit log could not record this call");
  run("ALTER TABLE audit_events_away RENAME TO audit_events");
  // Sent again, as the answer says: done, and on record.
  status = customers->UpsertCustomer(Context().get(), request, &upserted);
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::ListAuditEventsRequest list;
  list.set_method("/satisfaction.v1.CustomerService/UpsertCustomer");
  std::vector<v1::AuditEvent> events = AuditEvents(list);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].outcome(), "OK");
  EXPECT_EQ(events[0].resource(), "unaudited");
}

TEST_P(AccessE2eTest, AKeyOverItsRateLimitIsToldWhenToRetry) {
  v1::ApiKey slow;
  slow.set_rate_limit_per_minute(6);  // bursts of 1
  auto questionnaires = v1::QuestionnaireService::NewStub(ChannelAs(v1::ROLE_OPERATOR, slow));
  v1::ListQuestionnairesResponse listed;
  ASSERT_TRUE(questionnaires->ListQuestionnaires(Context().get(), {}, &listed).ok());
  grpc::Status limited = questionnaires->ListQuestionnaires(Context().get(), {}, &listed);
  EXPECT_EQ(limited.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_TRUE(absl::StrContains(limited.error_message(), "retry in")) << limited.error_message();
  auto others = v1::QuestionnaireService::NewStub(ChannelAs(v1::ROLE_OPERATOR));
  EXPECT_TRUE(others->ListQuestionnaires(Context().get(), {}, &listed).ok()) << "limits are per key";
}

TEST_P(AccessE2eTest, HealthAndReflectionNeedNoKeyAndReflectionCanBeSwitchedOff) {
  constexpr char kHealthCheck[] = "/grpc.health.v1.Health/Check";
  constexpr char kReflection[] = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";
  const std::string kListServices("\x3a\x00", 2);  // ServerReflectionRequest{list_services: ""}
  auto no_key = server_->ChannelWithKey("");
  EXPECT_TRUE(test_support::GenericCall(no_key, kHealthCheck, "").ok());
  int replies = 0;
  grpc::Status listed = test_support::GenericCall(no_key, kReflection, kListServices, &replies);
  EXPECT_TRUE(listed.ok()) << listed.error_message();
  EXPECT_EQ(replies, 1);

  server::ServerConfig config;
  config.reflection = false;
  auto without_reflection = StartServer(config);
  ASSERT_NE(without_reflection, nullptr);
  EXPECT_EQ(test_support::GenericCall(without_reflection->channel(), kReflection, kListServices).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_TRUE(test_support::GenericCall(without_reflection->ChannelWithKey(""), kHealthCheck, "").ok());
}

TEST_P(AccessE2eTest, TheBootstrapKeyIsUsedOnlyOnAFirstStart) {
  server::ServerConfig config;
  config.bootstrap_admin_key = "another-admin-key-0123456789abcdef01234567";
  auto restarted = StartServer(config);
  ASSERT_NE(restarted, nullptr);
  v1::ListApiKeysResponse listed;
  auto as_new_key = v1::AccessService::NewStub(restarted->channel());
  ExpectError(as_new_key->ListApiKeys(Context().get(), {}, &listed), grpc::StatusCode::UNAUTHENTICATED);
  auto as_first_key = v1::AccessService::NewStub(restarted->ChannelWithKey(test_support::kTestAdminKey));
  EXPECT_TRUE(as_first_key->ListApiKeys(Context().get(), {}, &listed).ok());
}

TEST_P(AccessE2eTest, AKeyRevokedThroughAnotherServerWorksUntilItsCacheTimeEnds) {
  server::ServerConfig cached, uncached;
  cached.key_cache_ttl = absl::Hours(1);
  uncached.key_cache_ttl = absl::ZeroDuration();
  auto first = StartServer(cached);
  auto second = StartServer(uncached);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  std::string id;
  std::string key = keys_->Create(v1::ROLE_OPERATOR, {}, &id);
  auto on_first = v1::QuestionnaireService::NewStub(first->ChannelWithKey(key));
  auto on_second = v1::QuestionnaireService::NewStub(second->ChannelWithKey(key));
  v1::ListQuestionnairesResponse listed;
  ASSERT_TRUE(on_first->ListQuestionnaires(Context().get(), {}, &listed).ok());
  ASSERT_TRUE(on_second->ListQuestionnaires(Context().get(), {}, &listed).ok());

  auto admin_on_second = v1::AccessService::NewStub(second->channel());
  v1::RevokeApiKeyRequest revoke;
  revoke.set_id(id);
  v1::ApiKey revoked;
  ASSERT_TRUE(admin_on_second->RevokeApiKey(Context().get(), revoke, &revoked).ok());
  ExpectError(on_second->ListQuestionnaires(Context().get(), {}, &listed), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(on_first->ListQuestionnaires(Context().get(), {}, &listed).ok())
      << "the first server trusts the key it checked for its --key-cache-ttl";
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(AccessE2eTest);

}  // namespace
}  // namespace satisfaction
