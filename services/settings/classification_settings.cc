#include "services/settings/classification_settings.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "services/common/field_checks.h"

namespace satisfaction::settings {
namespace {

constexpr absl::Duration kDay = absl::Hours(24);
constexpr long long kMaxAmountMinor = 100'000'000'000;  // a billion yuan

absl::Status CheckCount(const std::string& field, long long value, long long max) {
  if (value < 1 || value > max) return FieldError(field, absl::StrCat("must be 1 to ", max, "; got ", value));
  return absl::OkStatus();
}

// Exactly four values, each above the one before.
template <typename T>
absl::Status CheckCuts(const std::string& field, const google::protobuf::RepeatedField<T>& cuts) {
  if (cuts.size() != 4) return FieldError(field, absl::StrCat("needs exactly 4 cut points; got ", cuts.size()));
  for (int i = 1; i < 4; ++i) {
    if (cuts[i] <= cuts[i - 1]) return FieldError(absl::StrCat(field, "[", i, "]"), "must be above the one before");
  }
  return absl::OkStatus();
}

}  // namespace

v1::ClassificationSettings DefaultClassificationSettings() {
  scheduler::ClassificationThresholds thresholds;
  scheduler::RfmThresholds rfm;
  v1::ClassificationSettings settings;
  *settings.mutable_active_period() = ToProtoDuration(thresholds.active_period);
  settings.set_active_min_orders(thresholds.active_min_orders);
  *settings.mutable_dormant_after() = ToProtoDuration(thresholds.dormant_after);
  *settings.mutable_churned_after() = ToProtoDuration(thresholds.churned_after);
  settings.set_loyal_min_orders(thresholds.loyal_min_orders);
  *settings.mutable_loyal_min_tenure() = ToProtoDuration(thresholds.loyal_min_tenure);
  settings.set_loyal_min_amount_minor(static_cast<long long>(thresholds.loyal_min_amount * 100));
  for (absl::Duration cut : rfm.recency) *settings.mutable_rfm()->add_recency() = ToProtoDuration(cut);
  for (int cut : rfm.frequency) settings.mutable_rfm()->add_frequency(cut);
  for (double cut : rfm.monetary) settings.mutable_rfm()->add_monetary_minor(static_cast<long long>(cut * 100));
  return settings;
}

absl::StatusOr<ClassificationRules> ParseClassificationSettings(const v1::ClassificationSettings& settings) {
  ClassificationRules out;
  scheduler::ClassificationThresholds& t = out.thresholds;
  struct Span {
    const char* field;
    bool present;
    const google::protobuf::Duration& value;
    absl::Duration min;
    absl::Duration* out;
  };
  const Span spans[] = {
      {"settings.active_period", settings.has_active_period(), settings.active_period(), kDay, &t.active_period},
      {"settings.dormant_after", settings.has_dormant_after(), settings.dormant_after(), kDay, &t.dormant_after},
      {"settings.churned_after", settings.has_churned_after(), settings.churned_after(), kDay, &t.churned_after},
      {"settings.loyal_min_tenure", settings.has_loyal_min_tenure(), settings.loyal_min_tenure(), absl::ZeroDuration(),
       &t.loyal_min_tenure},
  };
  for (const Span& span : spans) {
    if (!span.present) return FieldError(span.field, "required");
    if (absl::Status s = CheckDuration(span.field, span.value, span.min, kDay * 3650); !s.ok()) return s;
    *span.out = FromProtoDuration(span.value);
  }
  if (t.churned_after <= t.dormant_after) {
    return FieldError("settings.churned_after", "must be longer than dormant_after");
  }
  if (absl::Status s = CheckCount("settings.active_min_orders", settings.active_min_orders(), 1000); !s.ok()) return s;
  t.active_min_orders = settings.active_min_orders();
  if (absl::Status s = CheckCount("settings.loyal_min_orders", settings.loyal_min_orders(), 1000); !s.ok()) return s;
  t.loyal_min_orders = settings.loyal_min_orders();
  if (settings.loyal_min_amount_minor() < 0 || settings.loyal_min_amount_minor() > kMaxAmountMinor) {
    return FieldError("settings.loyal_min_amount_minor", absl::StrCat("must be 0 to ", kMaxAmountMinor));
  }
  t.loyal_min_amount = static_cast<double>(settings.loyal_min_amount_minor()) / 100.0;

  if (!settings.has_rfm()) return FieldError("settings.rfm", "required");
  const v1::RfmCuts& rfm = settings.rfm();
  if (rfm.recency_size() != 4) {
    return FieldError("settings.rfm.recency", absl::StrCat("needs exactly 4 cut points; got ", rfm.recency_size()));
  }
  for (int i = 0; i < 4; ++i) {
    std::string field = absl::StrCat("settings.rfm.recency[", i, "]");
    if (absl::Status s = CheckDuration(field, rfm.recency(i), kDay, kDay * 3650); !s.ok()) return s;
    out.rfm.recency[i] = FromProtoDuration(rfm.recency(i));
    if (i > 0 && out.rfm.recency[i] <= out.rfm.recency[i - 1]) return FieldError(field, "must be above the one before");
  }
  if (absl::Status s = CheckCuts("settings.rfm.frequency", rfm.frequency()); !s.ok()) return s;
  if (absl::Status s = CheckCuts("settings.rfm.monetary_minor", rfm.monetary_minor()); !s.ok()) return s;
  for (int i = 0; i < 4; ++i) {
    if (rfm.frequency(i) < 1) return FieldError(absl::StrCat("settings.rfm.frequency[", i, "]"), "at least 1");
    if (rfm.monetary_minor(i) < 0 || rfm.monetary_minor(i) > kMaxAmountMinor) {
      return FieldError(absl::StrCat("settings.rfm.monetary_minor[", i, "]"),
                        absl::StrCat("must be 0 to ", kMaxAmountMinor));
    }
    out.rfm.frequency[i] = rfm.frequency(i);
    out.rfm.monetary[i] = static_cast<double>(rfm.monetary_minor(i)) / 100.0;
  }
  // The scheduler's own checks, as a last line (they should never fire here).
  if (absl::Status s = t.Validate(); !s.ok()) return FieldError("settings", s.message());
  if (absl::Status s = out.rfm.Validate(); !s.ok()) return FieldError("settings.rfm", s.message());
  return out;
}

}  // namespace satisfaction::settings
