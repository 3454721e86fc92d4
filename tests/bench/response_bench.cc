// SubmitResponse under load, beside what one transaction per response can do
// at all. For each client count (--clients, default 16,64): --responses web
// responses submitted through the real server by that many concurrent
// clients, then the same rows (a response, its answers, its invitation spent,
// its aggregates) inserted straight into the same MariaDB, one transaction per
// response, from as many connections. Prints throughput, p50/p99 latency and
// the ratio. Customers are imported through the API; their revisits and
// invitations are seeded straight into the database the server uses (named by
// SATISFACTION_BENCH_DB_URL, which tests/bench/with_server.sh sets).
//   bash tests/bench/with_server.sh build/tests/response_bench --responses 10000
// Given several targets (HOST:PORT,HOST:PORT,...), the clients spread over them.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "satisfaction/v1/customer.grpc.pb.h"
#include "satisfaction/v1/response.grpc.pb.h"
#include "services/common/secrets.h"
#include "services/storage/database.h"
#include "services/storage/sql_text.h"
#include "tests/bench/bench_customers.h"
#include "tests/support/authorized_channel.h"

namespace {

using namespace satisfaction;

// The standard post-delivery survey's required items.
constexpr const char* kItems[] = {"product_quality", "price", "delivery", "recommend", "overall"};

struct Survey {
  long long revisit_id = 0, customer_id = 0;
  std::string token;
};

// One delivered SMS survey per customer whose id starts with `prefix`, each
// with an invitation; returns them with their tokens.
absl::StatusOr<std::vector<Survey>> SeedSurveys(storage::Database& database, const std::string& prefix) {
  std::vector<Survey> surveys;
  absl::Status status = database.InTransaction(storage::Access::kWrite, [&](storage::Transaction& tx) {
    soci::session& session = tx.session();
    long long now_us = absl::ToUnixMicros(absl::Now()), expires_us = now_us + 86'400'000'000LL;
    std::string pattern = prefix + "%";
    session << "INSERT INTO revisits (customer_id, event_id, rule_id, trigger_kind, channel, due_at_us,"
               " expires_at_us, questionnaire_id, survey, priority, max_attempts, attempts, reserved_agent_id, state,"
               " created_at_us, updated_at_us, queue) SELECT id, CONCAT('bench-', id), 'bench', 1, 2, :due,"
               " :expires, 'post-delivery', 1, 10, 1, 1, '', 4, :now, :now2, 'default' FROM customers"
               " WHERE external_id LIKE :pattern",
        soci::use(now_us), soci::use(expires_us), soci::use(now_us), soci::use(now_us), soci::use(pattern);
    std::vector<long long> revisit_ids(1'000'000), customer_ids(1'000'000);
    session << "SELECT r.id, r.customer_id FROM revisits r JOIN customers c ON c.id = r.customer_id"
               " WHERE c.external_id LIKE :pattern",
        soci::use(pattern), soci::into(revisit_ids), soci::into(customer_ids);
    for (size_t i = 0; i < revisit_ids.size(); ++i) {
      surveys.push_back({revisit_ids[i], customer_ids[i], RandomUrlToken(16)});
    }
    for (size_t first = 0; first < surveys.size(); first += 1000) {
      std::string sql =
          "INSERT INTO invitations (token_hash, revisit_id, customer_id, questionnaire_id, questionnaire_version,"
          " channel, created_at_us, expires_at_us) VALUES ";
      size_t last = std::min(surveys.size(), first + 1000);
      for (size_t i = first; i < last; ++i) {
        absl::StrAppend(&sql, i > first ? ", " : "", "('", Sha256Hex(surveys[i].token), "', ", surveys[i].revisit_id,
                        ", ", surveys[i].customer_id, ", 'post-delivery', 1, 2, ", now_us, ", ", expires_us, ")");
      }
      session << sql;
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return surveys;
}

double Percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  size_t index = std::min(values.size() - 1, static_cast<size_t>(p * values.size()));
  std::nth_element(values.begin(), values.begin() + index, values.end());
  return values[index];
}

struct Run {
  double per_second = 0, p50_ms = 0, p99_ms = 0;
  long failed = 0;
};

// Runs `work` for every survey from `clients` threads; work returns whether it succeeded.
template <typename Work>
Run RunConcurrently(const std::vector<Survey>& surveys, int clients, Work work) {
  std::atomic<size_t> next{0};
  std::atomic<long> failed{0};
  std::mutex mutex;
  std::vector<double> latencies;
  absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      std::vector<double> mine;
      for (size_t i = next++; i < surveys.size(); i = next++) {
        absl::Time began = absl::Now();
        if (!work(c, surveys[i], static_cast<int>(i))) ++failed;
        mine.push_back(absl::ToDoubleMilliseconds(absl::Now() - began));
      }
      std::lock_guard<std::mutex> lock(mutex);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  }
  for (std::thread& thread : threads) thread.join();
  Run run;
  run.per_second = surveys.size() / absl::ToDoubleSeconds(absl::Now() - start);
  run.p50_ms = Percentile(latencies, 0.5);
  run.p99_ms = Percentile(latencies, 0.99);
  run.failed = failed;
  return run;
}

// What SubmitResponse stores for a web response, written straight: one
// transaction, a statement per table.
bool InsertStraight(storage::Database& database, const Survey& survey, int index) {
  absl::Status status = database.InTransaction(storage::Access::kWrite, [&](storage::Transaction& tx) {
    soci::session& session = tx.session();
    long long now_us = absl::ToUnixMicros(absl::Now()), response_id = 0;
    session << "INSERT INTO responses (revisit_id, invitation_id, customer_id, questionnaire_id,"
               " questionnaire_version, customer_type, channel, agent_id, idempotency_key, submitted_at_us,"
               " report_day) VALUES (:revisit, NULL, :customer, 'post-delivery', 1, 1, 2, '', NULL, :now, 20261126)",
        soci::use(survey.revisit_id), soci::use(survey.customer_id), soci::use(now_us);
    session.get_last_insert_id("responses", response_id);
    std::string answers = "INSERT INTO response_answers (response_id, item_code, score, text) VALUES ";
    // The aggregate rows of this node's slot, as the server adds to them.
    const int slot = tx.cluster_node().index;
    std::string rollups = absl::StrCat(
        "INSERT INTO response_rollups (questionnaire_id, questionnaire_version, day, item_code, customer_type,"
        " channel, agent_id, score, slot, answers) VALUES ('post-delivery', 1, 20261126, '', 1, 2, '', 0, ",
        slot, ", 1)");
    for (size_t i = 0; i < std::size(kItems); ++i) {
      int score = 3 + (index + static_cast<int>(i)) % 3;
      absl::StrAppend(&answers, i ? ", " : "", "(", response_id, ", '", kItems[i], "', ", score, ", '')");
      absl::StrAppend(&rollups, ", ('post-delivery', 1, 20261126, '", kItems[i], "', 1, 2, '', ", score, ", ", slot,
                      ", 1)");
    }
    session << answers;
    session << "UPDATE invitations SET used_at_us = :now WHERE revisit_id = :revisit AND used_at_us IS NULL",
        soci::use(now_us), soci::use(survey.revisit_id);
    session << rollups + " ON DUPLICATE KEY UPDATE answers = answers + 1";
    return absl::OkStatus();
  });
  return status.ok();
}

}  // namespace

int main(int argc, char** argv) {
  std::string target = "127.0.0.1:50051", client_list = "16,64";
  long responses = 10'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--target") target = argv[i + 1];
    if (flag == "--responses") responses = std::atol(argv[i + 1]);
    if (flag == "--clients") client_list = argv[i + 1];
  }
  const char* url = std::getenv("SATISFACTION_BENCH_DB_URL");
  if (url == nullptr) {
    std::fprintf(stderr, "set SATISFACTION_BENCH_DB_URL (tests/bench/with_server.sh does)\n");
    return 2;
  }
  std::vector<int> client_counts;
  for (absl::string_view count : absl::StrSplit(client_list, ',')) {
    int value = 0;
    if (absl::SimpleAtoi(count, &value) && value > 0) client_counts.push_back(value);
  }
  // Several servers (SERVERS=N or GALERA=N in with_server.sh): clients spread over them.
  std::vector<std::string> targets = absl::StrSplit(target, ',');
  auto channel = satisfaction::test_support::AuthorizedChannel(targets[0], satisfaction::test_support::BenchKey());
  auto customers = v1::CustomerService::NewStub(channel);
  int max_clients = *std::max_element(client_counts.begin(), client_counts.end());
  absl::StatusOr<std::unique_ptr<storage::Database>> database =
      storage::Database::Connect({.url = url, .pool_size = static_cast<size_t>(max_clients)});
  if (!database.ok()) {
    std::fprintf(stderr, "database: %s\n", database.status().ToString().c_str());
    return 1;
  }
  int exit_code = 0;
  for (int clients : client_counts) {
    std::string service_prefix = absl::StrCat("rs", clients, "-"), straight_prefix = absl::StrCat("rd", clients, "-");
    if (!bench::ImportCustomers(*customers, responses, service_prefix, "+86135") ||
        !bench::ImportCustomers(*customers, responses, straight_prefix, "+86136")) {
      return 1;
    }
    absl::StatusOr<std::vector<Survey>> for_service = SeedSurveys(**database, service_prefix);
    absl::StatusOr<std::vector<Survey>> for_straight = SeedSurveys(**database, straight_prefix);
    if (!for_service.ok() || !for_straight.ok()) {
      std::fprintf(stderr, "seeding failed\n");
      return 1;
    }

    std::vector<std::unique_ptr<v1::ResponseService::Stub>> stubs;
    for (int c = 0; c < clients; ++c) {
      grpc::ChannelArguments arguments;
      arguments.SetInt("client", c);  // a connection of its own, as separate web servers have
      stubs.push_back(v1::ResponseService::NewStub(
          satisfaction::test_support::AuthorizedChannel(targets[c % targets.size()], satisfaction::test_support::BenchKey(),
                                                        grpc::InsecureChannelCredentials(), arguments)));
    }
    Run service = RunConcurrently(*for_service, clients, [&](int client, const Survey& survey, int index) {
      v1::SubmitResponseRequest request;
      request.set_invitation_token(survey.token);
      request.set_idempotency_key(absl::StrCat("bench-", survey.revisit_id));  // as the survey page sends one
      for (size_t i = 0; i < std::size(kItems); ++i) {
        v1::Answer& answer = *request.add_answers();
        answer.set_item_code(kItems[i]);
        answer.set_score(3 + (index + static_cast<int>(i)) % 3);  // no low scores: no recovery calls
      }
      grpc::ClientContext context;
      v1::Response response;
      grpc::Status status = stubs[client]->SubmitResponse(&context, request, &response);
      if (!status.ok()) std::fprintf(stderr, "submit failed: %s\n", status.error_message().c_str());
      return status.ok();
    });
    Run straight = RunConcurrently(*for_straight, clients, [&](int, const Survey& survey, int index) {
      return InsertStraight(**database, survey, index);
    });
    std::printf(
        "%d clients, %ld responses each way:\n"
        "  SubmitResponse:   %.0f responses/s, p50 %.2f ms, p99 %.2f ms, failed %ld\n"
        "  straight inserts: %.0f responses/s, p50 %.2f ms, p99 %.2f ms, failed %ld\n"
        "  ratio (SubmitResponse / straight): %.2f\n",
        clients, responses, service.per_second, service.p50_ms, service.p99_ms, service.failed, straight.per_second,
        straight.p50_ms, straight.p99_ms, straight.failed, service.per_second / straight.per_second);
    if (service.failed || straight.failed) exit_code = 1;
  }
  return exit_code;
}
