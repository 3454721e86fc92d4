#ifndef SATISFACTION_SERVICES_COMMON_HANDLER_IO_H_
#define SATISFACTION_SERVICES_COMMON_HANDLER_IO_H_

#include <optional>
#include <utility>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "satisfaction/v1/access.pb.h"

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

// The audit event of a call whose policy has it written with the call's own
// write (access::MethodPolicy::audited_in_write), for a handler answering on
// its thread: the handler writes event() in the transaction that makes its
// answer, so that an answer the client is told is never missing from the log,
// and one commit does both. The gate records the calls whose handler did not.
class AuditInWrite {
 public:
  AuditInWrite() = default;
  explicit AuditInWrite(std::optional<v1::AuditEvent> event) : event_(std::move(event)) {}

  // The event to write, its time and outcome ("OK") set; nullptr when the
  // call is not audited.
  const v1::AuditEvent* event() const { return event_ ? &*event_ : nullptr; }
  // To call once the transaction that wrote event() has committed.
  void MarkWritten() { written_ = event_.has_value(); }
  bool written() const { return written_; }

 private:
  std::optional<v1::AuditEvent> event_;
  bool written_ = false;
};

}  // namespace satisfaction

#endif  // SATISFACTION_SERVICES_COMMON_HANDLER_IO_H_
