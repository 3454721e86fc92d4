#ifndef SATISFACTION_SERVICES_INVITATIONS_INVITATIONS_H_
#define SATISFACTION_SERVICES_INVITATIONS_INVITATIONS_H_

#include <soci/soci.h>

#include <string>
#include <vector>

namespace satisfaction::invitations {

// 128 random bits: not to be guessed, short enough for an SMS link.
inline constexpr int kInvitationTokenBytes = 16;

// A survey about to be handed out: in a message, or to an agent who may text it.
struct InvitationFor {
  long long revisit_id = 0;
  int channel = 0;
};

// Issues one new single-use invitation for each survey, to its revisit's
// customer and questionnaire (the latest published version), expiring at
// `expires_us`, in one statement of the caller's transaction. Returns the
// tokens in order; only their SHA-256 is stored.
std::vector<std::string> IssueInvitations(soci::session& session, std::vector<InvitationFor> surveys, long long now_us,
                                          long long expires_us);

// The survey page's address for a token: <public_url>/s/<token>.
std::string SurveyUrl(const std::string& public_url, const std::string& token);

}  // namespace satisfaction::invitations

#endif  // SATISFACTION_SERVICES_INVITATIONS_INVITATIONS_H_
