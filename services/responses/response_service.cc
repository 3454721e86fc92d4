#include "services/responses/response_service.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/field_checks.h"
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
absl::Status AuthorizeSubmitter(const access::Caller& caller, const v1::SubmitResponseRequest& request) {
  switch (request.source_case()) {
    case v1::SubmitResponseRequest::kInvitationToken:
      return access::AuthorizeSubmission(caller, access::SubmissionSource::kInvitation);
    case v1::SubmitResponseRequest::kCallback:
      if (absl::Status s = access::AuthorizeSubmission(caller, access::SubmissionSource::kCallback); !s.ok()) return s;
      return access::CheckReportingAgent(caller, request.callback().agent_id());
    default:
      return absl::OkStatus();  // refused by ValidateSubmitRequest
  }
}

}  // namespace

void ResponseService::SubmitResponse(const access::Caller& caller, const v1::SubmitResponseRequest& request,
                                     std::optional<v1::AuditEvent> audit_event, Done<v1::Response> done) {
  absl::Status valid = AuthorizeSubmitter(caller, request);
  if (valid.ok()) valid = ValidateSubmitRequest(request);
  if (!valid.ok()) return std::move(done)(valid, /*audit_event_written=*/false);
  // The audit event goes in the response's own transaction: an answer told OK
  // is always in the log.
  store_.Submit(request, absl::Now(), std::move(audit_event), std::move(done));
}

absl::StatusOr<v1::Response> ResponseService::GetResponse(const access::Caller& /*caller*/,
                                                          const v1::GetResponseRequest& request) {
  long long id = 0;
  if (request.id().empty()) return FieldError("id", "required");
  if (!absl::SimpleAtoi(request.id(), &id) || id <= 0) {
    return FieldError("id", absl::StrCat("not a response id: ", Quote(request.id())));
  }
  return store_.Get(id);
}

}  // namespace satisfaction::responses
