#ifndef SATISFACTION_SERVICES_RESPONSES_RESPONSE_ROWS_H_
#define SATISFACTION_SERVICES_RESPONSES_RESPONSE_ROWS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "satisfaction/v1/response.pb.h"
#include "services/responses/response_validation.h"
#include "services/revisits/business_context.h"
#include "services/storage/write_batch.h"

// The rows responses are stored in, written many responses to a statement.
namespace satisfaction::responses {

// An accepted response as it is written.
struct ResponseRow {
  const v1::SubmitResponseRequest* request = nullptr;  // its answers and idempotency key
  const QuestionnaireShape* shape = nullptr;           // the version it answers
  long long id = 0;                                    // set by InsertResponses
  long long revisit_id = 0, customer_id = 0, submitted_at_us = 0;
  std::optional<long long> invitation_id;  // none for answers taken on a call
  std::string questionnaire_id, customer_external_id, agent_id;
  int questionnaire_version = 0, customer_type = 0, channel = 0;
  int report_day = 0;  // YYYYMMDD in the operator's time zone
  revisits::StoredContext context;  // of the event answered
  std::optional<long long> recovery_revisit_id;
};

// Inserts the responses and sets their ids. Throws SOCI's error when an
// idempotency key or a revisit is taken.
void InsertResponses(storage::Transaction& tx, std::vector<ResponseRow>& rows);

// Adds the insert of every answer of the responses (whose ids are set).
void AddAnswers(storage::WriteBatch& writes, const std::vector<ResponseRow>& rows);

// Adds the upserts of the responses into the aggregates: one count per 5-point
// answer by its score, and one per response (item '' and score 0), by
// questionnaire version, day, customer type, channel and agent
// (response_rollups); and by version, day and customer type alone, a row per
// item with its counts of each score (response_day_rollups); the same by
// version, day, channel and agent (response_channel_rollups); and for a response
// whose event carried context, the same by customer type and the context's
// parts (response_context_rollups). Counts of one key are summed first
// and keys go in order, so concurrent writers lock shared rows in one order.
// They add to the rows of `slot`: on a Galera cluster the node's index
// (storage::ClusterNode), so that submissions through different nodes write
// different rows and do not collide at commit; readers sum over slots.
void AddToRollups(storage::WriteBatch& writes, const std::vector<ResponseRow>& rows, int slot);

// The response as the caller is told of it, built without reading it back.
v1::Response ResponseOf(const ResponseRow& row);

// The response as stored, with its answers; NOT_FOUND naming the id.
absl::StatusOr<v1::Response> LoadResponse(storage::Transaction& tx, long long id);

}  // namespace satisfaction::responses

#endif  // SATISFACTION_SERVICES_RESPONSES_RESPONSE_ROWS_H_
