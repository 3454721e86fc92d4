#ifndef SATISFACTION_SERVICES_CALLBACKS_CALLBACK_SERVICE_H_
#define SATISFACTION_SERVICES_CALLBACKS_CALLBACK_SERVICE_H_

#include "satisfaction/v1/callback.grpc.pb.h"
#include "services/callbacks/callback_store.h"

namespace satisfaction::callbacks {

// The gRPC face of callbacks: validates, checks the deadline, then asks the store.
class CallbackService final : public v1::CallbackService::Service {
 public:
  // WatchCallbacks looks for changes every `watch_interval`.
  CallbackService(CallbackStore& store, absl::Duration watch_interval)
      : store_(store), watch_interval_(watch_interval) {}

  grpc::Status FetchDueCallbacks(grpc::ServerContext* context, const v1::FetchDueCallbacksRequest* request,
                                 v1::FetchDueCallbacksResponse* response) override;
  grpc::Status ReportDisposition(grpc::ServerContext* context, const v1::ReportDispositionRequest* request,
                                 v1::ReportDispositionResponse* response) override;
  grpc::Status ReportDispositions(grpc::ServerContext* context, const v1::ReportDispositionsRequest* request,
                                  v1::ReportDispositionsResponse* response) override;
  grpc::Status ExtendCallbackLease(grpc::ServerContext* context, const v1::ExtendCallbackLeaseRequest* request,
                                   v1::Callback* response) override;
  grpc::Status ReleaseCallback(grpc::ServerContext* context, const v1::ReleaseCallbackRequest* request,
                               v1::Callback* response) override;
  grpc::Status WatchCallbacks(grpc::ServerContext* context, const v1::WatchCallbacksRequest* request,
                              grpc::ServerWriter<v1::CallbacksDue>* writer) override;

 private:
  CallbackStore& store_;
  const absl::Duration watch_interval_;
};

}  // namespace satisfaction::callbacks

#endif  // SATISFACTION_SERVICES_CALLBACKS_CALLBACK_SERVICE_H_
