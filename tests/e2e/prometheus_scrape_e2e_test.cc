// A real Prometheus server (Debian's, on a loopback port, with its own data
// folder) scrapes the server's metrics and loads the alert rules: what an
// operator's Prometheus will see.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "satisfaction/v1/customer.grpc.pb.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/server_process.h"
#include "tests/support/http_client.h"

namespace satisfaction {
namespace {

using test_support::Context;

constexpr char kPrometheus[] = "/usr/bin/prometheus";

class PrometheusScrapeTest : public test_support::E2eTest {
 protected:
  // Asks Prometheus' HTTP API (`path` with its query string) and parses the answer.
  google::protobuf::Struct Api(int port, const std::string& path) {
    google::protobuf::Struct answer;
    absl::StatusOr<test_support::HttpReply> reply = test_support::HttpGet(port, path);
    if (!reply.ok() || reply->status != 200) return answer;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(reply->body, &answer).ok()) << reply->body;
    return answer;
  }

  // How many series `query` (URL-encoded) finds now.
  int Series(int port, const std::string& query) {
    google::protobuf::Struct answer = Api(port, "/api/v1/query?query=" + query);
    auto data = answer.fields().find("data");
    if (data == answer.fields().end()) return 0;
    auto result = data->second.struct_value().fields().find("result");
    return result == data->second.struct_value().fields().end() ? 0 : result->second.list_value().values_size();
  }
};

TEST_P(PrometheusScrapeTest, PrometheusScrapesTheServerAndLoadsTheAlertRules) {
  ASSERT_TRUE(std::filesystem::exists(kPrometheus)) << "the README test command installs Debian's prometheus";
  // A call, so that the call counters have a series.
  v1::ListCustomersRequest list;
  v1::ListCustomersResponse customers;
  ASSERT_TRUE(v1::CustomerService::NewStub(channel())->ListCustomers(Context().get(), list, &customers).ok());

  std::string folder = test_support::MakeTempDir("prometheus");
  std::ofstream(folder + "/prometheus.yml")
      << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
      << "rule_files:\n  - " << test_support::RepoRoot() << "/deploy/prometheus/satisfaction-rules.yml\n"
      << "scrape_configs:\n  - job_name: satisfaction\n    static_configs:\n      - targets: ['127.0.0.1:"
      << server_->server().metrics_port() << "']\n";
  int port = test_support::FreePort();
  test_support::ServerProcess prometheus({absl::StrCat("--config.file=", folder, "/prometheus.yml"),
                                          absl::StrCat("--storage.tsdb.path=", folder, "/data"),
                                          absl::StrCat("--web.listen-address=127.0.0.1:", port)},
                                         {}, kPrometheus);

  // Prometheus scrapes within a second or two of starting.
  absl::Time give_up = absl::Now() + absl::Seconds(60);
  while (absl::Now() < give_up && Series(port, "up%7Bjob%3D%22satisfaction%22%7D%3D%3D1") == 0) {
    absl::SleepFor(absl::Milliseconds(200));
  }
  ASSERT_EQ(Series(port, "up%7Bjob%3D%22satisfaction%22%7D%3D%3D1"), 1) << prometheus.Output();
  EXPECT_EQ(Series(port, "satisfaction_build_info"), 1);
  EXPECT_EQ(Series(port, "satisfaction_database_up%3D%3D1"), 1);
  EXPECT_EQ(Series(port,
                   "satisfaction_grpc_calls_total%7Bmethod%3D%22%2Fsatisfaction.v1.CustomerService%2FListCustomers%22"
                   "%2Ccode%3D%22OK%22%7D"),
            1);

  // Every rule of the rules file is loaded and evaluated without error.
  google::protobuf::Struct rules = Api(port, "/api/v1/rules");
  std::string text;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(rules, &text).ok());
  EXPECT_NE(text.find("SatisfactionDatabaseUnavailable"), std::string::npos) << text;
  EXPECT_EQ(text.find("\"health\":\"err\""), std::string::npos) << text;
  std::filesystem::remove_all(folder);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, PrometheusScrapeTest, testing::Values(test_support::TestBackend::kSqlite),
                         testing::PrintToStringParamName());

}  // namespace
}  // namespace satisfaction
