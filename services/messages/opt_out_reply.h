#ifndef SATISFACTION_SERVICES_MESSAGES_OPT_OUT_REPLY_H_
#define SATISFACTION_SERVICES_MESSAGES_OPT_OUT_REPLY_H_

#include "absl/strings/string_view.h"

namespace satisfaction::messages {

// Whether a customer's reply asks to receive no more messages: T, TD, 退订,
// STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, alone, in any case, in
// full-width letters too (ＴＤ), with white space and punctuation around.
bool IsOptOutReply(absl::string_view text);

}  // namespace satisfaction::messages

#endif  // SATISFACTION_SERVICES_MESSAGES_OPT_OUT_REPLY_H_
