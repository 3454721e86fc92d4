#ifndef SATISFACTION_SERVICES_COMMON_CLIENT_STREAM_H_
#define SATISFACTION_SERVICES_COMMON_CLIENT_STREAM_H_

#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/proto_buffer_reader.h>
#include <grpcpp/support/sync_stream.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/common/unreadable_request.h"

namespace satisfaction {

// Reads a client stream's messages one by one, telling an unreadable message
// apart from the end of the stream. gRPC's own reader cannot: its Read()
// answers false for both, so a handler would take a message it could not
// parse for the end and quietly drop whatever the client sent after it. The
// method's handler must therefore read raw bytes (see
// ServeClientStreamAsBytes) and parse them here.
template <typename Message>
class ClientStreamReader {
 public:
  explicit ClientStreamReader(grpc::ServerReaderInterface<grpc::ByteBuffer>& reader) : reader_(reader) {}

  // The next message: true with `message` filled; false at the end of the
  // stream or at a message that could not be read (status() tells which).
  bool Read(Message& message) {
    if (!status_.ok()) return false;
    grpc::ByteBuffer bytes;
    if (!reader_.Read(&bytes)) return false;
    ++position_;
    message.Clear();
    grpc::ProtoBufferReader input(&bytes);
    if (!message.ParseFromZeroCopyStream(&input)) {
      absl::Status unreadable = UnreadableRequestError(Message::descriptor(), TakeRefusedUtf8Field());
      status_ =
          absl::InvalidArgumentError(absl::StrCat("message ", position_, " of the stream: ", unreadable.message()));
      return false;
    }
    return true;
  }

  // OK after the end of the stream; INVALID_ARGUMENT naming the message
  // (counted from 1) that could not be read.
  const absl::Status& status() const { return status_; }

 private:
  grpc::ServerReaderInterface<grpc::ByteBuffer>& reader_;
  int position_ = 0;
  absl::Status status_;
};

}  // namespace satisfaction

#endif  // SATISFACTION_SERVICES_COMMON_CLIENT_STREAM_H_
