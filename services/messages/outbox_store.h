#ifndef SATISFACTION_SERVICES_MESSAGES_OUTBOX_STORE_H_
#define SATISFACTION_SERVICES_MESSAGES_OUTBOX_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "satisfaction/v1/message.pb.h"
#include "services/common/flow_observer.h"
#include "services/leases/claimer.h"
#include "services/leases/lease_token.h"
#include "services/messages/message_templates.h"
#include "services/settings/message_settings.h"
#include "services/storage/database.h"

namespace satisfaction::messages {

// Message revisits (SMS, IM, email) as gateways send them: claimed under
// leases with the database's own row locks, rendered from the templates in
// the customer's language, each survey with a new single-use invitation.
class OutboxStore {
 public:
  // `templates` may be null (a server started without templates): fetching
  // is then FAILED_PRECONDITION. Survey links read `public_url`/s/<token>.
  // `flow` (may be null) hears of deliveries, opt-outs and revisits ended.
  OutboxStore(storage::Database& database, const MessageTemplates* templates, std::string public_url,
              FlowObserver* flow = nullptr)
      : database_(database),
        templates_(templates),
        public_url_(std::move(public_url)),
        flow_(flow),
        claimer_(database, flow),
        settings_(settings::MakeMessageSettingsDocument(database)) {}

  // Claims up to `max_count` messages of `channel` due now and inside their
  // customer's message hours now, highest priority first, then the longest
  // due; settles on the way those that expired or whose customer can no
  // longer be reached on the channel.
  absl::StatusOr<std::vector<v1::OutboxMessage>> Fetch(v1::Channel channel, int max_count, absl::Duration lease,
                                                       absl::Time now);

  // Records a validated delivery report, once per lease, and moves the
  // revisit on: completed, or to the rule's next channel the customer can be
  // reached on, or ended.
  absl::StatusOr<v1::ReportDeliveryResponse> ReportDelivery(const v1::ReportDeliveryRequest& request,
                                                            long long message_id, absl::Time now);

  // Gives a leased message back unsent.
  absl::StatusOr<v1::OutboxMessage> Release(long long message_id, const std::string& token, absl::Time now);

  // Records a customer's reply; an opt-out reply opts the customer out of the
  // message's channel and stops their planned and leased revisits on it.
  absl::StatusOr<v1::ReportReplyResponse> ReportReply(long long message_id, const std::string& text,
                                                      absl::Time received, absl::Time now);

  absl::StatusOr<v1::MessageSettings> GetSettings() { return settings_.Get(); }
  absl::StatusOr<v1::MessageSettings> UpdateSettings(const v1::MessageSettings& update,
                                                     const google::protobuf::FieldMask& mask, absl::Time now) {
    return settings_.Update(update, mask, now);
  }

 private:
  // Renders claimed messages, issuing their invitations.
  absl::StatusOr<std::vector<v1::OutboxMessage>> Render(v1::Channel channel, const std::vector<long long>& ids,
                                                        const leases::LeaseSecret& secret, absl::Time now);

  storage::Database& database_;
  const MessageTemplates* const templates_;
  const std::string public_url_;
  FlowObserver* const flow_;
  leases::Claimer claimer_;
  settings::MessageSettingsDocument settings_;
};

}  // namespace satisfaction::messages

#endif  // SATISFACTION_SERVICES_MESSAGES_OUTBOX_STORE_H_
