#ifndef SATISFACTION_SERVICES_RESPONSES_STORED_RESPONSE_H_
#define SATISFACTION_SERVICES_RESPONSES_STORED_RESPONSE_H_

#include <soci/soci.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "satisfaction/v1/response.pb.h"
#include "services/revisits/business_context.h"
#include "services/storage/query.h"
#include "services/storage/transaction.h"

namespace satisfaction::responses {

// A row of `responses r` with its customer `c` and the event `e` of the
// revisit answered, as read back: the one mapping of the table's columns to a
// v1::Response (answers aside).
struct StoredResponse {
  long long id = 0, submitted_us = 0, revisit_id = 0, recovery_id = 0;
  int day = 0, version = 0, type = 0, channel = 0;
  std::string questionnaire_id, external_id, agent;
  soci::indicator has_recovery = soci::i_null;
  revisits::StoredContext context;

  static constexpr char kColumns[] =
      "r.id, r.questionnaire_id, r.submitted_at_us, r.report_day, r.questionnaire_version,"
      " COALESCE(c.external_id, ''), r.customer_type, r.channel, r.agent_id, r.revisit_id, r.recovery_revisit_id, ";
  static constexpr char kFrom[] =
      " FROM responses r LEFT JOIN customers c ON c.id = r.customer_id LEFT JOIN revisits v ON v.id = r.revisit_id"
      " LEFT JOIN events e ON e.event_id = v.event_id";

  // Reads the columns of kColumns and revisits::StoredContext::kColumns, in their order.
  void Into(storage::Query& query);
  // The response without its answers.
  v1::Response ToProto() const;
};

// Calls `add` with each answer of the responses with these ids, response by
// response and in each questionnaire's order of items.
void ForEachAnswer(storage::Transaction& tx, const std::vector<long long>& ids,
                   const std::function<void(long long response_id, v1::Answer answer)>& add);

// The responses with these ids as stored, with their answers, by id; ids not
// found are left out. Two queries, however many responses.
absl::flat_hash_map<long long, v1::Response> LoadResponses(storage::Transaction& tx, const std::vector<long long>& ids);

}  // namespace satisfaction::responses

#endif  // SATISFACTION_SERVICES_RESPONSES_STORED_RESPONSE_H_
