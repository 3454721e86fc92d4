#include "services/rpc/grpc_streams.h"

#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/support/proto_buffer_reader.h>
#include <grpcpp/support/proto_buffer_writer.h>

#include <chrono>

#include "services/common/unreadable_request.h"

namespace satisfaction::rpc {

absl::Status ParseMessage(const grpc::ByteBuffer& bytes, google::protobuf::Message& message) {
  grpc::ByteBuffer readable(bytes);  // shares the slices; the reader needs a mutable buffer
  grpc::ProtoBufferReader input(&readable);
  TakeRefusedUtf8Field();  // a name left by an earlier parse on this thread is stale
  if (message.ParseFromZeroCopyStream(&input)) return absl::OkStatus();
  return UnreadableRequestError(message.GetDescriptor(), TakeRefusedUtf8Field());
}

grpc::Status SerializeReply(const google::protobuf::Message& reply, grpc::ByteBuffer* bytes) {
  if (bytes == nullptr) return grpc::Status::OK;
  bool own_buffer = false;
  return grpc::GenericSerialize<grpc::ProtoBufferWriter, google::protobuf::Message>(reply, bytes, &own_buffer);
}

absl::Status CheckCallerStillWaiting(const grpc::ServerContextBase& context) {
  if (context.IsCancelled()) return absl::CancelledError("the caller cancelled the call");
  if (context.deadline() <= std::chrono::system_clock::now()) {
    return absl::DeadlineExceededError("the call's deadline passed before its work started");
  }
  return absl::OkStatus();
}

}  // namespace satisfaction::rpc
