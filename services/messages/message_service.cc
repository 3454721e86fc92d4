#include "services/messages/message_service.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/field_checks.h"
#include "services/common/text_checks.h"
#include "services/leases/lease_requests.h"

namespace satisfaction::messages {
namespace {

absl::StatusOr<long long> ValidateMessageId(const std::string& id) {
  return leases::ValidateRevisitId("message_id", id, "message");
}

}  // namespace

absl::StatusOr<v1::FetchOutboxResponse> MessageService::FetchOutbox(const access::Caller& /*caller*/,
                                                                    const v1::FetchOutboxRequest& request) {
  v1::FetchOutboxResponse response;
  v1::Channel channel = request.channel();
  if (channel != v1::CHANNEL_SMS && channel != v1::CHANNEL_IM && channel != v1::CHANNEL_EMAIL) {
    return FieldError("channel",
                      absl::StrCat("must be CHANNEL_SMS, CHANNEL_IM or CHANNEL_EMAIL; got ", request.channel()));
  }
  if (absl::Status s = leases::ValidateClaimCount(request.max_count()); !s.ok()) return s;
  absl::StatusOr<absl::Duration> lease =
      leases::ValidateLeaseDuration("lease_duration", request.has_lease_duration(), request.lease_duration());
  if (!lease.ok()) return lease.status();
  absl::StatusOr<std::vector<v1::OutboxMessage>> messages =
      store_.Fetch(channel, request.max_count(), *lease, absl::Now());
  if (!messages.ok()) return messages.status();
  for (v1::OutboxMessage& message : *messages) *response.add_messages() = std::move(message);
  return response;
}

absl::StatusOr<v1::ReportDeliveryResponse> MessageService::ReportDelivery(const access::Caller& /*caller*/,
                                                                          const v1::ReportDeliveryRequest& request) {
  absl::StatusOr<long long> id = ValidateMessageId(request.message_id());
  if (!id.ok()) return id.status();
  if (absl::Status s = leases::ValidateLeaseToken(request.lease_token()); !s.ok()) return s;
  if (!v1::DeliveryOutcome_IsValid(request.outcome()) || request.outcome() == v1::DELIVERY_OUTCOME_UNSPECIFIED) {
    return FieldError("outcome", absl::StrCat("must be a known outcome; got ", request.outcome()));
  }
  if (absl::Status s = CheckText("provider_message_id", request.provider_message_id(), 128, LineBreaks::kForbidden);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckText("error", request.error(), 500, LineBreaks::kAllowed); !s.ok()) {
    return s;
  }
  return store_.ReportDelivery(request, *id, absl::Now());
}

absl::StatusOr<v1::OutboxMessage> MessageService::ReleaseMessage(const access::Caller& /*caller*/,
                                                                 const v1::ReleaseMessageRequest& request) {
  absl::StatusOr<long long> id = ValidateMessageId(request.message_id());
  if (!id.ok()) return id.status();
  if (absl::Status s = leases::ValidateLeaseToken(request.lease_token()); !s.ok()) return s;
  return store_.Release(*id, request.lease_token(), absl::Now());
}

absl::StatusOr<v1::ReportReplyResponse> MessageService::ReportReply(const access::Caller& /*caller*/,
                                                                    const v1::ReportReplyRequest& request) {
  absl::StatusOr<long long> id = ValidateMessageId(request.message_id());
  if (!id.ok()) return id.status();
  if (absl::Status s = CheckRequiredText("text", request.text(), 1000, LineBreaks::kAllowed); !s.ok()) {
    return s;
  }
  absl::Time now = absl::Now(), received = now;
  if (request.has_receive_time()) {
    if (absl::Status s = CheckReportedTime("receive_time", true, request.receive_time(), now); !s.ok()) {
      return s;
    }
    received = absl::FromUnixMicros(google::protobuf::util::TimeUtil::TimestampToMicroseconds(request.receive_time()));
  }
  return store_.ReportReply(*id, request.text(), received, now);
}

absl::StatusOr<v1::MessageSettings> MessageService::GetMessageSettings(
    const access::Caller& /*caller*/, const v1::GetMessageSettingsRequest& /*request*/) {
  return store_.GetSettings();
}

absl::StatusOr<v1::MessageSettings> MessageService::UpdateMessageSettings(
    const access::Caller& /*caller*/, const v1::UpdateMessageSettingsRequest& request) {
  if (!request.has_settings()) return FieldError("settings", "required");
  return store_.UpdateSettings(request.settings(), request.update_mask(), absl::Now());
}

}  // namespace satisfaction::messages
