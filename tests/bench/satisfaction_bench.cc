// GetSatisfaction over a large history, beside the plain SQL GROUP BY over
// the raw answers that gives the same numbers. Seeds --responses responses of
// the standard post-delivery survey (5 scored answers each) over --days days
// straight into the MariaDB the server uses (named by SATISFACTION_BENCH_DB_URL,
// which tests/bench/with_server.sh sets), builds their aggregates with
// RebuildAggregates, then times a 90-day query by day and customer type both
// ways, checks the figures are identical, and prints the ratio; the same for
// a query by platform and store (each response answers a revisit of one of
// kEvents events, which carry business context); then exports the same 90
// days as CSV and prints rows/s (with_server.sh prints the server's peak RSS);
// compares the funnel's kept total with one counted revisit by revisit; and
// times the questionnaire's dashboard page.
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
#include "services/revisits/funnel_counts.h"
#include "services/storage/database.h"
#include "tests/support/authorized_channel.h"
#include "tests/support/http_client.h"

namespace {

using namespace satisfaction;

constexpr const char* kItems[] = {"product_quality", "price", "delivery", "recommend", "overall"};
constexpr int kBatch = 5000;  // responses a transaction
// Events with business context: 4 platforms, 20 stores, 10 categories, 5
// couriers, a cause for a third of them.
constexpr int kEvents = 1000;
constexpr const char* kPlatforms[] = {"淘宝", "京东", "拼多多", "抖音"};
constexpr const char* kCouriers[] = {"顺丰", "中通", "圆通", "韵达", "京东物流"};
constexpr const char* kCauses[] = {"物流延迟", "质量问题", "尺码不符"};

// kEvents events, each with its context.
void SeedEvents(soci::session& session) {
  std::string events =
      "INSERT INTO events (event_id, customer_id, trigger_kind, occurred_at_us, order_id, case_id, serving_agent_id,"
      " created_at_us, platform, store, product_category, courier, amount_minor, cause) VALUES ";
  for (int k = 0; k < kEvents; ++k) {
    absl::StrAppend(&events, k ? ", " : "", "('bench-event-", k, "', 1, 1, 0, 'order-", k, "', '', '', 0, '",
                    kPlatforms[k % 4], "', 'store-", k % 20, "', 'category-", k % 10, "', '", kCouriers[k % 5], "', ",
                    k * 100, ", '", k % 3 == 0 ? kCauses[k / 3 % 3] : "", "')");
  }
  session << events;
}

// kCustomers customers of every type, whom the responses answer as: the
// funnel counts revisits by their customer's type, and weighting reads the
// registry's mix.
constexpr int kCustomers = 200000;
void SeedCustomers(soci::session& session) {
  // Cared for just now: the server's periodic care would otherwise plan
  // revisits for them, whose ids the seeded revisits' would collide with.
  long long cared_us = absl::ToUnixMicros(absl::Now());
  for (int first = 1; first <= kCustomers; first += kBatch) {
    std::string customers =
        "INSERT INTO customers (id, external_id, name, phone, email, im_handle, time_zone, preferred_channel,"
        " consent_mask, opt_out_mask, type_override, computed_type, effective_type, rfm_recency, rfm_frequency,"
        " rfm_monetary, order_count, total_spent_minor, serving_agent_id, created_at_us, updated_at_us,"
        " last_care_at_us) VALUES ";
    for (int id = first; id < first + kBatch && id <= kCustomers; ++id) {
      int type = 1 + id % 5;
      absl::StrAppend(&customers, id > first ? ", " : "", "(", id, ", 'bench-customer-", id, "', '', '+86139",
                      100000 + id, "', '', '', 'Asia/Shanghai', 1, 15, 0, 0, ", type, ", ", type,
                      ", 0, 0, 0, 1, 0, '', 0, 0, ", cared_us, ")");
    }
    session << customers;
  }
}

// Responses, the revisits they answer and their answers, written as the
// service would have stored them.
bool Seed(storage::Database& database, long responses, int days, absl::CivilDay last_day) {
  std::mt19937 random(2026);
  absl::TimeZone shanghai = absl::FixedTimeZone(8 * 3600);
  absl::Status status = database.WithSession([&](soci::session& session) {
    session << "SET foreign_key_checks = 0";
    SeedCustomers(session);
    SeedEvents(session);
    for (long first = 0; first < responses; first += kBatch) {
      long last = std::min(responses, first + kBatch);
      std::string rows =
          "INSERT INTO responses (id, revisit_id, customer_id, questionnaire_id, questionnaire_version, customer_type,"
          " channel, agent_id, submitted_at_us, report_day) VALUES ";
      std::string answers = "INSERT INTO response_answers (response_id, item_code, score, text) VALUES ";
      std::string revisits =
          "INSERT INTO revisits (id, customer_id, event_id, rule_id, trigger_kind, channel, due_at_us, expires_at_us,"
          " questionnaire_id, survey, priority, max_attempts, attempts, reserved_agent_id, state, created_at_us,"
          " updated_at_us, reached) VALUES ";
      for (long id = first + 1; id <= last; ++id) {
        // Later ids answer later, as the service's ids do: an export in
        // time order then reads its rows in the order they were written.
        absl::CivilDay day = last_day - (days - 1) + static_cast<int>((id - 1) * days / responses);
        long long at_us = absl::ToUnixMicros(absl::FromCivil(absl::CivilSecond(day) + random() % 86400, shanghai));
        int type = 1 + random() % 5, channel = 1 + random() % 4;
        std::string agent = channel == 1 ? absl::StrCat("agent-", random() % 20) : "";
        absl::StrAppend(&rows, id > first + 1 ? ", " : "", "(", id, ", ", id, ", ", id % kCustomers + 1,
                        ", 'post-delivery', 1, ", type, ", ", channel, ", '", agent, "', ", at_us, ", ",
                        ReportDayNumber(day), ")");
        // Planned a day before the answer, as the funnel counts them.
        long long planned_us = at_us - 86'400'000'000LL;
        absl::StrAppend(&revisits, id > first + 1 ? ", " : "", "(", id, ", ", id % kCustomers + 1, ", 'bench-event-",
                        id % kEvents, "', 'bench', 1, ", channel, ", ", planned_us,
                        ", 0, 'post-delivery', 1, 0, 1, 1,"
                        " '', 4, ",
                        planned_us, ", ", planned_us, ", 1)");
        int mood = random() % 5;  // answers of one response lean together
        for (size_t i = 0; i < std::size(kItems); ++i) {
          int score = std::clamp(1 + mood + static_cast<int>(random() % 3) - 1, 1, 5);
          absl::StrAppend(&answers, id > first + 1 || i ? ", " : "", "(", id, ", '", kItems[i], "', ", score, ", '')");
        }
      }
      session << "BEGIN";
      session << revisits;
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

// What the plain SQL groups by: two columns of the responses `r`, or of the
// events `e` of the revisits answered.
struct PlainGrouping {
  const char* first_column;
  const char* second_column;
  bool by_event = false;
};

// The figures straight from the raw answers: one GROUP BY over them (and one
// over the responses for the counts), folded with the same formulas; keyed by
// the two columns of `by`, read as A and B.
template <typename A, typename B>
std::map<std::tuple<A, B>, std::pair<long long, v1::Figures>> PlainSql(storage::Database& database, int first, int last,
                                                                       PlainGrouping by) {
  using GroupKey = std::tuple<A, B>;
  std::map<GroupKey, std::map<std::string, analytics::ItemTally>> tallies;
  std::map<GroupKey, long long> responses;
  std::string key = absl::StrCat(by.first_column, ", ", by.second_column);
  std::string from = by.by_event ? " FROM responses r JOIN revisits v ON v.id = r.revisit_id"
                                   " JOIN events e ON e.event_id = v.event_id"
                                 : " FROM responses r";
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
    A a{};
    B b{};
    int score = 0;
    long long count = 0;
    std::string where =
        " WHERE r.questionnaire_id = 'post-delivery' AND r.report_day >= :first AND r.report_day <= :last";
    soci::statement answers = (session.prepare << absl::StrCat("SELECT ", key, ", a.item_code, a.score, COUNT(*)", from,
                                                               " JOIN response_answers a ON a.response_id = r.id",
                                                               where, " GROUP BY ", key, ", a.item_code, a.score"),
                               soci::use(first), soci::use(last), soci::into(a), soci::into(b), soci::into(code),
                               soci::into(score), soci::into(count));
    answers.execute();
    while (answers.fetch()) {
      analytics::ItemTally& tally = tallies[{a, b}][code];
      tally.weight = weights[code];
      tally.scores.Add(score, count);
    }
    soci::statement counted =
        (session.prepare << absl::StrCat("SELECT ", key, ", COUNT(*)", from, where, " GROUP BY ", key),
         soci::use(first), soci::use(last), soci::into(a), soci::into(b), soci::into(count));
    counted.execute();
    while (counted.fetch()) responses[{a, b}] = count;
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

// Times GetSatisfaction (`request`, 20 runs after one to warm up) and the
// plain SQL (`plain`, 3 runs), checks every group's figures are identical
// to the bit (`key_of` gives a group's key in the plain SQL's terms), and
// prints both. Returns the number of groups that differ, or -1 on an error.
template <typename KeyOf, typename Plain>
int Compare(const char* title, v1::AnalyticsService::Stub& analytics, const v1::GetSatisfactionRequest& request,
            KeyOf key_of, Plain plain) {
  v1::GetSatisfactionResponse report;
  std::vector<double> service_ms;
  for (int run = 0; run < 21; ++run) {
    grpc::ClientContext context;
    absl::Time began = absl::Now();
    grpc::Status status = analytics.GetSatisfaction(&context, request, &report);
    if (!status.ok()) {
      std::fprintf(stderr, "GetSatisfaction: %s\n", status.error_message().c_str());
      return -1;
    }
    if (run > 0) service_ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - began));  // the first warms up
  }
  std::vector<double> plain_ms;
  decltype(plain()) expected;
  for (int run = 0; run < 3; ++run) {
    absl::Time began = absl::Now();
    expected = plain();
    plain_ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - began));
  }
  int identical = 0, different = 0;
  for (const v1::SatisfactionGroup& group : report.groups()) {
    auto found = expected.find(key_of(group));
    bool same = found != expected.end() && found->second.first == group.responses() &&
                found->second.second.SerializeAsString() == group.figures().SerializeAsString();
    same ? ++identical : ++different;
  }
  if (static_cast<size_t>(report.groups_size()) != expected.size()) ++different;
  double service = Median(service_ms), sql = Median(plain_ms);
  std::printf(
      "90 days by %s (%d groups):\n"
      "  GetSatisfaction:        median %.2f ms, fastest %.2f ms (20 runs)\n"
      "  plain SQL GROUP BY raw: median %.0f ms (3 runs)\n"
      "  ratio (plain SQL / GetSatisfaction): %.0f\n"
      "  figures identical: %d groups, different: %d\n",
      title, report.groups_size(), service, *std::min_element(service_ms.begin(), service_ms.end()), sql, sql / service,
      identical, different);
  return different;
}

// GetResponseFunnel's total for the 28 days to `last_day`, from the counts
// kept (totals_only), median and slowest of 20 runs after one to warm up.
bool TimeKeptFunnel(v1::AnalyticsService::Stub& analytics, const v1::GetResponseFunnelRequest& request,
                    v1::GetResponseFunnelResponse& counted, const char* title) {
  std::vector<double> counted_ms;
  for (int run = 0; run < 21; ++run) {
    grpc::ClientContext context;
    absl::Time began = absl::Now();
    grpc::Status status = analytics.GetResponseFunnel(&context, request, &counted);
    if (!status.ok()) {
      std::fprintf(stderr, "GetResponseFunnel: %s\n", status.error_message().c_str());
      return false;
    }
    if (run > 0) counted_ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - began));
  }
  std::printf("  totals_only, %s: median %.2f ms, slowest %.2f ms (20 runs)\n", title, Median(counted_ms),
              *std::max_element(counted_ms.begin(), counted_ms.end()));
  return true;
}

