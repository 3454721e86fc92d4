// Malformed traffic against the real binary, on each backend. Every method of
// every service (found in the descriptors, so new ones are covered) gets
// requests made from fixed seeds: empty, random bytes, messages filled with
// odd values (huge, multi-byte and invalid UTF-8 strings, negative and extreme
// numbers, unknown enum values, long lists), and those cut short or with bytes
// flipped. No answer may be INTERNAL, UNKNOWN, UNIMPLEMENTED or DATA_LOSS
// (nor RESOURCE_EXHAUSTED: nothing here reaches a limit, and trailers too
// large for the client showed as that); the server must stay SERVING, its
// resident memory bounded and its log lines short.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/stubs/logging.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <map>
#include <mutex>
#include <ostream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "satisfaction/v1/questionnaire.grpc.pb.h"
#include "tests/e2e/api_methods.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/request_fuzzer.h"
#include "tests/e2e/server_process.h"
#include "tests/support/test_database.h"

namespace satisfaction {
namespace {

using google::protobuf::MethodDescriptor;

constexpr int kClientThreads = 4;
// Requests per method in each round; the first round warms the server up.
constexpr int kRequestsPerRound = 40;
constexpr int kRounds = 4;
// How much the server's resident memory may grow after the first round.
constexpr long kMaxGrowthKib = 32 * 1024;
// No log line may be longer: a request value is never logged whole.
constexpr size_t kMaxLogLineBytes = 2048;

// A stable seed per method and round (FNV-1a), whatever order threads run in.
uint64_t SeedOf(const std::string& method, int round) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : absl::StrCat(method, "#", round)) hash = (hash ^ c) * 1099511628211ull;
  return hash;
}

// Calls `path` with `requests` (one, or several for a client stream) through
// gRPC's generic stub. A server stream is cancelled after its first reply:
// some (WatchCallbacks) never end by themselves.
grpc::Status Call(grpc::GenericStub& stub, const std::string& path, const std::vector<std::string>& requests,
                  bool server_streaming) {
  grpc::CompletionQueue queue;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + (server_streaming ? absl::Seconds(3) : absl::Seconds(15))));
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call = stub.PrepareCall(&context, path, &queue);
  void* tag = nullptr;
  bool ok = false;
  auto await = [&] { return queue.Next(&tag, &ok) && ok; };
  call->StartCall(nullptr);
  if (await()) {
    bool writing = true;
    for (size_t i = 0; i < requests.size() && writing; ++i) {
      grpc::Slice slice(requests[i]);
      grpc::ByteBuffer request(&slice, 1);
      call->Write(request, nullptr);
      writing = await();
    }
    if (writing) {
      call->WritesDone(nullptr);
      await();
    }
    grpc::ByteBuffer reply;
    call->Read(&reply, nullptr);
    if (await()) {
      if (server_streaming) {
        context.TryCancel();
      } else {
        call->Read(&reply, nullptr);
        await();
      }
    }
  }
  grpc::Status status;
  call->Finish(&status, nullptr);
  queue.Next(&tag, &ok);
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  return status;
}

bool IsServerFault(const grpc::Status& status, bool server_streaming) {
  switch (status.error_code()) {
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::UNIMPLEMENTED:
    case grpc::StatusCode::DATA_LOSS:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return true;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return !server_streaming;  // a unary call that hangs
    default:
      return false;
  }
}

// What the calls were answered, per method and status code, with a sample
// message of each; and the answers that were server faults.
class Tally {
 public:
  void Record(const std::string& path, const MethodDescriptor& method, int round, int request,
              const grpc::Status& status) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++calls_;
    auto [it, first] = codes_[path].try_emplace(status.error_code(), 0, status.error_message().substr(0, 100));
    ++it->second.first;
    if (IsServerFault(status, method.server_streaming())) {
      faults_.push_back(absl::StrCat(path, " round ", round, " request ", request, ": ", status.error_code(), " ",
                                     status.error_message().substr(0, 200)));
    }
  }

  int calls() const { return calls_; }
  const std::vector<std::string>& faults() const { return faults_; }

  // One line per method: "code:count (sample message)" for each code.
  void Print(std::ostream& out) const {
    for (const auto& [path, by_code] : codes_) {
      out << path;
      for (const auto& [code, seen] : by_code) out << " " << code << ":" << seen.first << " (" << seen.second << ")";
      out << "\n";
    }
  }

 private:
  std::mutex mutex_;
  int calls_ = 0;
  std::map<std::string, std::map<int, std::pair<int, std::string>>> codes_;
  std::vector<std::string> faults_;
};

