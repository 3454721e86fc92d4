#ifndef SATISFACTION_SERVICES_MESSAGES_INVITATIONS_H_
#define SATISFACTION_SERVICES_MESSAGES_INVITATIONS_H_

#include <soci/soci.h>

#include <string>
#include <vector>

namespace satisfaction::messages {

// 128 random bits: not to be guessed, short enough for an SMS link.
inline constexpr int kInvitationTokenBytes = 16;

// A survey that a message is about to carry.
struct InvitationFor {
  long long revisit_id = 0, customer_id = 0;
  std::string questionnaire_id;
  int channel = 0;
};

// Issues one new single-use invitation for each survey, to the questionnaire's
// latest published version, expiring at `expires_us`, in one statement of the
// caller's transaction. Returns the tokens in order; only their SHA-256 is stored.
std::vector<std::string> IssueInvitations(soci::session& session, std::vector<InvitationFor> surveys, long long now_us,
                                          long long expires_us);

}  // namespace satisfaction::messages

#endif  // SATISFACTION_SERVICES_MESSAGES_INVITATIONS_H_
