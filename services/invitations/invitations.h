#ifndef SATISFACTION_SERVICES_INVITATIONS_INVITATIONS_H_
#define SATISFACTION_SERVICES_INVITATIONS_INVITATIONS_H_

#include <soci/soci.h>

#include <string>
#include <vector>

namespace satisfaction::invitations {

// 128 random bits: not to be guessed, short enough for an SMS link.
inline constexpr int kInvitationTokenBytes = 16;

// Issues one new single-use invitation for each of these revisits (about to
// be handed out with their survey, on `channel`), to the revisit's customer
// and questionnaire (its latest published version), expiring at
// `expires_us`, in one statement of the caller's transaction. Returns the
// tokens in the order of the ids; only their SHA-256 is stored.
std::vector<std::string> IssueInvitations(soci::session& session, std::vector<long long> revisit_ids, int channel,
                                          long long now_us, long long expires_us);

// The survey page's address for a token: <public_url>/s/<token>.
std::string SurveyUrl(const std::string& public_url, const std::string& token);

}  // namespace satisfaction::invitations

#endif  // SATISFACTION_SERVICES_INVITATIONS_INVITATIONS_H_
