#include "services/analytics/response_funnel.h"

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "satisfaction/v1/revisit.pb.h"
#include "services/analytics/report_questionnaire.h"
#include "services/analytics/satisfaction_figures.h"
#include "services/analytics/satisfaction_reports.h"
#include "services/common/enum_bridges.h"
#include "services/common/report_days.h"
#include "services/questionnaires/questionnaire_validation.h"
#include "services/revisits/funnel_counts.h"
#include "services/storage/query.h"
#include "services/storage/transaction.h"

namespace satisfaction::analytics {

namespace {

// Fills the rates of a row from its counts.
void SetRates(v1::FunnelRow& row) {
  if (row.planned() == 0) return;
  row.set_contact_rate_percent(100.0 * row.contacted() / row.planned());
  *row.mutable_contact_rate_interval() = WilsonPercent(row.contacted(), row.planned());
  row.set_response_rate_percent(100.0 * row.responded() / row.planned());
  *row.mutable_response_rate_interval() = WilsonPercent(row.responded(), row.planned());
}

// The total from the counts kept as revisits are planned, reached and
// answered (revisit_funnel_rollups), for planning times in [from_us, to_us),
// both whole quarter-hours; of one questionnaire, or of all if empty.
void SumCountedTotal(storage::Transaction& tx, const std::string& questionnaire, long long from_us, long long to_us,
                     v1::FunnelRow& total) {
  long long planned = 0, reached = 0, responded = 0;
  std::string sql =
      "SELECT COALESCE(SUM(planned), 0), COALESCE(SUM(reached), 0), COALESCE(SUM(responded), 0) FROM"
      " revisit_funnel_rollups WHERE quarter_start_us >= :from AND quarter_start_us < :to";
  if (!questionnaire.empty()) sql += " AND questionnaire_id = :questionnaire";
  storage::Query query(tx, sql);
  query.Bind("from", from_us).Bind("to", to_us);
  if (!questionnaire.empty()) query.Bind("questionnaire", questionnaire);
  query.Into(planned).Into(reached).Into(responded).Execute();
  total.set_planned(planned);
  total.set_contacted(reached);
  total.set_responded(responded);
}

// The rows by channel and the customer's type now, counted revisit by
// revisit from the raw rows (the answers, calls and deliveries), into `reply`
// unless it is null; their sum into `total`.
void CountRevisitByRevisit(storage::Transaction& tx, const std::string& questionnaire, long long from_us,
                           long long to_us, v1::GetResponseFunnelResponse* reply, v1::FunnelRow& total) {
  int channel = 0, type = 0;
  long long planned = 0, contacted = 0, responded = 0;
  soci::indicator has_questionnaire = questionnaire.empty() ? soci::i_null : soci::i_ok;
  storage::Query rows(
      tx, absl::StrCat("SELECT v.channel, c.effective_type, COUNT(*), SUM(CASE WHEN ", revisits::ReachedInRawRows("v"),
                       " THEN 1 ELSE 0 END), SUM(CASE WHEN x.id IS NOT NULL THEN 1 ELSE 0 END) FROM revisits v JOIN"
                       " customers c ON c.id = v.customer_id LEFT JOIN responses x ON x.revisit_id = v.id WHERE"
                       " v.survey = 1 AND v.created_at_us >= :from AND v.created_at_us < :to AND (:questionnaire IS"
                       " NULL OR v.questionnaire_id = :same) GROUP BY v.channel, c.effective_type ORDER BY"
                       " v.channel, c.effective_type"));
  rows.Bind("from", from_us).Bind("to", to_us).Bind("questionnaire", questionnaire, has_questionnaire);
  rows.Bind("same", questionnaire, has_questionnaire);
  rows.Into(channel).Into(type).Into(planned).Into(contacted).Into(responded).Start();
  while (rows.Next()) {
    if (reply != nullptr) {
      v1::FunnelRow& row = *reply->add_rows();
      row.set_channel(ProtoEnumOrUnspecified<v1::Channel>(channel));
      row.set_customer_type(ProtoEnumOrUnspecified<v1::CustomerType>(type));
      row.set_planned(planned);
      row.set_contacted(contacted);
      row.set_responded(responded);
      SetRates(row);
    }
    total.set_planned(total.planned() + planned);
    total.set_contacted(total.contacted() + contacted);
    total.set_responded(total.responded() + responded);
  }
}

// The service-recovery calls low scores opened in [from_us, to_us).
void CountRecoveries(storage::Transaction& tx, long long from_us, long long to_us, v1::RecoveryFigures& recovery) {
  int low_score = v1::TRIGGER_LOW_SCORE, completed = v1::REVISIT_STATE_COMPLETED;
  int planned_state = v1::REVISIT_STATE_PLANNED, leased = v1::REVISIT_STATE_LEASED;
  long long opened = 0, done = 0, open = 0;
  storage::Query recoveries(tx,
                            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN state = :completed THEN 1 ELSE 0 END), 0),"
                            " COALESCE(SUM(CASE WHEN state IN (:planned, :leased) THEN 1 ELSE 0 END), 0)"
                            " FROM revisits WHERE trigger_kind = :low AND created_at_us >= :from"
                            " AND created_at_us < :to");
  recoveries.Bind("completed", completed).Bind("planned", planned_state).Bind("leased", leased);
  recoveries.Bind("low", low_score).Bind("from", from_us).Bind("to", to_us);
  recoveries.Into(opened).Into(done).Into(open).Execute();
  recovery.set_opened(opened);
  recovery.set_completed(done);
  recovery.set_open(open);
  if (opened > open) {
    recovery.set_recovery_rate_percent(100.0 * done / (opened - open));
    *recovery.mutable_recovery_rate_interval() = WilsonPercent(done, opened - open);
  }
}

}  // namespace

