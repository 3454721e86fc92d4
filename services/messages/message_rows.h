#ifndef SATISFACTION_SERVICES_MESSAGES_MESSAGE_ROWS_H_
#define SATISFACTION_SERVICES_MESSAGES_MESSAGE_ROWS_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "satisfaction/v1/customer.pb.h"
#include "satisfaction/v1/message.pb.h"
#include "services/storage/query.h"
#include "services/storage/transaction.h"

// Reading what became of messages: their deliveries (message_attempts) and
// the customers' replies (message_replies), each table mapped once.
namespace satisfaction::messages::rows {

v1::DeliveryAttempt DeliveryAttemptProto(int number, int channel, int outcome, const std::string& provider_id,
                                         const std::string& error, long long reported_us);

// One message_replies row, read as `m`.
struct ReplyRow {
  long long id = 0, revisit_id = 0, received_us = 0;
  int channel = 0, opted_out = 0;
  std::string text;

  static constexpr char kColumns[] = "m.id, m.revisit_id, m.channel, m.text, m.opted_out, m.received_at_us";

  // Reads the columns of kColumns, in their order.
  void Into(storage::Query& query);
  v1::MessageReply ToProto() const;
};

// The deliveries of these message revisits by revisit id, the first first.
absl::flat_hash_map<long long, std::vector<v1::DeliveryAttempt>> LoadDeliveries(storage::Transaction& tx,
                                                                                const std::vector<long long>& ids);

// The replies to these message revisits by revisit id, in the order received.
absl::flat_hash_map<long long, std::vector<v1::MessageReply>> LoadReplies(storage::Transaction& tx,
                                                                          const std::vector<long long>& ids);

}  // namespace satisfaction::messages::rows

#endif  // SATISFACTION_SERVICES_MESSAGES_MESSAGE_ROWS_H_
