#ifndef SATISFACTION_TESTS_E2E_GENERIC_CALL_H_
#define SATISFACTION_TESTS_E2E_GENERIC_CALL_H_

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/time/clock.h"

namespace satisfaction::testing {

// Calls the full `method` ("/package.Service/Method") with one request of
// `request_bytes` (a serialized message), through gRPC's generic stub, which
// serves every kind of method, unary and streaming alike. Counts the replies
// in `replies` if given.
inline grpc::Status GenericCall(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                                const std::string& request_bytes, int* replies = nullptr) {
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue queue;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call = stub.PrepareCall(&context, method, &queue);
  void* tag = nullptr;
  bool ok = false;
  auto await = [&] { return queue.Next(&tag, &ok) && ok; };
  int read = 0;
  call->StartCall(nullptr);
  if (await()) {
    grpc::Slice slice(request_bytes);
    grpc::ByteBuffer request(&slice, 1);
    call->Write(request, nullptr);
    if (await()) {
      call->WritesDone(nullptr);
      await();
    }
    grpc::ByteBuffer reply;
    while (true) {
      call->Read(&reply, nullptr);
      if (!await()) break;
      ++read;
    }
  }
  grpc::Status status;
  call->Finish(&status, nullptr);
  queue.Next(&tag, &ok);
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  if (replies != nullptr) *replies = read;
  return status;
}

}  // namespace satisfaction::testing

#endif  // SATISFACTION_TESTS_E2E_GENERIC_CALL_H_
