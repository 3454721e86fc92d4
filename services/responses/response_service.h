#ifndef SATISFACTION_SERVICES_RESPONSES_RESPONSE_SERVICE_H_
#define SATISFACTION_SERVICES_RESPONSES_RESPONSE_SERVICE_H_

#include "satisfaction/v1/response.grpc.pb.h"
#include "services/responses/response_store.h"

namespace satisfaction::responses {

// Checks a request's shape (the answers are checked by the store, against the
// questionnaire version the source names). INVALID_ARGUMENT naming the field.
absl::Status ValidateSubmitRequest(const v1::SubmitResponseRequest& request);

// The gRPC face of responses: validates, checks the deadline, then asks the store.
//
// SubmitResponse uses gRPC's callback API: a submission waits for its batch's
// commit holding no thread, and the store's committer answers it.
class ResponseService final
    : public v1::ResponseService::WithCallbackMethod_SubmitResponse<v1::ResponseService::Service> {
 public:
  explicit ResponseService(ResponseStore& store) : store_(store) {}

  grpc::ServerUnaryReactor* SubmitResponse(grpc::CallbackServerContext* context,
                                           const v1::SubmitResponseRequest* request, v1::Response* response) override;
  grpc::Status GetResponse(grpc::ServerContext* context, const v1::GetResponseRequest* request,
                           v1::Response* response) override;

 private:
  ResponseStore& store_;
};

}  // namespace satisfaction::responses

#endif  // SATISFACTION_SERVICES_RESPONSES_RESPONSE_SERVICE_H_
