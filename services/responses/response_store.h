#ifndef SATISFACTION_SERVICES_RESPONSES_RESPONSE_STORE_H_
#define SATISFACTION_SERVICES_RESPONSES_RESPONSE_STORE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "satisfaction/v1/response.pb.h"
#include "services/responses/response_validation.h"
#include "services/revisits/revisit_store.h"
#include "services/storage/database.h"

namespace satisfaction::responses {

// Stores survey responses exactly once, each in one transaction with its
// answers, the invitation marked used, the aggregates the satisfaction indices
// read, and the closed loop's recovery callback.
class ResponseStore {
 public:
  // Aggregates count days in `report_zone` (the operator's); recovery calls
  // are planned by `revisits`.
  ResponseStore(storage::Database& database, revisits::RevisitStore& revisits, absl::TimeZone report_zone)
      : database_(database), report_zone_(report_zone), revisits_(revisits) {}

  // Stores a request whose source and idempotency key are validated; the
  // answers are checked here, against the version the source names.
  absl::StatusOr<v1::Response> Submit(const v1::SubmitResponseRequest& request, absl::Time now);

  absl::StatusOr<v1::Response> Get(long long id);

  // What an invitation's page shows: its survey, or why it can no longer be
  // answered. NOT_FOUND for a token never issued.
  struct InvitationView {
    std::string questionnaire_id;
    int questionnaire_version = 0;
    bool expired = false, answered = false;
  };
  absl::StatusOr<InvitationView> ViewInvitation(const std::string& token, absl::Time now);

 private:
  // Who answered which survey, as the source (invitation or callback) says.
  struct Source;
  absl::StatusOr<Source> InvitationSource(soci::session& session, const std::string& token, absl::Time now);
  absl::StatusOr<Source> CallbackSource(soci::session& session, const v1::CallbackAnswer& callback, absl::Time now);
  absl::StatusOr<QuestionnaireShape> ShapeOf(soci::session& session, const std::string& id, int version);
  struct Context;
  Context ReadContext(soci::session& session, const Source& source);
  // The enabled low-score rules, read again only when `version` changed.
  std::vector<v1::RevisitRule> LowScoreRules(soci::session& session, long long version);
  // The closed loop: the recovery revisit the answers open, if any.
  absl::StatusOr<long long> OpenRecovery(soci::session& session, const Source& source, const Context& context,
                                         const QuestionnaireShape& shape, const v1::SubmitResponseRequest& request,
                                         long long response_id, absl::Time now);

  storage::Database& database_;
  const absl::TimeZone report_zone_;
  revisits::RevisitStore& revisits_;
  absl::Mutex shapes_mutex_;
  absl::flat_hash_map<std::pair<std::string, int>, QuestionnaireShape> shapes_ ABSL_GUARDED_BY(shapes_mutex_);
  absl::Mutex rules_mutex_;
  long long low_score_rules_version_ ABSL_GUARDED_BY(rules_mutex_) = -1;
  std::vector<v1::RevisitRule> low_score_rules_ ABSL_GUARDED_BY(rules_mutex_);
};

}  // namespace satisfaction::responses

#endif  // SATISFACTION_SERVICES_RESPONSES_RESPONSE_STORE_H_