// Sends round `round` of requests to every method, from kClientThreads
// threads, each method's requests from a seed of its own.
void RunRound(const std::shared_ptr<grpc::Channel>& channel, const std::vector<const MethodDescriptor*>& methods,
              int round, Tally& tally) {
  std::vector<std::thread> threads;
  for (int t = 0; t < kClientThreads; ++t) {
    threads.emplace_back([&, t] {
      grpc::GenericStub stub(channel);
      for (size_t m = t; m < methods.size(); m += kClientThreads) {
        const MethodDescriptor& method = *methods[m];
        std::string path = test_support::MethodPath(method);
        test_support::RequestFuzzer fuzzer(SeedOf(path, round));
        for (int i = 0; i < kRequestsPerRound; ++i) {
          std::vector<std::string> requests = {fuzzer.Next(*method.input_type())};
          while (method.client_streaming() && requests.size() < 3) {
            requests.push_back(fuzzer.Next(*method.input_type()));
          }
          tally.Record(path, method, round, i, Call(stub, path, requests, method.server_streaming()));
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
}

// The server runs as a process of its own, to measure its memory.
class RequestFuzzTest : public test_support::E2eTest {
 protected:
  RequestFuzzTest() : E2eTest({.start_server = false}) {}

  void SetUp() override {
    // Requests with invalid UTF-8 are made on purpose; protobuf need not say so.
    previous_log_handler_ = google::protobuf::SetLogHandler(nullptr);
    E2eTest::SetUp();
  }
  void TearDown() override {
    google::protobuf::SetLogHandler(previous_log_handler_);
    E2eTest::TearDown();
  }

  google::protobuf::LogHandler* previous_log_handler_ = nullptr;
};

TEST_P(RequestFuzzTest, EveryMethodAnswersMalformedRequestsWithoutServerFaultsAndBoundedMemory) {
  int port = test_support::FreePort();
  test_support::ServerProcess process(
      {absl::StrCat("--grpc-listen=127.0.0.1:", port), "--http-listen=", "--key-rate-limit=10000000",
       "--shutdown-grace=1s", absl::StrCat("--templates-dir=", test_support::RepoRoot(), "/templates")},
      {absl::StrCat("SATISFACTION_DB=", test_database_->url()),
       absl::StrCat("SATISFACTION_BOOTSTRAP_ADMIN_KEY=", test_support::kTestAdminKey)});
  ASSERT_TRUE(process.AwaitOutput("serving gRPC")) << process.Output();
  auto channel = test_support::AuthorizedChannel(absl::StrCat("127.0.0.1:", port), test_support::kTestAdminKey);
  std::vector<const MethodDescriptor*> methods = test_support::ApiMethodDescriptors();
  ASSERT_GE(methods.size(), 48u);

  Tally tally;
  absl::Time start = absl::Now();
  RunRound(channel, methods, 0, tally);
  long warm_kib = process.ResidentKib();
  long peak_kib = warm_kib;
  for (int round = 1; round < kRounds; ++round) {
    RunRound(channel, methods, round, tally);
    peak_kib = std::max(peak_kib, process.ResidentKib());
  }
  long end_kib = process.ResidentKib();
  std::cout << tally.calls() << " calls in " << absl::FormatDuration(absl::Now() - start) << "; resident memory "
            << warm_kib / 1024 << " MiB after the first round, " << end_kib / 1024 << " MiB at the end, peak "
            << peak_kib / 1024 << " MiB\n";
  tally.Print(std::cout);

  for (size_t i = 0; i < tally.faults().size() && i < 30; ++i) ADD_FAILURE() << tally.faults()[i];
  EXPECT_EQ(tally.faults().size(), 0u) << "calls answered with a server fault";
  EXPECT_LE(end_kib - warm_kib, kMaxGrowthKib) << "resident memory grew from " << warm_kib << " KiB to " << end_kib;

  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::health::v1::HealthCheckResponse checked;
  grpc::Status health_status = health->Check(test_support::Context().get(), {}, &checked);
  ASSERT_TRUE(health_status.ok()) << health_status.error_message();
  EXPECT_EQ(checked.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  v1::ListQuestionnairesResponse listed;
  grpc::Status listing = v1::QuestionnaireService::NewStub(channel)->ListQuestionnaires(
      test_support::Context().get(), v1::ListQuestionnairesRequest(), &listed);
  EXPECT_TRUE(listing.ok()) << listing.error_message();

  process.Signal(SIGTERM);
  EXPECT_EQ(process.Wait(), 0);
  size_t longest = 0;
  for (absl::string_view line : absl::StrSplit(process.Output(), '\n')) longest = std::max(longest, line.size());
  EXPECT_LE(longest, kMaxLogLineBytes) << "a log line of " << longest << " bytes";
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(RequestFuzzTest);

}  // namespace
}  // namespace satisfaction
