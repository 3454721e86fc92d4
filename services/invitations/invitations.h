#ifndef SATISFACTION_SERVICES_INVITATIONS_INVITATIONS_H_
#define SATISFACTION_SERVICES_INVITATIONS_INVITATIONS_H_

#include <soci/soci.h>

#include <string>
#include <vector>

#include "services/storage/transaction.h"

namespace satisfaction::invitations {

// 128 random bits: not to be guessed, short enough for an SMS link.
inline constexpr int kInvitationTokenBytes = 16;

// A revisit's survey about to be handed out, and the language ("zh-CN",
// "en") of the message that carries its link: the page opens in it. Empty
// when no message does (a link given on a call).
struct SurveyToInvite {
  long long revisit_id = 0;
  std::string message_language;
};

// Issues one new single-use invitation for each of these surveys (handed out
// on `channel`), to the revisit's customer and questionnaire (its latest
// published version), expiring at `expires_us`, in one statement of the
// caller's transaction. Returns the tokens in the order of `surveys`; only
// their SHA-256 is stored.
std::vector<std::string> IssueInvitations(storage::Transaction& tx, const std::vector<SurveyToInvite>& surveys,
                                          int channel, long long now_us, long long expires_us);

// The survey page's address for a token: <public_url>/s/<token>.
std::string SurveyUrl(const std::string& public_url, const std::string& token);

}  // namespace satisfaction::invitations

#endif  // SATISFACTION_SERVICES_INVITATIONS_INVITATIONS_H_