absl::Status ValidateFunnelRequest(const v1::GetResponseFunnelRequest& request) {
  if (absl::Status s = ValidateReportDays(request.first_day(), request.last_day()); !s.ok()) return s;
  if (!request.questionnaire_id().empty()) {  // optional: empty means every questionnaire
    if (absl::Status s = questionnaires::ValidateQuestionnaireRef("questionnaire_id", request.questionnaire_id());
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::GetResponseFunnelResponse> ResponseFunnel::Get(const v1::GetResponseFunnelRequest& request) {
  absl::CivilDay first, last;
  ParseReportDay(request.first_day(), &first);
  ParseReportDay(request.last_day(), &last);
  long long from_us = absl::ToUnixMicros(absl::FromCivil(first, zone_));
  long long to_us = absl::ToUnixMicros(absl::FromCivil(last + 1, zone_));
  // A zone whose days are not whole quarter-hours (none today; some before
  // 1980) is counted revisit by revisit.
  bool whole_buckets = from_us == revisits::FunnelBucketOf(from_us) && to_us == revisits::FunnelBucketOf(to_us);
  v1::GetResponseFunnelResponse reply;
  reply.set_time_zone(zone_.name());
  absl::Status status = database_.InTransaction(storage::Access::kRead, [&](storage::Transaction& tx) -> absl::Status {
    const std::string& questionnaire = request.questionnaire_id();
    if (!questionnaire.empty()) {
      if (absl::Status s = RequireQuestionnaire(tx, questionnaire); !s.ok()) return s;
    }
    v1::FunnelRow& total = *reply.mutable_total();
    if (request.totals_only() && whole_buckets) {
      SumCountedTotal(tx, questionnaire, from_us, to_us, total);
    } else {
      CountRevisitByRevisit(tx, questionnaire, from_us, to_us, request.totals_only() ? nullptr : &reply, total);
    }
    SetRates(total);
    CountRecoveries(tx, from_us, to_us, *reply.mutable_recovery());
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return reply;
}

}  // namespace satisfaction::analytics
