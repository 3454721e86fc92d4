#ifndef SATISFACTION_SERVICES_CALLBACKS_CALLBACK_ROWS_H_
#define SATISFACTION_SERVICES_CALLBACKS_CALLBACK_ROWS_H_

#include <soci/soci.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "satisfaction/v1/callback.pb.h"
#include "services/storage/transaction.h"

// Reading callback rows as dialers see them: what fetching and reporting share.
namespace satisfaction::callbacks::rows {

inline constexpr int kPhone = v1::CHANNEL_PHONE;

v1::CallAttempt AttemptProto(int number, int outcome, const std::string& agent, const std::string& notes,
                             long long reported_us);

// The callbacks with these ids as a dialer sees them, with their earlier
// attempts, in the order given.
std::vector<v1::Callback> LoadCallbacks(storage::Transaction& tx, std::vector<long long> ids);

// Sets each callback's last_response: its customer's newest survey response,
// with its answers (none for a customer who never answered).
void AttachLastResponses(storage::Transaction& tx, std::vector<v1::Callback>& callbacks);

}  // namespace satisfaction::callbacks::rows

#endif  // SATISFACTION_SERVICES_CALLBACKS_CALLBACK_ROWS_H_
