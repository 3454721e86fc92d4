// The real binary with --log-format=json: every line it prints is one JSON
// object, each call's line carries its fields as keys and its request id, and
// the client is told that id.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "satisfaction/v1/questionnaire.grpc.pb.h"
#include "satisfaction/v1/response.grpc.pb.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/test_server.h"
#include "tests/support/http_client.h"
#include "tests/support/test_database.h"

namespace satisfaction {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;
using test_support::Context;
using test_support::FreePort;
using test_support::ServerProcess;

// The x-request-id the server sent back in the initial metadata, if any.
std::optional<std::string> RequestIdSentBack(const grpc::ClientContext& context) {
  const auto& metadata = context.GetServerInitialMetadata();
  auto it = metadata.find("x-request-id");
  if (it == metadata.end()) return std::nullopt;
  return std::string(it->second.data(), it->second.size());
}

std::string StringOf(const Struct& line, const std::string& key) {
  auto it = line.fields().find(key);
  return it != line.fields().end() && it->second.kind_case() == Value::kStringValue ? it->second.string_value()
                                                                                    : "<missing>";
}

// The line of the call logged under `request_id`, if exactly one is.
std::optional<Struct> CallLine(const std::vector<Struct>& lines, const std::string& request_id) {
  std::optional<Struct> found;
  for (const Struct& line : lines) {
    if (StringOf(line, "request_id") != request_id) continue;
    if (found.has_value()) return std::nullopt;
    found = line;
  }
  return found;
}

TEST(JsonLog, EveryLineIsJsonAndEachCallCarriesItsRequestId) {
  int port = FreePort();
  std::string folder = test_support::MakeTempDir("satisfaction-db");
  // At the most talkative levels, gRPC's own included, so that lines from
  // every part of the server are there to check.
  ServerProcess process(
      {absl::StrCat("--grpc-listen=127.0.0.1:", port), "--http-listen=", "--log-format=json", "--log-level=trace",
       "--shutdown-grace=1s"},
      {absl::StrCat("SATISFACTION_DB=sqlite3://", folder, "/s.db"),
       "SATISFACTION_TEMPLATES_DIR=" + test_support::RepoRoot() + "/templates",
       absl::StrCat("SATISFACTION_BOOTSTRAP_ADMIN_KEY=", test_support::kTestAdminKey), "GRPC_VERBOSITY=debug"});
  ASSERT_TRUE(process.AwaitOutput("serving gRPC")) << process.Output();
  auto channel = test_support::AuthorizedChannel(absl::StrCat("127.0.0.1:", port), test_support::kTestAdminKey);
  auto questionnaires = v1::QuestionnaireService::NewStub(channel);

  // A client's own id is kept, and told back.
  const std::string chosen = "support-case-4711";
  auto listing = Context();
  listing->AddMetadata("x-request-id", chosen);
  v1::ListQuestionnairesResponse listed;
  ASSERT_TRUE(questionnaires->ListQuestionnaires(listing.get(), {}, &listed).ok());
  EXPECT_EQ(RequestIdSentBack(*listing), chosen);

  // An id the server cannot log as one word is replaced by one of its own.
  auto unfit = Context();
  unfit->AddMetadata("x-request-id", "two words");
  ASSERT_TRUE(questionnaires->ListQuestionnaires(unfit.get(), {}, &listed).ok());
  std::optional<std::string> replaced = RequestIdSentBack(*unfit);
  ASSERT_TRUE(replaced.has_value());
  EXPECT_EQ(replaced->size(), 32u) << *replaced;

  // A refused call, with no id of its own: its message quotes the request,
  // with quotes, a backslash and a line break to escape.
  auto refused = Context();
  v1::GetResponseRequest quoted;
  quoted.set_id("say \"hi\"\\\nbye");
  v1::Response found;
  EXPECT_EQ(v1::ResponseService::NewStub(channel)->GetResponse(refused.get(), quoted, &found).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  std::optional<std::string> refused_id = RequestIdSentBack(*refused);
  ASSERT_TRUE(refused_id.has_value()) << "a refused call is told its id too";

  process.Signal(SIGTERM);
  EXPECT_EQ(process.Wait(), 0) << process.Output();
  std::string output = process.Output();
  ASSERT_TRUE(absl::EndsWith(output, "\n")) << output;
  output.pop_back();
  std::vector<Struct> lines;
  for (absl::string_view text : absl::StrSplit(output, '\n')) {
    Struct line;
    google::protobuf::util::Status parsed = google::protobuf::util::JsonStringToMessage(std::string(text), &line);
    ASSERT_TRUE(parsed.ok()) << "not a JSON object: " << text << " (" << parsed.ToString() << ")";
    for (const char* key : {"time", "level", "message"}) {
      EXPECT_NE(StringOf(line, key), "<missing>") << key << " in " << text;
    }
    lines.push_back(std::move(line));
  }
  EXPECT_TRUE(std::any_of(lines.begin(), lines.end(), [](const Struct& line) {
    return absl::StrContains(StringOf(line, "message"), "server stopped");
  })) << output;

  std::optional<Struct> call = CallLine(lines, chosen);
  ASSERT_TRUE(call.has_value()) << "one line for the call with id " << chosen << ":\n" << output;
  EXPECT_EQ(StringOf(*call, "message"), "rpc");
  EXPECT_EQ(StringOf(*call, "level"), "info");
  EXPECT_EQ(StringOf(*call, "method"), "/satisfaction.v1.QuestionnaireService/ListQuestionnaires");
  EXPECT_EQ(StringOf(*call, "status"), "OK");
  ASSERT_TRUE(call->fields().count("duration_ms"));
  EXPECT_EQ(call->fields().at("duration_ms").kind_case(), Value::kNumberValue);
  EXPECT_GE(call->fields().at("duration_ms").number_value(), 0);
  EXPECT_TRUE(absl::EndsWith(StringOf(*call, "time"), "Z"));

  EXPECT_TRUE(CallLine(lines, *replaced).has_value()) << *replaced;
  EXPECT_FALSE(absl::StrContains(output, "two words")) << "an unfit id is not logged";

  std::optional<Struct> refusal = CallLine(lines, *refused_id);
  ASSERT_TRUE(refusal.has_value()) << *refused_id << ":\n" << output;
  EXPECT_EQ(StringOf(*refusal, "method"), "/satisfaction.v1.ResponseService/GetResponse");
  EXPECT_EQ(StringOf(*refusal, "status"), "INVALID_ARGUMENT");
  EXPECT_TRUE(absl::StrContains(StringOf(*refusal, "status_message"), "say \"hi\"\\"))
      << StringOf(*refusal, "status_message");
  std::filesystem::remove_all(folder);
}

// Every line of `output`, each a JSON object; fails the test on one that is not.
std::vector<Struct> JsonLines(std::string output) {
  std::vector<Struct> lines;
  if (absl::EndsWith(output, "\n")) output.pop_back();
  for (absl::string_view text : absl::StrSplit(output, '\n')) {
    Struct line;
    google::protobuf::util::Status parsed = google::protobuf::util::JsonStringToMessage(std::string(text), &line);
    EXPECT_TRUE(parsed.ok()) << "not a JSON object: " << text << " (" << parsed.ToString() << ")";
    lines.push_back(std::move(line));
  }
  return lines;
}

TEST(JsonLog, EachHttpRequestIsLoggedAndToldItsRequestId) {
  int grpc_port = FreePort(), http_port = FreePort();
  std::string folder = test_support::MakeTempDir("satisfaction-db");
  ServerProcess process({absl::StrCat("--grpc-listen=127.0.0.1:", grpc_port),
                         absl::StrCat("--http-listen=127.0.0.1:", http_port), "--log-format=json",
                         "--shutdown-grace=1s"},
                        {absl::StrCat("SATISFACTION_DB=sqlite3://", folder, "/s.db"),
                         "SATISFACTION_TEMPLATES_DIR=" + test_support::RepoRoot() + "/templates",
                         absl::StrCat("SATISFACTION_BOOTSTRAP_ADMIN_KEY=", test_support::kTestAdminKey)});
  ASSERT_TRUE(process.AwaitOutput("serving gRPC")) << process.Output();

  absl::StatusOr<test_support::HttpReply> page =
      test_support::HttpGet(http_port, "/s/no-such-token", {{"X-Request-Id", "web-case-7"}});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->status, 404);
  EXPECT_EQ(page->Header("X-Request-Id"), "web-case-7");
  absl::StatusOr<test_support::HttpReply> probe = test_support::HttpGet(http_port, "/healthz");
  ASSERT_TRUE(probe.ok()) << probe.status();
  std::string probe_id = probe->Header("X-Request-Id");
  EXPECT_EQ(probe_id.size(), 32u) << "an id of the server's own: " << probe_id;

  process.Signal(SIGTERM);
  EXPECT_EQ(process.Wait(), 0) << process.Output();
  std::vector<Struct> lines = JsonLines(process.Output());
  std::optional<Struct> request = CallLine(lines, "web-case-7");
  ASSERT_TRUE(request.has_value()) << process.Output();
  EXPECT_EQ(StringOf(*request, "message"), "http");
  EXPECT_EQ(StringOf(*request, "level"), "info");
  EXPECT_EQ(StringOf(*request, "method"), "GET");
  EXPECT_EQ(StringOf(*request, "route"), "/s/");
  ASSERT_TRUE(request->fields().count("status"));
  EXPECT_EQ(request->fields().at("status").number_value(), 404);
  ASSERT_TRUE(request->fields().count("duration_ms"));
  EXPECT_EQ(request->fields().at("duration_ms").kind_case(), Value::kNumberValue);
  EXPECT_FALSE(CallLine(lines, probe_id).has_value()) << "probes are logged at debug only";
  EXPECT_FALSE(absl::StrContains(process.Output(), "no-such-token")) << "the token in the path is not logged";
  std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace satisfaction
