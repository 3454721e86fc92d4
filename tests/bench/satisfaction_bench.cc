// GetSatisfaction over a large history, beside the plain SQL GROUP BY over
// the raw answers that gives the same numbers. Seeds --responses responses of
// the standard post-delivery survey (5 scored answers each) over --days days
// straight into the MariaDB the server uses (named by SATISFACTION_BENCH_DB_URL,
// which tests/bench/with_server.sh sets), builds their aggregates with
// RebuildAggregates, then times a 90-day query by day and customer type both
// ways, checks the figures are identical, and prints the ratio; then exports
// the same 90 days as CSV and prints rows/s (with_server.sh prints the
// server's peak RSS).
//   bash tests/bench/with_server.sh build/tests/satisfaction_bench --responses 2000000
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "satisfaction/v1/analytics.grpc.pb.h"
#include "services/analytics/satisfaction_figures.h"
#include "services/common/report_days.h"
#include "services/storage/database.h"
#include "tests/support/authorized_channel.h"

namespace {

using namespace satisfaction;

constexpr const char* kItems[] = {"product_quality", "price", "delivery", "recommend", "overall"};
constexpr int kBatch = 5000;  // responses a transaction

// Responses and their answers, written as the service would have stored them
// (foreign keys to revisits off: the history has no revisits behind it).
bool Seed(storage::Database& database, long responses, int days, absl::CivilDay last_day) {
  std::mt19937 random(2026);
  absl::TimeZone shanghai = absl::FixedTimeZone(8 * 3600);
  absl::Status status = database.WithSession([&](soci::session& session) {
    session << "SET foreign_key_checks = 0";
    for (long first = 0; first < responses; first += kBatch) {
      long last = std::min(responses, first + kBatch);
      std::string rows =
          "INSERT INTO responses (id, revisit_id, customer_id, questionnaire_id, questionnaire_version, customer_type,"
          " channel, agent_id, submitted_at_us, report_day) VALUES ";
      std::string answers = "INSERT INTO response_answers (response_id, item_code, score, text) VALUES ";
      for (long id = first + 1; id <= last; ++id) {
        absl::CivilDay day = last_day - static_cast<int>(random() % days);
        long long at_us = absl::ToUnixMicros(absl::FromCivil(absl::CivilSecond(day) + random() % 86400, shanghai));
        int type = 1 + random() % 5, channel = 1 + random() % 4;
        std::string agent = channel == 1 ? absl::StrCat("agent-", random() % 20) : "";
        absl::StrAppend(&rows, id > first + 1 ? ", " : "", "(", id, ", ", id, ", ", id % 200000 + 1,
                        ", 'post-delivery', 1, ", type, ", ", channel, ", '", agent, "', ", at_us, ", ",
                        ReportDayNumber(day), ")");
        int mood = random() % 5;  // answers of one response lean together
        for (size_t i = 0; i < std::size(kItems); ++i) {
          int score = std::clamp(1 + mood + static_cast<int>(random() % 3) - 1, 1, 5);
          absl::StrAppend(&answers, id > first + 1 || i ? ", " : "", "(", id, ", '", kItems[i], "', ", score, ", '')");
        }
      }
      session << "BEGIN";
      session << rows;
      session << answers;
      session << "COMMIT";
    }
    session << "SET foreign_key_checks = 1";
    return absl::OkStatus();
  });
  if (!status.ok()) std::fprintf(stderr, "seeding: %s\n", status.ToString().c_str());
  return status.ok();
}

using GroupKey = std::tuple<int, int>;  // day, customer type

// The figures straight from the raw answers: one GROUP BY over them (and one
// over the responses for the counts), folded with the same formulas.
std::map<GroupKey, std::pair<long long, v1::Figures>> PlainSql(storage::Database& database, int first, int last) {
  std::map<GroupKey, std::map<std::string, analytics::ItemTally>> tallies;
  std::map<GroupKey, long long> responses;
  absl::Status status = database.InTransaction(storage::Access::kRead, [&](storage::Transaction& tx) {
    soci::session& session = tx.session();
    std::map<std::string, double> weights;
    std::string code;
    double weight = 0;
    soci::statement items = (session.prepare << "SELECT code, weight FROM questionnaire_items WHERE"
                                                " questionnaire_id = 'post-delivery' AND version = 1 AND kind = 1",
                             soci::into(code), soci::into(weight));
    items.execute();
    while (items.fetch()) weights[code] = weight;
    int day = 0, type = 0, score = 0;
    long long count = 0;
    soci::statement answers =
        (session.prepare
             << "SELECT r.report_day, r.customer_type, a.item_code, a.score, COUNT(*) FROM responses r"
                " JOIN response_answers a ON a.response_id = r.id WHERE r.questionnaire_id = 'post-delivery'"
                " AND r.report_day >= :first AND r.report_day <= :last"
                " GROUP BY r.report_day, r.customer_type, a.item_code, a.score",
         soci::use(first), soci::use(last), soci::into(day), soci::into(type), soci::into(code), soci::into(score),
         soci::into(count));
    answers.execute();
    while (answers.fetch()) {
      analytics::ItemTally& tally = tallies[{day, type}][code];
      tally.weight = weights[code];
      tally.scores.Add(score, count);
    }
    soci::statement counted = (session.prepare << "SELECT report_day, customer_type, COUNT(*) FROM responses"
                                                  " WHERE questionnaire_id = 'post-delivery' AND report_day >= :first"
                                                  " AND report_day <= :last GROUP BY report_day, customer_type",
                               soci::use(first), soci::use(last), soci::into(day), soci::into(type), soci::into(count));
    counted.execute();
    while (counted.fetch()) responses[{day, type}] = count;
    return absl::OkStatus();
  });
  std::map<GroupKey, std::pair<long long, v1::Figures>> figures;
  if (!status.ok()) {
    std::fprintf(stderr, "plain SQL: %s\n", status.ToString().c_str());
    return figures;
  }
  for (const auto& [key, items] : tallies) {
    std::vector<const analytics::ItemTally*> all;
    for (const auto& [code, tally] : items) all.push_back(&tally);
    figures[key] = {responses[key], analytics::FiguresOf(all)};
  }
  return figures;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  std::string target = "127.0.0.1:50051";
  long responses = 2'000'000;
  int days = 180;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--target") target = argv[i + 1];
    if (flag == "--responses") responses = std::atol(argv[i + 1]);
    if (flag == "--days") days = std::atoi(argv[i + 1]);
  }
  const char* url = std::getenv("SATISFACTION_BENCH_DB_URL");
  if (url == nullptr || days < 90) {
    std::fprintf(stderr, "set SATISFACTION_BENCH_DB_URL (tests/bench/with_server.sh does); --days at least 90\n");
    return 2;
  }
  absl::StatusOr<std::unique_ptr<storage::Database>> database =
      storage::Database::Connect({.url = url, .pool_size = 2});
  if (!database.ok()) {
    std::fprintf(stderr, "database: %s\n", database.status().ToString().c_str());
    return 1;
  }
  auto analytics = v1::AnalyticsService::NewStub(
      satisfaction::test_support::AuthorizedChannel(target, satisfaction::test_support::BenchKey()));
  absl::CivilDay last_day(2026, 11, 25), first_day = last_day - 89;

