#ifndef SATISFACTION_SERVICES_RESPONSES_RESPONSE_SERVICE_H_
#define SATISFACTION_SERVICES_RESPONSES_RESPONSE_SERVICE_H_

#include "satisfaction/v1/response.pb.h"
#include "services/access/access_policy.h"
#include "services/common/handler_io.h"
#include "services/responses/response_store.h"

namespace satisfaction::responses {

// Checks a request's shape (the answers are checked by the store, against the
// questionnaire version the source names). INVALID_ARGUMENT naming the field.
absl::Status ValidateSubmitRequest(const v1::SubmitResponseRequest& request);

// The handlers of responses: functions of the caller and the request,
// validating it before they touch a store; services/server binds them to gRPC.
//
// SubmitResponse is answered later: a submission waits for its batch's commit
// holding no thread, and the store's committer answers it.
class ResponseService final {
 public:
  explicit ResponseService(ResponseStore& store) : store_(store) {}

  void SubmitResponse(const access::Caller& caller, const v1::SubmitResponseRequest& request,
                      std::optional<v1::AuditEvent> audit_event, Done<v1::Response> done);
  absl::StatusOr<v1::Response> GetResponse(const access::Caller& caller, const v1::GetResponseRequest& request);

 private:
  ResponseStore& store_;
};

}  // namespace satisfaction::responses

#endif  // SATISFACTION_SERVICES_RESPONSES_RESPONSE_SERVICE_H_
