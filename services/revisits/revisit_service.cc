#include "services/revisits/revisit_service.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "services/common/field_checks.h"
#include "services/common/page_token.h"
#include "services/common/text_checks.h"
#include "services/common/text_limits.h"
#include "services/customers/customer_validation.h"
#include "services/revisits/business_context.h"

namespace satisfaction::revisits {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;

}  // namespace

absl::Status ValidateEvent(const v1::Event& event, absl::Time now) {
  if (absl::Status s = customers::ValidateExternalId("event.event_id", event.event_id()); !s.ok()) return s;
  if (absl::Status s = customers::ValidateExternalId("event.customer_external_id", event.customer_external_id());
      !s.ok()) {
    return s;
  }
  switch (event.trigger()) {
    case v1::TRIGGER_ORDER_DELIVERED:
    case v1::TRIGGER_AFTER_SALES_CLOSED:
    case v1::TRIGGER_COMPLAINT_CLOSED:
      break;
    case v1::TRIGGER_PERIODIC_CARE:
    case v1::TRIGGER_LOW_SCORE:
      return FieldError("event.trigger", "periodic care and low scores are planned by the server itself");
    default:
      return FieldError(
          "event.trigger",
          absl::StrCat("must be ORDER_DELIVERED, AFTER_SALES_CLOSED or COMPLAINT_CLOSED; got ", event.trigger()));
  }
  if (event.has_occur_time() && !event.occur_local_time().empty()) {
    return FieldError("event.occur_time", "give occur_time or occur_local_time, not both");
  }
  if (!event.occur_local_time().empty()) {
    if (!ParseLocalDateTime(event.occur_local_time())) {
      return FieldError("event.occur_local_time",
                        absl::StrCat("must read YYYY-MM-DDTHH:MM:SS; got ", Quote(event.occur_local_time())));
    }
  } else if (absl::Status s = CheckReportedTime("event.occur_time", event.has_occur_time(), event.occur_time(), now);
             !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckText("event.order_id", event.order_id(), 128, LineBreaks::kForbidden); !s.ok()) return s;
  if (absl::Status s = CheckText("event.case_id", event.case_id(), 128, LineBreaks::kForbidden); !s.ok()) return s;
  return CheckText("event.serving_agent_id", event.serving_agent_id(), 64, LineBreaks::kForbidden);
}

absl::StatusOr<v1::RecordEventResponse> RevisitService::RecordEvent(const access::Caller& /*caller*/,
                                                                    const v1::RecordEventRequest& request) {
  v1::RecordEventResponse response;
  if (!request.has_event()) return absl::InvalidArgumentError("event: required");
  absl::Time now = absl::Now();
  v1::Event event = request.event();
  NormalizeEventContext(event);
  if (absl::Status s = ValidateEvent(event, now); !s.ok()) return s;
  if (absl::Status s = ValidateEventContext(event); !s.ok()) return s;
  absl::StatusOr<RevisitStore::EventResult> result = store_.RecordEvent(event, now);
  if (!result.ok()) return result.status();
  *response.mutable_event() = std::move(result->event);
  for (v1::Revisit& revisit : result->revisits) *response.add_revisits() = std::move(revisit);
  for (v1::SkippedRule& skipped : result->skipped) *response.add_skipped() = std::move(skipped);
  response.set_created(result->created);
  return response;
}

absl::StatusOr<v1::ListRevisitsResponse> RevisitService::ListRevisits(const access::Caller& /*caller*/,
                                                                      const v1::ListRevisitsRequest& request) {
  v1::ListRevisitsResponse response;
  if (absl::Status s = customers::ValidateExternalId("customer_external_id", request.customer_external_id()); !s.ok()) {
    return s;
  }
  absl::StatusOr<int> page_size = EffectivePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize);
  if (!page_size.ok()) return page_size.status();
  std::string filter = absl::StrCat("customer=", request.customer_external_id());
  long long after_due = -1, after_id = 0;
  if (!request.page_token().empty()) {
    absl::StatusOr<PageCursor> cursor = DecodePageToken(request.page_token(), filter);
    if (!cursor.ok()) return cursor.status();
    std::pair<std::string, std::string> parts = absl::StrSplit(cursor->after_key, absl::MaxSplits(':', 1));
    if (!absl::SimpleAtoi(parts.first, &after_due) || !absl::SimpleAtoi(parts.second, &after_id)) {
      return absl::InvalidArgumentError("page_token: not a token this service issued");
    }
  }
  absl::StatusOr<RevisitStore::ListPage> page =
      store_.ListForCustomer(request.customer_external_id(), after_due, after_id, *page_size);
  if (!page.ok()) return page.status();
  for (v1::Revisit& revisit : page->revisits) *response.add_revisits() = std::move(revisit);
  if (page->has_more) {
    response.set_next_page_token(
        EncodePageToken({.filter = filter, .after_key = absl::StrCat(page->last_due_us, ":", page->last_id)}));
  }
  return response;
}

}  // namespace satisfaction::revisits
