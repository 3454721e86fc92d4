// Event recording end to end: imports --customers customers, then --clients
// concurrent clients record --events events in all (order delivered, complaint
// closed) through RecordEvent, each answered after its revisits are committed.
// Prints events/s and the latency distribution.
//   event_bench --target 127.0.0.1:50051 --clients 16 --events 40000
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "satisfaction/v1/customer.grpc.pb.h"
#include "satisfaction/v1/revisit.grpc.pb.h"
#include "tests/bench/bench_customers.h"
#include "tests/support/authorized_channel.h"

int main(int argc, char** argv) {
  std::string target = "127.0.0.1:50051";
  long customers = 20'000, events = 40'000;
  int clients = 16;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--target") target = argv[i + 1];
    if (flag == "--customers") customers = std::atol(argv[i + 1]);
    if (flag == "--events") events = std::atol(argv[i + 1]);
    if (flag == "--clients") clients = std::atoi(argv[i + 1]);
  }
  auto channel = satisfaction::test_support::AuthorizedChannel(target, satisfaction::test_support::BenchKey());
  auto customer_stub = satisfaction::v1::CustomerService::NewStub(channel);
  if (!satisfaction::bench::ImportCustomers(*customer_stub, customers, "ev-", "+86139")) return 1;

  std::atomic<long> next{0}, failed{0}, revisits{0};
  std::vector<std::vector<double>> latencies(clients);
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&, t] {
      // One channel per client, as separate dialers or shops would have.
      grpc::ChannelArguments arguments;
      arguments.SetInt("satisfaction.bench.client", t);
      auto stub = satisfaction::v1::RevisitService::NewStub(satisfaction::test_support::AuthorizedChannel(
          target, satisfaction::test_support::BenchKey(), grpc::InsecureChannelCredentials(), arguments));
      for (long i = next++; i < events; i = next++) {
        satisfaction::v1::RecordEventRequest request;
        satisfaction::v1::Event& event = *request.mutable_event();
        event.set_event_id(absl::StrCat("bench-event-", i));
        event.set_customer_external_id(absl::StrCat("ev-", (i * 7919) % customers));
        event.set_trigger(i % 4 == 0 ? satisfaction::v1::TRIGGER_COMPLAINT_CLOSED
                                     : satisfaction::v1::TRIGGER_ORDER_DELIVERED);
        event.mutable_occur_time()->set_seconds(absl::ToUnixSeconds(absl::Now()));
        satisfaction::v1::RecordEventResponse response;
        grpc::ClientContext context;
        auto begin = std::chrono::steady_clock::now();
        grpc::Status status = stub->RecordEvent(&context, request, &response);
        latencies[t].push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - begin).count());
        if (!status.ok()) {
          ++failed;
        } else {
          revisits += response.revisits_size();
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<double> all;
  for (const auto& each : latencies) all.insert(all.end(), each.begin(), each.end());
  std::sort(all.begin(), all.end());
  auto at = [&](double q) { return all.empty() ? 0.0 : all[static_cast<size_t>(q * (all.size() - 1))]; };
  std::printf("%ld events from %d clients in %.1f s: %.0f events/s; %ld revisits planned; %ld failed\n", events,
              clients, seconds, events / seconds, revisits.load(), failed.load());
  std::printf("latency ms: p50 %.2f, p90 %.2f, p99 %.2f, max %.2f\n", at(0.5), at(0.9), at(0.99), at(1.0));
  return failed.load() == 0 ? 0 : 1;
}
