#include "services/messages/message_service.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/access/admission.h"
#include "services/common/field_checks.h"
#include "services/common/grpc_status.h"
#include "services/common/request_checks.h"
#include "services/common/text_checks.h"
#include "services/leases/lease_requests.h"

namespace satisfaction::messages {
namespace {

absl::StatusOr<long long> ValidateMessageId(const std::string& id) {
  return leases::ValidateRevisitId("message_id", id, "message");
}

}  // namespace

grpc::Status MessageService::FetchOutbox(grpc::ServerContext* context, const v1::FetchOutboxRequest* request,
                                         v1::FetchOutboxResponse* response) {
  absl::StatusOr<access::Caller> caller = access::AdmittedCaller(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  v1::Channel channel = request->channel();
  if (channel != v1::CHANNEL_SMS && channel != v1::CHANNEL_IM && channel != v1::CHANNEL_EMAIL) {
    return ToGrpcStatus(FieldError(
        "channel", absl::StrCat("must be CHANNEL_SMS, CHANNEL_IM or CHANNEL_EMAIL; got ", request->channel())));
  }
  if (absl::Status s = leases::ValidateClaimCount(request->max_count()); !s.ok()) return ToGrpcStatus(s);
  absl::StatusOr<absl::Duration> lease =
      leases::ValidateLeaseDuration("lease_duration", request->has_lease_duration(), request->lease_duration());
  if (!lease.ok()) return ToGrpcStatus(lease.status());
  if (absl::Status s = CheckCallerStillWaiting(*context); !s.ok()) return ToGrpcStatus(s);
  absl::StatusOr<std::vector<v1::OutboxMessage>> messages =
      store_.Fetch(channel, request->max_count(), *lease, absl::Now());
  if (!messages.ok()) return ToGrpcStatus(messages.status());
  for (v1::OutboxMessage& message : *messages) *response->add_messages() = std::move(message);
  return grpc::Status::OK;
}

grpc::Status MessageService::ReportDelivery(grpc::ServerContext* context, const v1::ReportDeliveryRequest* request,
                                            v1::ReportDeliveryResponse* response) {
  absl::StatusOr<access::Caller> caller = access::AdmittedCaller(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<long long> id = ValidateMessageId(request->message_id());
  if (!id.ok()) return ToGrpcStatus(id.status());
  if (absl::Status s = leases::ValidateLeaseToken(request->lease_token()); !s.ok()) return ToGrpcStatus(s);
  if (!v1::DeliveryOutcome_IsValid(request->outcome()) || request->outcome() == v1::DELIVERY_OUTCOME_UNSPECIFIED) {
    return ToGrpcStatus(FieldError("outcome", absl::StrCat("must be a known outcome; got ", request->outcome())));
  }
  if (absl::Status s = CheckText("provider_message_id", request->provider_message_id(), 128, LineBreaks::kForbidden);
      !s.ok()) {
    return ToGrpcStatus(s);
  }
  if (absl::Status s = CheckText("error", request->error(), 500, LineBreaks::kAllowed); !s.ok()) {
    return ToGrpcStatus(s);
  }
  if (absl::Status s = CheckCallerStillWaiting(*context); !s.ok()) return ToGrpcStatus(s);
  return Reply(store_.ReportDelivery(*request, *id, absl::Now()), response);
}

grpc::Status MessageService::ReleaseMessage(grpc::ServerContext* context, const v1::ReleaseMessageRequest* request,
                                            v1::OutboxMessage* response) {
  absl::StatusOr<access::Caller> caller = access::AdmittedCaller(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<long long> id = ValidateMessageId(request->message_id());
  if (!id.ok()) return ToGrpcStatus(id.status());
  if (absl::Status s = leases::ValidateLeaseToken(request->lease_token()); !s.ok()) return ToGrpcStatus(s);
  if (absl::Status s = CheckCallerStillWaiting(*context); !s.ok()) return ToGrpcStatus(s);
  return Reply(store_.Release(*id, request->lease_token(), absl::Now()), response);
}

grpc::Status MessageService::ReportReply(grpc::ServerContext* context, const v1::ReportReplyRequest* request,
                                         v1::ReportReplyResponse* response) {
  absl::StatusOr<access::Caller> caller = access::AdmittedCaller(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<long long> id = ValidateMessageId(request->message_id());
  if (!id.ok()) return ToGrpcStatus(id.status());
  if (absl::Status s = CheckRequiredText("text", request->text(), 1000, LineBreaks::kAllowed); !s.ok()) {
    return ToGrpcStatus(s);
  }
  absl::Time now = absl::Now(), received = now;
  if (request->has_receive_time()) {
    if (absl::Status s = CheckReportedTime("receive_time", true, request->receive_time(), now); !s.ok()) {
      return ToGrpcStatus(s);
    }
    received = absl::FromUnixMicros(google::protobuf::util::TimeUtil::TimestampToMicroseconds(request->receive_time()));
  }
  if (absl::Status s = CheckCallerStillWaiting(*context); !s.ok()) return ToGrpcStatus(s);
  return Reply(store_.ReportReply(*id, request->text(), received, now), response);
}

grpc::Status MessageService::GetMessageSettings(grpc::ServerContext* context, const v1::GetMessageSettingsRequest*,
                                                v1::MessageSettings* response) {
  absl::StatusOr<access::Caller> caller = access::AdmittedCaller(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (absl::Status s = CheckCallerStillWaiting(*context); !s.ok()) return ToGrpcStatus(s);
  return Reply(store_.GetSettings(), response);
}

grpc::Status MessageService::UpdateMessageSettings(grpc::ServerContext* context,
                                                   const v1::UpdateMessageSettingsRequest* request,
                                                   v1::MessageSettings* response) {
  absl::StatusOr<access::Caller> caller = access::AdmittedCaller(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (!request->has_settings()) return ToGrpcStatus(FieldError("settings", "required"));
  if (absl::Status s = CheckCallerStillWaiting(*context); !s.ok()) return ToGrpcStatus(s);
  return Reply(store_.UpdateSettings(request->settings(), request->update_mask(), absl::Now()), response);
}

}  // namespace satisfaction::messages
