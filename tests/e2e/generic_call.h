#ifndef SATISFACTION_TESTS_E2E_GENERIC_CALL_H_
#define SATISFACTION_TESTS_E2E_GENERIC_CALL_H_

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"

namespace satisfaction::test_support {

// Calls the full `method` ("/package.Service/Method") with the requests of
// `requests_bytes` (serialized messages, or any bytes), through gRPC's generic
// stub, which serves every kind of method, unary and streaming alike. Counts
// the replies in `replies` and keeps the last in `last_reply` if given.
inline grpc::Status GenericStreamCall(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                                      const std::vector<std::string>& requests_bytes, int* replies = nullptr,
                                      std::string* last_reply = nullptr) {
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
    bool written = true;
    for (const std::string& bytes : requests_bytes) {
      grpc::Slice slice(bytes);
      grpc::ByteBuffer request(&slice, 1);
      call->Write(request, nullptr);
      if (!(written = await())) break;
    }
    if (written) {
      call->WritesDone(nullptr);
      await();
    }
    grpc::ByteBuffer reply;
    while (true) {
      call->Read(&reply, nullptr);
      if (!await()) break;
      ++read;
      if (last_reply != nullptr) {
        grpc::Slice whole;
        if (reply.TrySingleSlice(&whole).ok() || reply.DumpToSingleSlice(&whole).ok()) {
          last_reply->assign(reinterpret_cast<const char*>(whole.begin()), whole.size());
        }
      }
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

// GenericStreamCall with one request.
inline grpc::Status GenericCall(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                                const std::string& request_bytes, int* replies = nullptr) {
  return GenericStreamCall(channel, method, {request_bytes}, replies);
}

}  // namespace satisfaction::test_support

#endif  // SATISFACTION_TESTS_E2E_GENERIC_CALL_H_