// The funnel's total for the 28 days to `last_day`: from the counts kept, as
// the rebuild left them (a row a quarter-hour) and as a node's writers leave
// them (each quarter-hour's counts spread over kFunnelSlotsANode rows: the
// rebuilt rows get empty siblings, which the page read after this also
// reads); and counted revisit by revisit with the rows (one run). Prints the
// times and whether the totals agree.
bool CompareFunnel(storage::Database& database, v1::AnalyticsService::Stub& analytics, absl::CivilDay last_day) {
  v1::GetResponseFunnelRequest request;
  request.set_questionnaire_id("post-delivery");
  request.set_first_day(absl::FormatCivilTime(last_day - 27));
  request.set_last_day(absl::FormatCivilTime(last_day));
  request.set_totals_only(true);
  v1::GetResponseFunnelResponse rebuilt, spread, by_rows;
  std::printf("funnel of 28 days:\n");
  if (!TimeKeptFunnel(analytics, request, rebuilt, "a row a quarter-hour")) return false;
  for (int slot = 1; slot < revisits::kFunnelSlotsANode; ++slot) {
    absl::Status status = database.WithSession([&](soci::session& session) {
      session << absl::StrCat(
          "INSERT INTO revisit_funnel_rollups (questionnaire_id, quarter_start_us, slot, planned,"
          " reached, responded) SELECT questionnaire_id, quarter_start_us, ",
          slot, ", 0, 0, 0 FROM revisit_funnel_rollups WHERE slot = 0");
      return absl::OkStatus();
    });
    if (!status.ok()) {
      std::fprintf(stderr, "spreading the funnel's rows: %s\n", status.ToString().c_str());
      return false;
    }
  }
  if (!TimeKeptFunnel(analytics, request, spread, "rows spread as writers leave them")) return false;
  request.set_totals_only(false);
  grpc::ClientContext context;
  absl::Time began = absl::Now();
  grpc::Status status = analytics.GetResponseFunnel(&context, request, &by_rows);
  double rows_ms = absl::ToDoubleMilliseconds(absl::Now() - began);
  if (!status.ok()) {
    std::fprintf(stderr, "GetResponseFunnel: %s\n", status.error_message().c_str());
    return false;
  }
  bool same = rebuilt.total().SerializeAsString() == by_rows.total().SerializeAsString() &&
              spread.total().SerializeAsString() == by_rows.total().SerializeAsString();
  std::printf(
      "  with rows, revisit by revisit: %.0f ms (1 run)\n"
      "  %lld revisits planned; totals identical: %s\n",
      rows_ms, static_cast<long long>(by_rows.total().planned()), same ? "yes" : "NO");
  return same;
}

}  // namespace

