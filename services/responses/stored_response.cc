#include "services/responses/stored_response.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "services/common/enum_bridges.h"

namespace satisfaction::responses {

void StoredResponse::Into(storage::Query& query) {
  query.Into(id).Into(questionnaire_id).Into(submitted_us).Into(day).Into(version).Into(external_id);
  query.Into(type).Into(channel).Into(agent).Into(revisit_id).Into(recovery_id, has_recovery);
  context.Into(query);
}

v1::Response StoredResponse::ToProto() const {
  v1::Response response;
  response.set_id(absl::StrCat(id));
  response.set_questionnaire_id(questionnaire_id);
  response.set_questionnaire_version(version);
  response.set_customer_external_id(external_id);
  response.set_customer_type(ProtoEnumOrUnspecified<v1::CustomerType>(type));
  response.set_channel(ProtoEnumOrUnspecified<v1::Channel>(channel));
  response.set_agent_id(agent);
  response.set_revisit_id(absl::StrCat(revisit_id));
  *response.mutable_submit_time() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(submitted_us);
  if (has_recovery == soci::i_ok) response.set_recovery_revisit_id(absl::StrCat(recovery_id));
  *response.mutable_context() = context.ToProto();
  return response;
}

}  // namespace satisfaction::responses
