#ifndef SATISFACTION_SERVICES_CALLBACKS_CALLBACK_SERVICE_H_
#define SATISFACTION_SERVICES_CALLBACKS_CALLBACK_SERVICE_H_

#include "satisfaction/v1/callback.pb.h"
#include "services/access/access_policy.h"
#include "services/callbacks/callback_store.h"
#include "services/common/handler_io.h"

namespace satisfaction::callbacks {

// The handlers of CallbackService: validate, then ask the store.
class CallbackService final {
 public:
  // WatchCallbacks looks for changes every `watch_interval`.
  CallbackService(CallbackStore& store, absl::Duration watch_interval)
      : store_(store), watch_interval_(watch_interval) {}

  absl::StatusOr<v1::FetchDueCallbacksResponse> FetchDueCallbacks(const access::Caller& caller,
                                                                  const v1::FetchDueCallbacksRequest& request);
  // Reports write the call's audit event with the attempts they record.
  absl::StatusOr<v1::ReportDispositionResponse> ReportDisposition(const access::Caller& caller,
                                                                  const v1::ReportDispositionRequest& request,
                                                                  AuditInWrite& audit);
  absl::StatusOr<v1::ReportDispositionsResponse> ReportDispositions(const access::Caller& caller,
                                                                    const v1::ReportDispositionsRequest& request,
                                                                    AuditInWrite& audit);
  absl::StatusOr<v1::Callback> ExtendCallbackLease(const access::Caller& caller,
                                                   const v1::ExtendCallbackLeaseRequest& request);
  absl::StatusOr<v1::Callback> ReleaseCallback(const access::Caller& caller, const v1::ReleaseCallbackRequest& request);
  // Streams the number of callbacks due whenever it changes, until the
  // dialer goes away.
  absl::Status WatchCallbacks(const access::Caller& caller, const v1::WatchCallbacksRequest& request,
                              MessageWriter<v1::CallbacksDue>& updates);

 private:
  CallbackStore& store_;
  const absl::Duration watch_interval_;
};

}  // namespace satisfaction::callbacks

#endif  // SATISFACTION_SERVICES_CALLBACKS_CALLBACK_SERVICE_H_
