// Servers on every node of a Galera cluster taking survey answers at once.
// Each response adds to aggregate rows that every submission of its day
// shares; before those rows were split by node, submissions through two
// nodes collided at commit and failed (36 to 42 a run). Every answer must be
// stored once, no call may fail, and the figures (the funnel's total too)
// must be those a rebuild from the raw responses gives.

#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <iostream>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "satisfaction/v1/analytics.grpc.pb.h"
#include "satisfaction/v1/customer.grpc.pb.h"
#include "satisfaction/v1/message.grpc.pb.h"
#include "satisfaction/v1/response.grpc.pb.h"
#include "satisfaction/v1/revisit.grpc.pb.h"
#include "services/revisits/funnel_counts.h"
#include "services/storage/database.h"
#include "tests/e2e/survey_links.h"
#include "tests/e2e/test_server.h"
#include "tests/support/private_galera.h"
#include "tests/support/test_database.h"

namespace satisfaction::test_support {
namespace {

using google::protobuf::util::TimeUtil;

constexpr int kNodes = 3;
constexpr int kSurveys = 600;
constexpr int kClients = 12;  // four a server
constexpr char kPublicUrl[] = "https://survey.example.cn";
const char* const kAgents[] = {"", "agent-li", "agent-wang", "agent-zhao"};
// The standard post-delivery survey's required items.
const char* const kItems[] = {"product_quality", "price", "delivery", "recommend", "overall"};

// New customers in Shanghai who take SMS, each served by one of kAgents.
void ImportCustomers(TestServer& server) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
  v1::ImportCustomersResponse imported;
  auto writer = v1::CustomerService::NewStub(server.channel())->ImportCustomers(&context, &imported);
  v1::ImportCustomersRequest message;
  for (int i = 0; i < kSurveys; ++i) {
    v1::Customer& customer = *message.add_customers();
    customer.set_external_id(absl::StrCat("galera-", i));
    customer.set_phone(absl::StrCat("+86139", 10000000 + i));
    customer.set_time_zone("Asia/Shanghai");
    customer.set_serving_agent_id(kAgents[i % std::size(kAgents)]);
    customer.mutable_consent()->set_sms(true);
    customer.mutable_consent()->set_phone(true);  // low scores open recovery calls
  }
  ASSERT_TRUE(writer->Write(message));
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(imported.created(), kSurveys);
}

// Each customer's first delivery, four days ago, which the default rules
// follow with an SMS survey; returns the survey links' tokens, as a gateway
// fetches the messages.
std::vector<std::string> SurveyTokens(TestServer& server) {
  auto revisits = v1::RevisitService::NewStub(server.channel());
  for (int i = 0; i < kSurveys; ++i) {
    v1::RecordEventRequest event;
    event.mutable_event()->set_event_id(absl::StrCat("delivered-", i));
    event.mutable_event()->set_customer_external_id(absl::StrCat("galera-", i));
    event.mutable_event()->set_trigger(v1::TRIGGER_ORDER_DELIVERED);
    *event.mutable_event()->mutable_occur_time() =
        TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now() - absl::Hours(24 * 4)));
    v1::RecordEventResponse recorded;
    grpc::Status status = revisits->RecordEvent(Context().get(), event, &recorded);
    EXPECT_TRUE(status.ok()) << status.error_message();
  }
  std::vector<std::string> tokens;
  auto messages = v1::MessageService::NewStub(server.channel());
  for (int round = 0; round < 10 && tokens.size() < static_cast<size_t>(kSurveys); ++round) {
    v1::FetchOutboxRequest fetch;
    fetch.set_channel(v1::CHANNEL_SMS);
    fetch.set_max_count(500);
    fetch.mutable_lease_duration()->set_seconds(600);
    v1::FetchOutboxResponse outbox;
    grpc::Status status = messages->FetchOutbox(Context().get(), fetch, &outbox);
    EXPECT_TRUE(status.ok()) << status.error_message();
    for (const v1::OutboxMessage& message : outbox.messages()) {
      if (!message.survey_url().empty()) tokens.push_back(TokenOf(message.survey_url()));
    }
  }
  EXPECT_EQ(tokens.size(), static_cast<size_t>(kSurveys));
  return tokens;
}

