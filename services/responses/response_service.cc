#include "services/responses/response_service.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/access/admission.h"
#include "services/common/field_checks.h"
#include "services/common/grpc_status.h"
#include "services/common/request_checks.h"
#include "services/common/text_limits.h"
#include "services/customers/customer_validation.h"
#include "services/invitations/invitations.h"
#include "services/leases/lease_requests.h"

namespace satisfaction::responses {

absl::Status ValidateSubmitRequest(const v1::SubmitResponseRequest& request) {
  switch (request.source_case()) {
    case v1::SubmitResponseRequest::kInvitationToken:
      if (request.invitation_token().empty()) return FieldError("invitation_token", "required");
      // Tokens are 22 URL-safe characters; anything much longer was never issued.
      if (request.invitation_token().size() > 64) return FieldError("invitation_token", "not an invitation token");
      break;
    case v1::SubmitResponseRequest::kCallback: {
      absl::StatusOr<long long> id =
          leases::ValidateRevisitId("callback.callback_id", request.callback().callback_id(), "callback");
      if (!id.ok()) return id.status();
      if (request.callback().lease_token().empty()) return FieldError("callback.lease_token", "required");
      if (!request.callback().agent_id().empty()) {
        if (absl::Status s = customers::ValidateId("callback.agent_id", request.callback().agent_id(), 64); !s.ok()) {
          return s;
        }
      }
      break;
    }
    default:
      return FieldError("invitation_token", "give an invitation_token or a callback");
  }
  if (!request.idempotency_key().empty()) {
    if (absl::Status s = customers::ValidateId("idempotency_key", request.idempotency_key(), 128); !s.ok()) return s;
  }
  return CheckAnswerShapes(request.answers());
}

namespace {

// Dialers submit by callback, as themselves; gateways by invitation.
absl::Status AuthorizeSubmitter(const grpc::ServerContextBase& context, const v1::SubmitResponseRequest& request) {
  absl::StatusOr<access::Caller> caller = access::AdmittedCaller(context);
  if (!caller.ok()) return caller.status();
  switch (request.source_case()) {
    case v1::SubmitResponseRequest::kInvitationToken:
      return access::AuthorizeSubmission(*caller, access::SubmissionSource::kInvitation);
    case v1::SubmitResponseRequest::kCallback:
      if (absl::Status s = access::AuthorizeSubmission(*caller, access::SubmissionSource::kCallback); !s.ok()) return s;
      return access::CheckReportingAgent(*caller, request.callback().agent_id());
    default:
      return absl::OkStatus();  // refused by ValidateSubmitRequest
  }
}

}  // namespace

grpc::ServerUnaryReactor* ResponseService::SubmitResponse(grpc::CallbackServerContext* context,
                                                          const v1::SubmitResponseRequest* request,
                                                          v1::Response* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::Status valid = AuthorizeSubmitter(*context, *request);
  if (valid.ok()) valid = ValidateSubmitRequest(*request);
  if (valid.ok()) valid = CheckCallerStillWaiting(*context);
  if (!valid.ok()) {
    reactor->Finish(ToGrpcStatus(valid));
    return reactor;
  }
  // The audit event goes in the response's own transaction (see
  // access::PendingAuditEvent): an answer told OK is always in the log.
  store_.Submit(*request, absl::Now(), access::PendingAuditEvent(*context),
                [context, reactor, response](absl::StatusOr<v1::Response> result, bool audited) {
                  if (audited) access::MarkAuditedWithWrite(*context);
                  reactor->Finish(Reply(std::move(result), response));
                });
  return reactor;
}

grpc::Status ResponseService::GetResponse(grpc::ServerContext* context, const v1::GetResponseRequest* request,
                                          v1::Response* response) {
  absl::StatusOr<access::Caller> caller = access::AdmittedCaller(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  long long id = 0;
  if (request->id().empty()) return ToGrpcStatus(FieldError("id", "required"));
  if (!absl::SimpleAtoi(request->id(), &id) || id <= 0) {
    return ToGrpcStatus(FieldError("id", absl::StrCat("not a response id: ", Quote(request->id()))));
  }
  if (absl::Status s = CheckCallerStillWaiting(*context); !s.ok()) return ToGrpcStatus(s);
  return Reply(store_.Get(id), response);
}

}  // namespace satisfaction::responses
