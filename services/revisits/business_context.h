#ifndef SATISFACTION_SERVICES_REVISITS_BUSINESS_CONTEXT_H_
#define SATISFACTION_SERVICES_REVISITS_BUSINESS_CONTEXT_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "satisfaction/v1/common.pb.h"
#include "satisfaction/v1/revisit.pb.h"
#include "services/storage/query.h"

// What a contact is about, as events bring it and everything after them shows it.
namespace satisfaction::revisits {

// Trims the context's texts (not its ids) and makes the event's order and case ids and its
// context's the same (either may be given). Call before ValidateEventContext.
void NormalizeEventContext(v1::Event& event);

// Checks an event's context (after NormalizeEventContext): each text within
// its length and on one line, the amount in range, and order_id and case_id
// agreeing with the event's own. INVALID_ARGUMENT naming the field.
absl::Status ValidateEventContext(const v1::Event& event);

// A context as the events table keeps it, read from the event joined as `e`
// (LEFT JOINed: a row without an event reads empty).
struct StoredContext {
  std::string order_id, platform, store, product_category, courier, case_id, cause;
  long long amount_minor = 0;

  static constexpr char kColumns[] =
      "COALESCE(e.order_id, ''), COALESCE(e.platform, ''), COALESCE(e.store, ''), COALESCE(e.product_category, ''),"
      " COALESCE(e.courier, ''), COALESCE(e.amount_minor, 0), COALESCE(e.case_id, ''), COALESCE(e.cause, '')";

  // Reads the columns of kColumns, in their order.
  void Into(storage::Query& query);
  v1::BusinessContext ToProto() const;
  // Whether any of the parts figures are grouped by is set: whether a
  // response to the event counts in the aggregates by context.
  bool HasGroupingParts() const;
  // The same, as SQL over the event `e`.
  static constexpr char kHasGroupingParts[] =
      "(e.platform <> '' OR e.store <> '' OR e.product_category <> '' OR e.courier <> '' OR e.cause <> '')";
};

// The amount as templates show it: yuan with two decimals ("128.50"); empty
// for 0.
std::string FormatAmount(long long amount_minor);

// The context as message and call script templates name it: order_id,
// platform, store, product_category, courier, amount (FormatAmount), case_id
// and cause, each with its value (empty when not known).
std::vector<std::pair<std::string, std::string>> TemplateValuesOf(const v1::BusinessContext& context);

}  // namespace satisfaction::revisits

#endif  // SATISFACTION_SERVICES_REVISITS_BUSINESS_CONTEXT_H_
