#include "services/revisits/business_context.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/field_checks.h"
#include "services/common/text_checks.h"

namespace satisfaction::revisits {

namespace {

constexpr long long kMaxAmountMinor = 1'000'000'000'000;

void Trim(std::string* text) { *text = std::string(absl::StripAsciiWhitespace(*text)); }

}  // namespace

void NormalizeEventContext(v1::Event& event) {
  v1::BusinessContext& context = *event.mutable_context();
  for (std::string* text : {context.mutable_platform(), context.mutable_store(), context.mutable_product_category(),
                            context.mutable_courier(), context.mutable_cause()}) {
    Trim(text);
  }
  if (context.order_id().empty()) context.set_order_id(event.order_id());
  if (context.case_id().empty()) context.set_case_id(event.case_id());
  if (event.order_id().empty()) event.set_order_id(context.order_id());
  if (event.case_id().empty()) event.set_case_id(context.case_id());
}

absl::Status ValidateEventContext(const v1::Event& event) {
  const v1::BusinessContext& context = event.context();
  if (context.order_id() != event.order_id()) {
    return FieldError("event.context.order_id", "differs from event.order_id");
  }
  if (context.case_id() != event.case_id()) return FieldError("event.context.case_id", "differs from event.case_id");
  const std::pair<const char*, const std::string*> texts[] = {{"platform", &context.platform()},
                                                              {"store", &context.store()},
                                                              {"product_category", &context.product_category()},
                                                              {"courier", &context.courier()},
                                                              {"cause", &context.cause()}};
  for (const auto& [name, text] : texts) {
    size_t max_chars = std::string_view(name) == "platform" ? 32 : 64;
    if (absl::Status s = CheckText(absl::StrCat("event.context.", name), *text, max_chars, LineBreaks::kForbidden);
        !s.ok()) {
      return s;
    }
  }
  if (context.amount_minor() < 0 || context.amount_minor() > kMaxAmountMinor) {
    return FieldError("event.context.amount_minor", "0 to 10^12 (in the currency's minor unit)");
  }
  return absl::OkStatus();
}

void StoredContext::Into(storage::Query& query) {
  query.Into(order_id).Into(platform).Into(store).Into(product_category).Into(courier).Into(amount_minor);
  query.Into(case_id).Into(cause);
}

v1::BusinessContext StoredContext::ToProto() const {
  v1::BusinessContext context;
  context.set_order_id(order_id);
  context.set_platform(platform);
  context.set_store(store);
  context.set_product_category(product_category);
  context.set_courier(courier);
  context.set_amount_minor(amount_minor);
  context.set_case_id(case_id);
  context.set_cause(cause);
  return context;
}

bool StoredContext::HasGroupingParts() const {
  return !platform.empty() || !store.empty() || !product_category.empty() || !courier.empty() || !cause.empty();
}

std::string FormatAmount(long long amount_minor) {
  if (amount_minor <= 0) return "";
  return absl::StrFormat("%d.%02d", amount_minor / 100, amount_minor % 100);
}

std::vector<std::pair<std::string, std::string>> TemplateValuesOf(const v1::BusinessContext& context) {
  return {{"order_id", context.order_id()}, {"platform", context.platform()},
          {"store", context.store()},       {"product_category", context.product_category()},
          {"courier", context.courier()},   {"amount", FormatAmount(context.amount_minor())},
          {"case_id", context.case_id()},   {"cause", context.cause()}};
}

}  // namespace satisfaction::revisits
