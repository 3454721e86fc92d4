#ifndef SATISFACTION_SERVICES_MESSAGES_MESSAGE_SERVICE_H_
#define SATISFACTION_SERVICES_MESSAGES_MESSAGE_SERVICE_H_

#include "satisfaction/v1/message.grpc.pb.h"
#include "services/messages/outbox_store.h"

namespace satisfaction::messages {

// The gRPC face of the message outbox: validates, checks the deadline, then asks the store.
class MessageService final : public v1::MessageService::Service {
 public:
  explicit MessageService(OutboxStore& store) : store_(store) {}

  grpc::Status FetchOutbox(grpc::ServerContext* context, const v1::FetchOutboxRequest* request,
                           v1::FetchOutboxResponse* response) override;
  grpc::Status ReportDelivery(grpc::ServerContext* context, const v1::ReportDeliveryRequest* request,
                              v1::ReportDeliveryResponse* response) override;
  grpc::Status ReleaseMessage(grpc::ServerContext* context, const v1::ReleaseMessageRequest* request,
                              v1::OutboxMessage* response) override;
  grpc::Status ReportReply(grpc::ServerContext* context, const v1::ReportReplyRequest* request,
                           v1::ReportReplyResponse* response) override;
  grpc::Status GetMessageSettings(grpc::ServerContext* context, const v1::GetMessageSettingsRequest* request,
                                  v1::MessageSettings* response) override;
  grpc::Status UpdateMessageSettings(grpc::ServerContext* context, const v1::UpdateMessageSettingsRequest* request,
                                     v1::MessageSettings* response) override;

 private:
  OutboxStore& store_;
};

}  // namespace satisfaction::messages

#endif  // SATISFACTION_SERVICES_MESSAGES_MESSAGE_SERVICE_H_
