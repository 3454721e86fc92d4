#include "services/callbacks/callback_service.h"

#include <google/protobuf/util/time_util.h>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/field_checks.h"
#include "services/common/text_checks.h"
#include "services/customers/customer_validation.h"
#include "services/leases/lease_requests.h"

namespace satisfaction::callbacks {
namespace {

constexpr int kMaxReports = 100;

absl::StatusOr<Claimant> ValidateClaimant(const std::string& queue, const std::string& agent_id) {
  if (queue.empty() && agent_id.empty()) return FieldError("queue", "give a queue, an agent_id, or both");
  if (!queue.empty()) {
    if (absl::Status s = customers::ValidateId("queue", queue, 64); !s.ok()) return s;
  }
  if (!agent_id.empty()) {
    if (absl::Status s = customers::ValidateId("agent_id", agent_id, 64); !s.ok()) return s;
  }
  return Claimant{queue, agent_id};
}

absl::StatusOr<long long> ValidateCallbackId(const std::string& id) {
  return leases::ValidateRevisitId("callback_id", id, "callback");
}

// Checks one report; `prefix` places its fields in the request ("" or
// "reports[3]."). Returns the callback's id.
absl::StatusOr<long long> ValidateReport(const std::string& prefix, const v1::ReportDispositionRequest& report) {
  auto in_prefix = [&](absl::Status status) {
    return prefix.empty() ? status : absl::Status(status.code(), absl::StrCat(prefix, status.message()));
  };
  absl::StatusOr<long long> id = ValidateCallbackId(report.callback_id());
  if (!id.ok()) return in_prefix(id.status());
  if (absl::Status s = leases::ValidateLeaseToken(report.lease_token()); !s.ok()) return in_prefix(s);
  if (!v1::CallOutcome_IsValid(report.outcome()) || report.outcome() == v1::CALL_OUTCOME_UNSPECIFIED) {
    return in_prefix(FieldError("outcome", absl::StrCat("must be a known outcome; got ", report.outcome())));
  }
  if (absl::Status s = CheckText("notes", report.notes(), 2000, LineBreaks::kAllowed); !s.ok()) return in_prefix(s);
  if (report.has_call_back_time()) {
    if (report.outcome() != v1::CALL_OUTCOME_CALL_BACK_LATER) {
      return in_prefix(FieldError("call_back_time", "only with CALL_OUTCOME_CALL_BACK_LATER"));
    }
    if (absl::Status s = CheckTimestamp("call_back_time", report.call_back_time()); !s.ok()) return in_prefix(s);
  }
  if (!report.agent_id().empty()) {
    if (absl::Status s = customers::ValidateId("agent_id", report.agent_id(), 64); !s.ok()) return in_prefix(s);
  }
  return id;
}

}  // namespace

absl::StatusOr<v1::FetchDueCallbacksResponse> CallbackService::FetchDueCallbacks(
    const access::Caller& caller, const v1::FetchDueCallbacksRequest& request) {
  v1::FetchDueCallbacksResponse response;
  absl::StatusOr<Claimant> claimant = ValidateClaimant(request.queue(), request.agent_id());
  if (!claimant.ok()) return claimant.status();
  if (absl::Status s = access::CheckBinding(caller, request.queue(), request.agent_id()); !s.ok()) {
    return s;
  }
  if (absl::Status s = leases::ValidateClaimCount(request.max_count()); !s.ok()) return s;
  absl::StatusOr<absl::Duration> lease =
      leases::ValidateLeaseDuration("lease_duration", request.has_lease_duration(), request.lease_duration());
  if (!lease.ok()) return lease.status();
  absl::StatusOr<std::vector<v1::Callback>> callbacks =
      store_.Fetch(*claimant, request.max_count(), *lease, absl::Now());
  if (!callbacks.ok()) return callbacks.status();
  for (v1::Callback& callback : *callbacks) *response.add_callbacks() = std::move(callback);
  return response;
}

absl::StatusOr<v1::ReportDispositionResponse> CallbackService::ReportDisposition(
    const access::Caller& caller, const v1::ReportDispositionRequest& request, AuditInWrite& audit) {
  absl::StatusOr<long long> id = ValidateReport("", request);
  if (!id.ok()) return id.status();
  if (absl::Status s = access::CheckReportingAgent(caller, request.agent_id()); !s.ok()) return s;
  absl::StatusOr<v1::ReportDispositionResponse> result = store_.Report(request, *id, absl::Now(), audit.event());
  if (result.ok()) audit.MarkWritten();
  return result;
}

absl::StatusOr<v1::ReportDispositionsResponse> CallbackService::ReportDispositions(
    const access::Caller& caller, const v1::ReportDispositionsRequest& request, AuditInWrite& audit) {
  v1::ReportDispositionsResponse response;
  if (request.reports_size() < 1 || request.reports_size() > kMaxReports) {
    return FieldError("reports", absl::StrCat("1 to ", kMaxReports, " reports; got ", request.reports_size()));
  }
  std::vector<CallbackStore::Disposition> dispositions;
  absl::flat_hash_set<long long> seen;
  for (int i = 0; i < request.reports_size(); ++i) {
    std::string prefix = absl::StrCat("reports[", i, "].");
    absl::StatusOr<long long> id = ValidateReport(prefix, request.reports(i));
    if (!id.ok()) return id.status();
    if (absl::Status s = access::CheckReportingAgent(caller, request.reports(i).agent_id()); !s.ok()) {
      return absl::PermissionDeniedError(absl::StrCat(prefix, s.message()));
    }
    if (!seen.insert(*id).second) {
      return FieldError(prefix + "callback_id", "reported twice in one request");
    }
    dispositions.push_back({&request.reports(i), *id});
  }
  for (absl::StatusOr<v1::ReportDispositionResponse>& result :
       store_.ReportMany(dispositions, absl::Now(), audit.event())) {
    v1::DispositionResult& out = *response.add_results();
    if (result.ok()) {
      audit.MarkWritten();
      *out.mutable_response() = *std::move(result);
    } else {
      out.set_code(static_cast<int>(result.status().code()));
      out.set_message(std::string(result.status().message()));
    }
  }
  return response;
}

absl::StatusOr<v1::Callback> CallbackService::ExtendCallbackLease(const access::Caller& /*caller*/,
                                                                  const v1::ExtendCallbackLeaseRequest& request) {
  absl::StatusOr<long long> id = ValidateCallbackId(request.callback_id());
  if (!id.ok()) return id.status();
  if (absl::Status s = leases::ValidateLeaseToken(request.lease_token()); !s.ok()) return s;
  absl::StatusOr<absl::Duration> lease =
      leases::ValidateLeaseDuration("lease_duration", request.has_lease_duration(), request.lease_duration());
  if (!lease.ok()) return lease.status();
  return store_.ExtendLease(*id, request.lease_token(), *lease, absl::Now());
}

absl::StatusOr<v1::Callback> CallbackService::ReleaseCallback(const access::Caller& /*caller*/,
                                                              const v1::ReleaseCallbackRequest& request) {
  absl::StatusOr<long long> id = ValidateCallbackId(request.callback_id());
  if (!id.ok()) return id.status();
  if (absl::Status s = leases::ValidateLeaseToken(request.lease_token()); !s.ok()) return s;
  return store_.Release(*id, request.lease_token(), absl::Now());
}

absl::Status CallbackService::WatchCallbacks(const access::Caller& caller, const v1::WatchCallbacksRequest& request,
                                             MessageWriter<v1::CallbacksDue>& updates) {
  absl::StatusOr<Claimant> claimant = ValidateClaimant(request.queue(), request.agent_id());
  if (!claimant.ok()) return claimant.status();
  if (absl::Status s = access::CheckBinding(caller, request.queue(), request.agent_id()); !s.ok()) {
    return s;
  }
  // Each watcher holds a server thread and reads a count every interval: a
  // cheap indexed query, and a dialer needs no more than seconds' notice.
  int last_sent = -1;
  while (!updates.CallerGone()) {
    absl::Time now = absl::Now();
    absl::StatusOr<int> due = store_.CountDue(*claimant, now);
    if (!due.ok()) return due.status();
    if (*due != last_sent) {
      v1::CallbacksDue message;
      message.set_due_count(*due);
      *message.mutable_as_of() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(now));
      if (!updates.Write(message)) break;  // the dialer went away
      last_sent = *due;
    }
    absl::SleepFor(watch_interval_);
  }
  return absl::OkStatus();
}

}  // namespace satisfaction::callbacks
