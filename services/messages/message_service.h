#ifndef SATISFACTION_SERVICES_MESSAGES_MESSAGE_SERVICE_H_
#define SATISFACTION_SERVICES_MESSAGES_MESSAGE_SERVICE_H_

#include "satisfaction/v1/message.pb.h"
#include "services/access/access_policy.h"
#include "services/messages/outbox_store.h"

namespace satisfaction::messages {

// The handlers of the message outbox: functions of the caller and the request,
// validating it before they touch a store; services/server binds them to gRPC.
class MessageService final {
 public:
  explicit MessageService(OutboxStore& store) : store_(store) {}

  absl::StatusOr<v1::FetchOutboxResponse> FetchOutbox(const access::Caller& caller,
                                                      const v1::FetchOutboxRequest& request);
  absl::StatusOr<v1::ReportDeliveryResponse> ReportDelivery(const access::Caller& caller,
                                                            const v1::ReportDeliveryRequest& request);
  absl::StatusOr<v1::OutboxMessage> ReleaseMessage(const access::Caller& caller,
                                                   const v1::ReleaseMessageRequest& request);
  absl::StatusOr<v1::ReportReplyResponse> ReportReply(const access::Caller& caller,
                                                      const v1::ReportReplyRequest& request);
  absl::StatusOr<v1::MessageSettings> GetMessageSettings(const access::Caller& caller,
                                                         const v1::GetMessageSettingsRequest& request);
  absl::StatusOr<v1::MessageSettings> UpdateMessageSettings(const access::Caller& caller,
                                                            const v1::UpdateMessageSettingsRequest& request);

 private:
  OutboxStore& store_;
};

}  // namespace satisfaction::messages

#endif  // SATISFACTION_SERVICES_MESSAGES_MESSAGE_SERVICE_H_