// Answers to survey `i`: scores from 1 to 5 that differ by survey and item.
v1::SubmitResponseRequest Answers(const std::string& token, int i) {
  v1::SubmitResponseRequest request;
  request.set_invitation_token(token);
  request.set_idempotency_key(absl::StrCat("galera-form-", i));
  for (int k = 0; k < static_cast<int>(std::size(kItems)); ++k) {
    v1::Answer& answer = *request.add_answers();
    answer.set_item_code(kItems[k]);
    answer.set_score(1 + (i * 7 + k * 3) % 5);
  }
  return request;
}

// The figures GetSatisfaction gives through `server` for the days around
// today, several ways: from the by-day aggregates and from the full ones.
std::vector<std::string> Figures(TestServer& server) {
  absl::TimeZone shanghai = absl::FixedTimeZone(8 * 3600);
  absl::CivilDay today = absl::ToCivilDay(absl::Now(), shanghai);
  std::vector<std::vector<v1::Grouping>> groupings = {{},
                                                      {v1::GROUPING_DAY, v1::GROUPING_CUSTOMER_TYPE},
                                                      {v1::GROUPING_DIMENSION, v1::GROUPING_ITEM},
                                                      {v1::GROUPING_CHANNEL, v1::GROUPING_AGENT}};
  auto analytics = v1::AnalyticsService::NewStub(server.channel());
  std::vector<std::string> figures;
  for (const std::vector<v1::Grouping>& group_by : groupings) {
    v1::GetSatisfactionRequest request;
    request.set_questionnaire_id("post-delivery");
    request.set_first_day(absl::FormatCivilTime(today - 1));
    request.set_last_day(absl::FormatCivilTime(today + 1));
    for (v1::Grouping grouping : group_by) request.add_group_by(grouping);
    v1::GetSatisfactionResponse response;
    grpc::Status status = analytics->GetSatisfaction(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    figures.push_back(response.DebugString());
  }
  // The funnel's total, from the counts each node kept and revisit by revisit.
  for (bool totals_only : {true, false}) {
    v1::GetResponseFunnelRequest request;
    request.set_questionnaire_id("post-delivery");
    request.set_first_day(absl::FormatCivilTime(today - 1));
    request.set_last_day(absl::FormatCivilTime(today + 1));
    request.set_totals_only(totals_only);
    v1::GetResponseFunnelResponse response;
    grpc::Status status = analytics->GetResponseFunnel(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    figures.push_back(absl::StrCat("funnel total: ", response.total().ShortDebugString()));
  }
  return figures;
}

// The numbers `sql` reads through the node at `url`, a row each (one column).
std::vector<long long> ReadOnNode(const std::string& url, const std::string& sql) {
  std::vector<long long> numbers;
  absl::StatusOr<std::unique_ptr<storage::Database>> database =
      storage::Database::Connect({.url = url, .pool_size = 1});
  EXPECT_TRUE(database.ok()) << database.status();
  if (!database.ok()) return numbers;
  absl::Status status = (*database)->InTransaction(storage::Access::kRead, [&](storage::Transaction& tx) {
    long long number = 0;
    soci::statement read = (tx.session().prepare << sql, soci::into(number));
    read.execute();
    while (read.fetch()) numbers.push_back(number);
    return absl::OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status;
  return numbers;
}

TEST(GaleraResponsesE2eTest, SubmissionsThroughEveryNodeAreStoredOnceAndCountedAsARebuildCounts) {
  std::unique_ptr<PrivateGalera> cluster = PrivateGalera::Start(kNodes);
  const std::vector<std::string>& urls = cluster->urls();
  std::vector<std::unique_ptr<TestServer>> servers;
  for (const std::string& url : urls) {
    // The setup's calls all go through the first server: no rate limit in the way.
    servers.push_back(
        TestServer::Start(url, RepoRoot() + "/templates", {.public_url = kPublicUrl, .key_rate_limit = 1'000'000}));
    ASSERT_NE(servers.back(), nullptr);
  }
  OpenAllDay(servers[0]->channel(), "message_windows");
  ASSERT_NO_FATAL_FAILURE(ImportCustomers(*servers[0]));
  std::vector<std::string> tokens = SurveyTokens(*servers[0]);
  ASSERT_EQ(tokens.size(), static_cast<size_t>(kSurveys));

  // Clients on every server at once, each survey answered once.
  std::atomic<int> next{0};
  std::mutex mutex;
  std::vector<long long> acknowledged;
  std::vector<std::string> failures;
  std::vector<std::thread> clients;
  absl::Time began = absl::Now();
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      auto responses = v1::ResponseService::NewStub(servers[c % kNodes]->channel());
      for (int i = next++; i < kSurveys; i = next++) {
        v1::Response stored;
        grpc::Status status = responses->SubmitResponse(Context().get(), Answers(tokens[i], i), &stored);
        std::lock_guard<std::mutex> lock(mutex);
        if (status.ok()) {
          acknowledged.push_back(std::stoll(stored.id()));
        } else {
          failures.push_back(absl::StrCat("survey ", i, " through server ", c % kNodes + 1, ": ", status.error_code(),
                                          " ", status.error_message()));
        }
      }
    });
  }
  for (std::thread& client : clients) client.join();
  std::cout << kSurveys << " submissions through " << kNodes << " servers in " << absl::Now() - began << "\n";
  EXPECT_TRUE(failures.empty()) << failures.size() << " failed calls, the first: " << failures.front();
  ASSERT_EQ(acknowledged.size(), static_cast<size_t>(kSurveys));

  // Each acknowledged response stored, once (read through the last node: its reads are causal).
  std::vector<long long> stored = ReadOnNode(urls.back(), "SELECT id FROM responses ORDER BY id");
  EXPECT_EQ(std::set<long long>(acknowledged.begin(), acknowledged.end()),
            std::set<long long>(stored.begin(), stored.end()));
  EXPECT_EQ(stored.size(), static_cast<size_t>(kSurveys));
  EXPECT_EQ(ReadOnNode(urls.back(), "SELECT COUNT(DISTINCT revisit_id) FROM responses"),
            std::vector<long long>{kSurveys});
  // Each node added to its own aggregate rows.
  EXPECT_EQ(ReadOnNode(urls.back(), "SELECT DISTINCT slot FROM response_rollups ORDER BY slot"),
            (std::vector<long long>{0, 1, 2}));

  // The figures, through any server, are those a rebuild from the raw responses gives.
  std::vector<std::string> figures = Figures(*servers[1]);
  EXPECT_NE(figures.front().find(absl::StrCat("responses: ", kSurveys)), std::string::npos) << figures.front();
  EXPECT_EQ(figures[figures.size() - 2], figures.back()) << "the funnel's kept total against its count";
  EXPECT_NE(figures.back().find(absl::StrCat("responded: ", kSurveys)), std::string::npos) << figures.back();
  std::set<long long> funnel_nodes;
  for (long long slot : ReadOnNode(urls.back(), "SELECT DISTINCT slot FROM revisit_funnel_rollups")) {
    funnel_nodes.insert(slot / revisits::kFunnelSlotsANode);
  }
  EXPECT_EQ(funnel_nodes, (std::set<long long>{0, 1, 2}));
  v1::RebuildAggregatesRequest rebuild;
  rebuild.set_questionnaire_id("post-delivery");
  v1::RebuildAggregatesResponse rebuilt;
  grpc::Status status =
      v1::AnalyticsService::NewStub(servers[2]->channel())->RebuildAggregates(Context().get(), rebuild, &rebuilt);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(rebuilt.responses(), kSurveys);
  EXPECT_EQ(rebuilt.funnel_revisits(), kSurveys);
  EXPECT_EQ(ReadOnNode(urls.back(), "SELECT COUNT(*) FROM response_rollups WHERE slot <> 0"),
            std::vector<long long>{0});
  EXPECT_EQ(Figures(*servers[0]), figures);
}

}  // namespace
}  // namespace satisfaction::test_support
