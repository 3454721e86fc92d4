#ifndef SATISFACTION_SERVICES_SERVER_GRPC_IO_POLLER_H_
#define SATISFACTION_SERVICES_SERVER_GRPC_IO_POLLER_H_

#include <grpcpp/completion_queue.h>
#include <grpcpp/server_builder.h>

#include <memory>
#include <thread>

namespace satisfaction::server {

// A thread that keeps polling a gRPC server's connections.
//
// A server with both sync and callback methods is a "hybrid" to gRPC: its
// sync threads wait on completion queues that do not poll, and the sockets
// are read only by threads polling some other queue. Without this thread
// those are the callback queue's own threads, which rest 100 ms after every
// second without a callback event, and sync threads while they wait inside
// gRPC. When none of them polls (a sync handler waits outside gRPC, as the
// CallGate does for the audit log), calls that have reached the socket wait
// there until one wakes: up to 100 ms, about once a second.
//
// gRPC expects a hybrid server to poll a queue of its own; this thread does,
// on a queue no call is served from.
class GrpcIoPoller {
 public:
  // Adds the polled queue to `builder` and starts polling it.
  explicit GrpcIoPoller(grpc::ServerBuilder& builder);
  // Stops, if Stop was not called.
  ~GrpcIoPoller();
  GrpcIoPoller(const GrpcIoPoller&) = delete;
  GrpcIoPoller& operator=(const GrpcIoPoller&) = delete;

  // Shuts the queue down, drains it and ends the thread. Call it after the
  // server has shut down (gRPC's order); safe to call more than once.
  void Stop();

 private:
  std::unique_ptr<grpc::ServerCompletionQueue> queue_;
  std::thread thread_;
};

}  // namespace satisfaction::server

#endif  // SATISFACTION_SERVICES_SERVER_GRPC_IO_POLLER_H_
