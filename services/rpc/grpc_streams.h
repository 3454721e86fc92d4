#ifndef SATISFACTION_SERVICES_RPC_GRPC_STREAMS_H_
#define SATISFACTION_SERVICES_RPC_GRPC_STREAMS_H_

#include <google/protobuf/message.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/status.h>
#include <grpcpp/support/sync_stream.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/common/handler_io.h"

namespace satisfaction::rpc {

// Messages travel as raw bytes between gRPC and the adapter, which parses
// them itself: gRPC's own parsing cannot tell an unreadable message from the
// end of a stream, and answers an unreadable request before any handler (or
// access decision) could.

// Parses `bytes` as `message`: OK, or INVALID_ARGUMENT "the request could not
// be read as a <type>", led by the field protobuf refused as invalid UTF-8.
absl::Status ParseMessage(const grpc::ByteBuffer& bytes, google::protobuf::Message& message);

// Serializes `reply` into `bytes` (nothing if `bytes` is null).
grpc::Status SerializeReply(const google::protobuf::Message& reply, grpc::ByteBuffer* bytes);

// CANCELLED or DEADLINE_EXCEEDED once the caller no longer waits for an answer.
absl::Status CheckCallerStillWaiting(const grpc::ServerContextBase& context);

// A client stream read message by message, telling an unreadable message
// apart from the end of the stream.
template <typename Message>
class GrpcMessageReader final : public MessageReader<Message> {
 public:
  GrpcMessageReader(const grpc::ServerContextBase& context, grpc::ServerReaderInterface<grpc::ByteBuffer>& reader)
      : context_(context), reader_(reader) {}

  bool Read(Message& message) override {
    if (!status_.ok()) return false;
    grpc::ByteBuffer bytes;
    if (!reader_.Read(&bytes)) return false;
    ++position_;
    message.Clear();
    if (absl::Status parsed = ParseMessage(bytes, message); !parsed.ok()) {
      status_ = absl::InvalidArgumentError(absl::StrCat("message ", position_, " of the stream: ", parsed.message()));
      return false;
    }
    return true;
  }
  absl::Status status() const override { return status_; }
  absl::Status CheckCallerStillWaiting() const override { return rpc::CheckCallerStillWaiting(context_); }

 private:
  const grpc::ServerContextBase& context_;
  grpc::ServerReaderInterface<grpc::ByteBuffer>& reader_;
  int position_ = 0;
  absl::Status status_;
};

// A server stream: each message serialized and written; nothing once the
// client cancelled.
template <typename Message>
class GrpcMessageWriter final : public MessageWriter<Message> {
 public:
  GrpcMessageWriter(const grpc::ServerContextBase& context, grpc::ServerWriterInterface<grpc::ByteBuffer>& writer)
      : context_(context), writer_(writer) {}

  bool Write(const Message& message) override {
    if (CallerGone()) return false;
    grpc::ByteBuffer bytes;
    return SerializeReply(message, &bytes).ok() && writer_.Write(bytes);
  }
  bool CallerGone() const override { return context_.IsCancelled(); }

 private:
  const grpc::ServerContextBase& context_;
  grpc::ServerWriterInterface<grpc::ByteBuffer>& writer_;
};

}  // namespace satisfaction::rpc

#endif  // SATISFACTION_SERVICES_RPC_GRPC_STREAMS_H_