  absl::Time started = absl::Now();
  if (!Seed(**database, responses, days, last_day)) return 1;
  double seed_seconds = absl::ToDoubleSeconds(absl::Now() - started);
  started = absl::Now();
  grpc::ClientContext rebuild_context;
  v1::RebuildAggregatesRequest rebuild;
  rebuild.set_questionnaire_id("post-delivery");
  v1::RebuildAggregatesResponse rebuilt;
  grpc::Status status = analytics->RebuildAggregates(&rebuild_context, rebuild, &rebuilt);
  if (!status.ok()) {
    std::fprintf(stderr, "rebuild: %s\n", status.error_message().c_str());
    return 1;
  }
  double rebuild_seconds = absl::ToDoubleSeconds(absl::Now() - started);
  std::printf("seeded %ld responses (%ld answers) over %d days in %.1f s; aggregates rebuilt in %.1f s: %lld buckets\n",
              responses, responses * 5, days, seed_seconds, rebuild_seconds, static_cast<long long>(rebuilt.buckets()));

  v1::GetSatisfactionRequest request;
  request.set_questionnaire_id("post-delivery");
  request.set_first_day(absl::FormatCivilTime(first_day));
  request.set_last_day(absl::FormatCivilTime(last_day));
  request.add_group_by(v1::GROUPING_DAY);
  request.add_group_by(v1::GROUPING_CUSTOMER_TYPE);
  v1::GetSatisfactionResponse report;
  std::vector<double> service_ms;
  for (int run = 0; run < 21; ++run) {
    grpc::ClientContext context;
    absl::Time began = absl::Now();
    status = analytics->GetSatisfaction(&context, request, &report);
    if (!status.ok()) {
      std::fprintf(stderr, "GetSatisfaction: %s\n", status.error_message().c_str());
      return 1;
    }
    if (run > 0) service_ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - began));  // the first warms up
  }
  std::vector<double> plain_ms;
  std::map<GroupKey, std::pair<long long, v1::Figures>> plain;
  for (int run = 0; run < 3; ++run) {
    absl::Time began = absl::Now();
    plain = PlainSql(**database, ReportDayNumber(first_day), ReportDayNumber(last_day));
    plain_ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - began));
  }

  // Identical: every group's counts and every figure, to the bit.
  int identical = 0, different = 0;
  for (const v1::SatisfactionGroup& group : report.groups()) {
    absl::CivilDay day;
    absl::ParseCivilTime(group.period_start(), &day);
    auto found = plain.find({ReportDayNumber(day), group.customer_type()});
    bool same = found != plain.end() && found->second.first == group.responses() &&
                found->second.second.SerializeAsString() == group.figures().SerializeAsString();
    same ? ++identical : ++different;
  }
  if (static_cast<size_t>(report.groups_size()) != plain.size()) ++different;
  double service = Median(service_ms), sql = Median(plain_ms);
  std::printf(
      "90 days by day and customer type (%d groups):\n"
      "  GetSatisfaction:        median %.2f ms, fastest %.2f ms (20 runs)\n"
      "  plain SQL GROUP BY raw: median %.0f ms (3 runs)\n"
      "  ratio (plain SQL / GetSatisfaction): %.0f\n"
      "  figures identical: %d groups, different: %d\n",
      report.groups_size(), service, *std::min_element(service_ms.begin(), service_ms.end()), sql, sql / service,
      identical, different);

  // The same 90 days exported as CSV.
  v1::ExportResponsesRequest export_request;
  export_request.set_questionnaire_id("post-delivery");
  export_request.set_first_day(request.first_day());
  export_request.set_last_day(request.last_day());
  export_request.set_format(v1::EXPORT_FORMAT_CSV);
  export_request.set_page_size(5000);
  grpc::ClientContext export_context;
  absl::Time began = absl::Now();
  auto reader = analytics->ExportResponses(&export_context, export_request);
  v1::ExportResponsesPage page;
  long lines = 0, bytes = 0;
  while (reader->Read(&page)) {
    lines += std::count(page.csv().begin(), page.csv().end(), '\n');
    bytes += page.csv().size();
  }
  status = reader->Finish();
  double export_seconds = absl::ToDoubleSeconds(absl::Now() - began);
  if (!status.ok()) {
    std::fprintf(stderr, "export: %s\n", status.error_message().c_str());
    return 1;
  }
  std::printf("export of the 90 days as CSV: %ld rows, %.1f MB in %.1f s: %.0f rows/s\n", lines - 1, bytes / 1e6,
              export_seconds, (lines - 1) / export_seconds);
  return different == 0 ? 0 : 1;
}