// The questionnaire's dashboard page, as a manager opens it: signed in
// with the bench's key, the default view (the 28 days to the last day, by
// day) and 90 days by week, each against the range before. Prints the
// server's own time (its Server-Timing, and each part's) and the client's,
// median and slowest of kPageLoads after a first load.
bool TimeDashboard(absl::CivilDay first_day, absl::CivilDay last_day) {
  const char* port_text = std::getenv("SATISFACTION_BENCH_HTTP_PORT");
  int port = port_text ? std::atoi(port_text) : 0;
  if (port == 0) {
    std::printf("dashboard: not timed (no SATISFACTION_BENCH_HTTP_PORT)\n");
    return true;
  }
  absl::StatusOr<test_support::HttpReply> signed_in = test_support::HttpPost(
      port, "/dashboard/sign-in", absl::StrCat("key=", test_support::BenchKey()), "application/x-www-form-urlencoded");
  std::string cookie = signed_in.ok() ? signed_in->Header("Set-Cookie") : "";
  if (!signed_in.ok() || signed_in->status != 303 || cookie.empty()) {
    std::fprintf(stderr, "dashboard sign-in failed: %s\n",
                 signed_in.ok() ? signed_in->body.c_str() : signed_in.status().ToString().c_str());
    return false;
  }
  cookie = cookie.substr(0, cookie.find(';'));
  const std::pair<const char*, std::string> kViews[] = {
      {"28 days by day",
       absl::StrCat("from=", absl::FormatCivilTime(last_day - 27), "&to=", absl::FormatCivilTime(last_day), "&by=day")},
      {"90 days by week",
       absl::StrCat("from=", absl::FormatCivilTime(first_day), "&to=", absl::FormatCivilTime(last_day), "&by=week")},
  };
  constexpr int kPageLoads = 10;
  for (const auto& [title, query] : kViews) {
    std::vector<double> server_ms, client_ms;
    std::string timing;
    for (int load = 0; load <= kPageLoads; ++load) {
      absl::Time began = absl::Now();
      absl::StatusOr<test_support::HttpReply> page = test_support::HttpGet(
          port, absl::StrCat("/dashboard/questionnaires/post-delivery?", query), {{"Cookie", cookie}});
      double took = absl::ToDoubleMilliseconds(absl::Now() - began);
      if (!page.ok() || page->status != 200 || page->body.find("data-figure=\"index\"") == std::string::npos) {
        std::fprintf(stderr, "dashboard %s failed: %s\n", title,
                     page.ok() ? page->body.substr(0, 2000).c_str() : page.status().ToString().c_str());
        return false;
      }
      if (load == 0) continue;  // the first load warms the database's caches
      timing = page->Header("Server-Timing");
      server_ms.push_back(std::atof(timing.c_str() + timing.find("dur=") + 4));
      client_ms.push_back(took);
    }
    std::printf(
        "dashboard page, %s (with its comparison): at the server median %.1f ms, slowest %.1f ms; at the "
        "client median %.1f ms (last: %s)\n",
        title, Median(server_ms), *std::max_element(server_ms.begin(), server_ms.end()), Median(client_ms),
        timing.c_str());
  }
  return true;
}

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each figure shows as it comes
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
  std::printf(
      "seeded %ld responses (%ld answers) over %d days in %.1f s; aggregates rebuilt in %.1f s: %lld buckets,"
      " %lld revisits in the funnel's counts\n",
      responses, responses * 5, days, seed_seconds, rebuild_seconds, static_cast<long long>(rebuilt.buckets()),
      static_cast<long long>(rebuilt.funnel_revisits()));

  v1::GetSatisfactionRequest request;
  request.set_questionnaire_id("post-delivery");
  request.set_first_day(absl::FormatCivilTime(first_day));
  request.set_last_day(absl::FormatCivilTime(last_day));
  int first = ReportDayNumber(first_day), last = ReportDayNumber(last_day);
  request.add_group_by(v1::GROUPING_DAY);
  request.add_group_by(v1::GROUPING_CUSTOMER_TYPE);
  int by_day = Compare(
      "day and customer type", *analytics, request,
      [](const v1::SatisfactionGroup& group) {
        absl::CivilDay day;
        absl::ParseCivilTime(group.period_start(), &day);
        return std::make_tuple(ReportDayNumber(day), static_cast<int>(group.customer_type()));
      },
      [&] {
        return PlainSql<int, int>(**database, first, last, {"r.report_day", "r.customer_type"});
      });
  request.clear_group_by();
  request.add_group_by(v1::GROUPING_PLATFORM);
  request.add_group_by(v1::GROUPING_STORE);
  PlainGrouping by_context{"e.platform", "e.store", /*by_event=*/true};
  int by_context_differ = Compare(
      "platform and store", *analytics, request,
      [](const v1::SatisfactionGroup& group) { return std::make_tuple(group.platform(), group.store()); },
      [&] { return PlainSql<std::string, std::string>(**database, first, last, by_context); });
  if (by_day < 0 || by_context_differ < 0) return 1;
  int different = by_day + by_context_differ;

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
  if (!CompareFunnel(**database, *analytics, last_day)) return 1;
  if (!TimeDashboard(first_day, last_day)) return 1;
  return different == 0 ? 0 : 1;
}
