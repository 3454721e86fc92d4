#ifndef SATISFACTION_SERVICES_COMMON_HANDLER_IO_H_
#define SATISFACTION_SERVICES_COMMON_HANDLER_IO_H_

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace satisfaction {

// What a handler sees of its call besides the caller and the request: the
// streams of a streaming method, and the answer of one answered later. Plain
// interfaces, so that handlers are functions tests can call without gRPC;
// the server's adapter (services/rpc/) implements them over a gRPC call.

// The messages a client streams to a handler.
template <typename Message>
class MessageReader {
 public:
  virtual ~MessageReader() = default;
  // The next message: true with `message` filled; false at the end of the
  // stream or at a message that could not be read (status() tells which).
  virtual bool Read(Message& message) = 0;
  // OK after the end of the stream; INVALID_ARGUMENT naming the message that
  // could not be read.
  virtual absl::Status status() const = 0;
  // CANCELLED or DEADLINE_EXCEEDED once the caller no longer waits; OK before.
  virtual absl::Status CheckCallerStillWaiting() const = 0;
};

// The messages a handler streams back to its client.
template <typename Message>
class MessageWriter {
 public:
  virtual ~MessageWriter() = default;
  // Sends `message`; false once the client went away (stop writing then).
  virtual bool Write(const Message& message) = 0;
  // Whether the client cancelled the call or its deadline passed.
  virtual bool CallerGone() const = 0;
};

// The answer of a unary method answered later, from another thread, holding
// no thread while it waits: its result, and whether the handler wrote the
// call's audit event in its own transaction (see rpc::AsyncUnaryHandler).
template <typename Response>
using Done = absl::AnyInvocable<void(absl::StatusOr<Response> result, bool audit_event_written) &&>;

}  // namespace satisfaction

#endif  // SATISFACTION_SERVICES_COMMON_HANDLER_IO_H_
