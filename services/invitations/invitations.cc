#include "services/invitations/invitations.h"

#include "absl/strings/str_cat.h"
#include "services/common/secrets.h"
#include "services/storage/query.h"
#include "services/storage/sql_text.h"
#include "services/storage/transaction.h"

namespace satisfaction::invitations {

std::vector<std::string> IssueInvitations(storage::Transaction& tx, const std::vector<SurveyToInvite>& surveys,
                                          int channel, long long now_us, long long expires_us) {
  std::vector<std::string> tokens, hashes;
  if (surveys.empty()) return tokens;
  std::vector<long long> revisit_ids;
  std::vector<std::string> languages;
  for (const SurveyToInvite& survey : surveys) {
    tokens.push_back(RandomUrlToken(kInvitationTokenBytes));
    hashes.push_back(Sha256Hex(tokens.back()));
    revisit_ids.push_back(survey.revisit_id);
    languages.push_back(survey.message_language);
  }
  // One INSERT ... SELECT that takes customer and questionnaire from the
  // revisits, each new hash and language placed by a CASE on the revisit's
  // id: far less for the database to parse and plan than a subquery per row.
  std::string hash_by_id = "CASE r.id", language_by_id = "CASE r.id";
  for (size_t i = 0; i < surveys.size(); ++i) absl::StrAppend(&hash_by_id, " WHEN :w", i, " THEN :h", i);
  for (size_t i = 0; i < surveys.size(); ++i) absl::StrAppend(&language_by_id, " WHEN :v", i, " THEN :l", i);
  storage::Query insert(
      tx, absl::StrCat("INSERT INTO invitations (token_hash, message_language, revisit_id, customer_id,"
                       " questionnaire_id, questionnaire_version, channel, created_at_us, expires_at_us) SELECT ",
                       hash_by_id, " END, ", language_by_id,
                       " END, r.id, r.customer_id, r.questionnaire_id, COALESCE(q.latest_published_version, 0),"
                       " :channel, :now, :expires FROM revisits r LEFT JOIN questionnaires q"
                       " ON q.id = r.questionnaire_id WHERE r.id IN (",
                       storage::Placeholders("i", revisit_ids.size()), ")"));
  insert.BindEach("w", revisit_ids).BindEach("h", hashes).BindEach("v", revisit_ids).BindEach("l", languages);
  insert.Bind("channel", channel).Bind("now", now_us).Bind("expires", expires_us).BindEach("i", revisit_ids);
  insert.Execute();
  return tokens;
}

std::string SurveyUrl(const std::string& public_url, const std::string& token) {
  return absl::StrCat(public_url, "/s/", token);
}

}  // namespace satisfaction::invitations
