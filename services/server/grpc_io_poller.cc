#include "services/server/grpc_io_poller.h"

namespace satisfaction::server {

GrpcIoPoller::GrpcIoPoller(grpc::ServerBuilder& builder)
    : queue_(builder.AddCompletionQueue(/*is_frequently_polled=*/true)), thread_([queue = queue_.get()] {
        // No call is served from this queue: the only events are gRPC's own
        // (an "unimplemented" answer it may route here finishes itself), and
        // Next returns false once the queue is shut down and drained.
        void* tag;
        bool ok;
        while (queue->Next(&tag, &ok)) {
        }
      }) {}

GrpcIoPoller::~GrpcIoPoller() { Stop(); }

void GrpcIoPoller::Stop() {
  if (!thread_.joinable()) return;
  queue_->Shutdown();
  thread_.join();
}

}  // namespace satisfaction::server
