#include "services/revisits/revisit_rule_validation.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/enum_bridges.h"
#include "services/common/field_checks.h"
#include "services/common/text_checks.h"
#include "services/customers/customer_validation.h"

namespace satisfaction::revisits {

absl::Status ValidateRuleId(absl::string_view field, absl::string_view id) {
  auto allowed = [](char c) { return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-'; };
  if (id.empty() || id.size() > 63 || !absl::ascii_islower(id[0]) || !std::all_of(id.begin(), id.end(), allowed)) {
    return FieldError(field, "1 to 63 lower-case letters, digits and '-', starting with a letter");
  }
  return absl::OkStatus();
}

absl::Status NormalizeAndValidateRule(absl::string_view field_prefix, v1::RevisitRule& rule) {
  auto field = [&](absl::string_view name) { return absl::StrCat(field_prefix, ".", name); };
  if (absl::Status s = ValidateRuleId(field("id"), rule.id()); !s.ok()) return s;
  if (rule.customer_types_size() == 0) return FieldError(field("customer_types"), "at least one type is required");
  for (int type : rule.customer_types()) {
    if (!v1::CustomerType_IsValid(type) || type == v1::CUSTOMER_TYPE_UNSPECIFIED) {
      return FieldError(field("customer_types"), absl::StrCat("unknown customer type ", type));
    }
  }
  if (!v1::Trigger_IsValid(rule.trigger()) || rule.trigger() == v1::TRIGGER_UNSPECIFIED) {
    return FieldError(field("trigger"), absl::StrCat("must be a known trigger; got ", rule.trigger()));
  }
  if (rule.channels_size() == 0) return FieldError(field("channels"), "at least one channel is required");
  for (int channel : rule.channels()) {
    if (!v1::Channel_IsValid(channel) || channel == v1::CHANNEL_UNSPECIFIED) {
      return FieldError(field("channels"), absl::StrCat("unknown channel ", channel));
    }
  }
  if (absl::Status s = CheckDuration(field("delay"), rule.delay(), absl::ZeroDuration(), absl::Hours(24 * 90));
      !s.ok()) {
    return s;
  }
  if (!rule.has_expiry()) *rule.mutable_expiry() = ToProtoDuration(absl::Hours(24 * 14));
  if (absl::Status s = CheckDuration(field("expiry"), rule.expiry(), absl::ZeroDuration(), absl::Hours(24 * 365));
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          CheckDuration(field("care_interval"), rule.care_interval(), absl::ZeroDuration(), absl::Hours(24 * 3650));
      !s.ok()) {
    return s;
  }
  if (rule.priority() < 0 || rule.priority() > 100) return FieldError(field("priority"), "must be from 0 to 100");
  if (rule.max_attempts() == 0) rule.set_max_attempts(3);
  scheduler::RetryDelays defaults;
  v1::RetryDelays& delays = *rule.mutable_retry_delays();
  for (auto [name, value, fallback] :
       {std::tuple{"no_answer", delays.mutable_no_answer(), defaults.no_answer},
        std::tuple{"busy", delays.mutable_busy(), defaults.busy},
        std::tuple{"voicemail", delays.mutable_voicemail(), defaults.voicemail},
        std::tuple{"call_back_later", delays.mutable_call_back_later(), defaults.call_back_later}}) {
    if (value->seconds() == 0 && value->nanos() == 0) *value = ToProtoDuration(fallback);
    if (absl::Status s =
            CheckDuration(field(absl::StrCat("retry_delays.", name)), *value, absl::Minutes(1), absl::Hours(24 * 30));
        !s.ok()) {
      return s;
    }
  }
  if (rule.trigger() == v1::TRIGGER_LOW_SCORE) {
    for (int dimension : rule.low_score_dimensions()) {
      if (!v1::Dimension_IsValid(dimension) || dimension == v1::DIMENSION_UNSPECIFIED) {
        return FieldError(field("low_score_dimensions"), absl::StrCat("unknown dimension ", dimension));
      }
    }
    if (rule.low_score_at_most() < 0 || rule.low_score_at_most() > 4) {
      return FieldError(field("low_score_at_most"), "must be 1 to 4 (0: 2)");
    }
    LowScoreMarks marks = LowScoreMarksOf(rule);
    rule.clear_low_score_dimensions();
    for (int dimension : marks.dimensions) rule.add_low_score_dimensions(static_cast<v1::Dimension>(dimension));
    rule.set_low_score_at_most(marks.at_most);
  } else if (rule.low_score_dimensions_size() > 0 || rule.low_score_at_most() != 0) {
    return FieldError(field("low_score_dimensions"), "only for TRIGGER_LOW_SCORE rules");
  }
  if (rule.queue().empty()) rule.set_queue(std::string(kDefaultQueue));
  if (absl::Status s = customers::ValidateId(field("queue"), rule.queue(), 64); !s.ok()) return s;
  if (absl::Status s = CheckText(field("description"), rule.description(), 500, LineBreaks::kAllowed); !s.ok()) {
    return s;
  }
  // The cross-field rules live with the scheduler's rule.
  if (absl::Status s = ToSchedulerRule(rule).Validate(); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(field_prefix, ".", s.message()));
  }
  rule.clear_enabled();
  rule.clear_create_time();
  rule.clear_update_time();
  return absl::OkStatus();
}

scheduler::RevisitRule ToSchedulerRule(const v1::RevisitRule& rule) {
  scheduler::RevisitRule out;
  out.id = rule.id();
  // Values this build does not know (a stored rule of a newer build's) are
  // left out: it cannot plan for them, and a rule whose trigger it does not
  // know plans nothing. Validated rules hold none.
  for (int type : rule.customer_types()) {
    std::optional<scheduler::CustomerType> known = ToScheduler(ProtoEnumOrUnspecified<v1::CustomerType>(type));
    if (known) out.customer_types.push_back(*known);
  }
  std::optional<scheduler::Trigger> trigger = ToScheduler(rule.trigger());
  out.trigger = trigger.value_or(out.trigger);
  out.enabled = rule.enabled() && trigger.has_value();
  for (int channel : rule.channels()) {
    std::optional<scheduler::Channel> known = ToScheduler(ProtoEnumOrUnspecified<v1::Channel>(channel));
    if (known) out.channels.push_back(*known);
  }
  out.delay = FromProtoDuration(rule.delay());
  out.questionnaire_id = rule.questionnaire_id();
  out.priority = rule.priority();
  out.max_attempts = rule.max_attempts();
  out.retry_delays = {FromProtoDuration(rule.retry_delays().no_answer()), FromProtoDuration(rule.retry_delays().busy()),
                      FromProtoDuration(rule.retry_delays().voicemail()),
                      FromProtoDuration(rule.retry_delays().call_back_later())};
  out.expiry = FromProtoDuration(rule.expiry());
  out.reserve_for_serving_agent = rule.reserve_for_serving_agent();
  out.care_interval = FromProtoDuration(rule.care_interval());
  return out;
}

LowScoreMarks LowScoreMarksOf(const v1::RevisitRule& rule) {
  LowScoreMarks marks;
  if (rule.low_score_dimensions_size() == 0) {
    marks.dimensions = {v1::DIMENSION_OVERALL, v1::DIMENSION_SERVICE_ATTITUDE, v1::DIMENSION_AFTER_SALES};
  } else {
    marks.dimensions.assign(rule.low_score_dimensions().begin(), rule.low_score_dimensions().end());
  }
  marks.at_most = rule.low_score_at_most() == 0 ? 2 : rule.low_score_at_most();
  return marks;
}

int CustomerTypeMask(const v1::RevisitRule& rule) {
  int mask = 0;
  for (int type : rule.customer_types()) mask |= CustomerTypeMaskBit(ProtoEnumOrUnspecified<v1::CustomerType>(type));
  return mask;
}

}  // namespace satisfaction::revisits
