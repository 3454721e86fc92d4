#ifndef SATISFACTION_SERVICES_RESPONSES_RESPONSE_STORE_H_
#define SATISFACTION_SERVICES_RESPONSES_RESPONSE_STORE_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "satisfaction/v1/access.pb.h"
#include "satisfaction/v1/response.pb.h"
#include "services/common/flow_observer.h"
#include "services/responses/response_rows.h"
#include "services/responses/response_validation.h"
#include "services/revisits/revisit_store.h"
#include "services/storage/database.h"
#include "services/storage/group_commit.h"

namespace satisfaction::responses {

// Stores survey responses exactly once, each with its answers, the invitation
// marked used, the aggregates the satisfaction indices read, and the closed
// loop's recovery callback, in one transaction.
//
// Submissions arriving together are committed together (see
// storage::GroupCommit): one transaction and a statement per table for a
// batch of web submissions, each caller answered after that commit. Refusals
// are decided before anything is written; a batch that fails is tried again
// one submission at a time, so one bad submission never costs the others
// theirs.
class ResponseStore {
 public:
  // Aggregates count days in `report_zone` (the operator's); recovery calls
  // are planned by `revisits`.
  // `flow` (may be null) hears of the responses stored and the revisits
  // their answers end.
  ResponseStore(storage::Database& database, revisits::RevisitStore& revisits, absl::TimeZone report_zone,
                FlowObserver* flow = nullptr);

  // Stores a request whose source and idempotency key are validated; the
  // answers are checked here, against the version the source names. `done`
  // gets the outcome, on a thread of the store's, after the commit; `request`
  // must live until then. With an `audit` event (see
  // access::PendingAuditEvent), the outcome is written to the audit log in
  // the same transaction, and `done` is told whether it was (not when the
  // transaction failed: the caller's audit must then record the failure).
  using Done = absl::AnyInvocable<void(absl::StatusOr<v1::Response> result, bool audited) &&>;
  void Submit(const v1::SubmitResponseRequest& request, absl::Time now, std::optional<v1::AuditEvent> audit, Done done);
  // The same, waiting for the outcome.
  absl::StatusOr<v1::Response> Submit(const v1::SubmitResponseRequest& request, absl::Time now);

  absl::StatusOr<v1::Response> Get(long long id);

  // What an invitation's page shows: its survey, or why it can no longer be
  // answered. NOT_FOUND for a token never issued.
  struct InvitationView {
    std::string questionnaire_id;
    int questionnaire_version = 0;
    bool expired = false, answered = false;
    // The language of the message that carried the link; "" if none did.
    std::string message_language;
  };
  absl::StatusOr<InvitationView> ViewInvitation(const std::string& token, absl::Time now);

 private:
  struct Source;
  struct Context;
  struct ContextBinding;
  struct Submission;
  using Batch = std::vector<Submission*>;

  // The group commit's work: web submissions together, then each that could
  // not join them, and each taken on a call, alone.
  void CommitBatch(const Batch& batch);
  // One transaction for `batch`, tried again when it loses a deadlock or a race.
  absl::Status StoreWithRetries(const Batch& batch);
  absl::Status StoreBatch(storage::Transaction& tx, const Batch& batch);
  // The audit events of the submissions `batch` settled, with their outcomes.
  void WriteAuditEvents(storage::Transaction& tx, const Batch& batch);

  // Each step sets the result of the submissions it settles.
  void LockInvitations(storage::Transaction& tx, const Batch& batch);
  void LockCallback(storage::Transaction& tx, Submission& submission);
  void AnswerRetries(storage::Transaction& tx, const Batch& batch);
  absl::StatusOr<QuestionnaireShape> ShapeOf(storage::Transaction& tx, const std::string& id, int version);
  // The enabled low-score rules, read again only when `version` changed.
  std::vector<v1::RevisitRule> LowScoreRules(storage::Transaction& tx, long long version);
  // The closed loop: the recovery revisit a response's answers open, if any.
  absl::StatusOr<std::optional<long long>> OpenRecovery(storage::Transaction& tx, const Submission& submission,
                                                        const ResponseRow& row);

  storage::Database& database_;
  const absl::TimeZone report_zone_;
  revisits::RevisitStore& revisits_;
  FlowObserver* const flow_;
  absl::Mutex shapes_mutex_;
  absl::flat_hash_map<std::pair<std::string, int>, QuestionnaireShape> shapes_ ABSL_GUARDED_BY(shapes_mutex_);
  absl::Mutex rules_mutex_;
  long long low_score_rules_version_ ABSL_GUARDED_BY(rules_mutex_) = -1;
  std::vector<v1::RevisitRule> low_score_rules_ ABSL_GUARDED_BY(rules_mutex_);
  // Last: its thread stops first.
  storage::GroupCommit<Submission> submissions_;
};

}  // namespace satisfaction::responses

#endif  // SATISFACTION_SERVICES_RESPONSES_RESPONSE_STORE_H_
