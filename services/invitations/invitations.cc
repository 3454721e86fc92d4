#include "services/invitations/invitations.h"

#include "absl/strings/str_cat.h"
#include "services/common/secrets.h"

namespace satisfaction::invitations {

std::vector<std::string> IssueInvitations(soci::session& session, std::vector<InvitationFor> surveys, long long now_us,
                                          long long expires_us) {
  std::vector<std::string> tokens, hashes;
  if (surveys.empty()) return tokens;
  for (size_t i = 0; i < surveys.size(); ++i) {
    tokens.push_back(RandomUrlToken(kInvitationTokenBytes));
    hashes.push_back(Sha256Hex(tokens.back()));
  }
  std::string sql =
      "INSERT INTO invitations (token_hash, revisit_id, customer_id, questionnaire_id, questionnaire_version,"
      " channel, created_at_us, expires_at_us) VALUES ";
  soci::statement statement(session);
  for (size_t i = 0; i < surveys.size(); ++i) {
    // Each placeholder once: SQLite binds a repeated name once.
    absl::StrAppend(&sql, i ? ", " : "", "(:h", i, ", :r", i, ", (SELECT customer_id FROM revisits WHERE id = :c", i,
                    "), (SELECT questionnaire_id FROM revisits WHERE id = :q", i,
                    "), COALESCE((SELECT q.latest_published_version FROM revisits r JOIN questionnaires q"
                    " ON q.id = r.questionnaire_id WHERE r.id = :v",
                    i, "), 0), :k", i, ", :n", i, ", :e", i, ")");
    InvitationFor& survey = surveys[i];
    statement.exchange(soci::use(hashes[i]));
    for (int uses = 0; uses < 4; ++uses) statement.exchange(soci::use(survey.revisit_id));
    statement.exchange(soci::use(survey.channel));
    statement.exchange(soci::use(now_us));
    statement.exchange(soci::use(expires_us));
  }
  statement.alloc();
  statement.prepare(sql);
  statement.define_and_bind();
  statement.execute(true);
  return tokens;
}

std::string SurveyUrl(const std::string& public_url, const std::string& token) {
  return absl::StrCat(public_url, "/s/", token);
}

}  // namespace satisfaction::invitations
