#include "scheduler/retry_policy.h"

#include "absl/strings/str_cat.h"

namespace satisfaction::scheduler {
namespace {

std::string LocalTime(absl::Time time, const absl::TimeZone& zone) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez", time, zone);
}

}  // namespace

absl::Status RetryDelays::Validate() const {
  for (absl::Duration delay : {no_answer, busy, voicemail, call_back_later}) {
    if (delay < absl::Minutes(1)) return absl::InvalidArgumentError("retry delays must be at least one minute");
  }
  return absl::OkStatus();
}

absl::StatusOr<RetryDecision> DecideAfterAttempt(const CallAttempt& attempt, int max_attempts, absl::Time expires,
                                                 const RetryDelays& delays, const ContactWindows& windows,
                                                 const absl::TimeZone& zone) {
  absl::Duration delay;
  switch (attempt.outcome) {
    case CallOutcome::kCompleted:
      return RetryDecision{NextStep::kDone};
    case CallOutcome::kRefused:
      return RetryDecision{NextStep::kStop};
    case CallOutcome::kDoNotCall:
      return RetryDecision{NextStep::kStopAndBlockPhone};
    case CallOutcome::kWrongNumber:
      return RetryDecision{NextStep::kTryNextChannel};
    case CallOutcome::kNoAnswer:
      delay = delays.no_answer;
      break;
    case CallOutcome::kBusy:
      delay = delays.busy;
      break;
    case CallOutcome::kVoicemail:
      delay = delays.voicemail;
      break;
    case CallOutcome::kCallBackLater:
      delay = delays.call_back_later;
      break;
  }

  // A time the customer asked for is an appointment (达成约访): it must be
  // honoured exactly, so it must be a time we may call.
  if (attempt.outcome == CallOutcome::kCallBackLater && attempt.call_back_at) {
    absl::Time wanted = *attempt.call_back_at;
    if (wanted <= attempt.ended_at) {
      return absl::InvalidArgumentError("must be later than the end of the call");
    }
    if (wanted >= expires) {
      return absl::FailedPreconditionError(
          absl::StrCat(LocalTime(wanted, zone), " is after the revisit expires at ", LocalTime(expires, zone)));
    }
    if (!windows.Allows(wanted, zone)) {
      std::optional<absl::Time> next = windows.NextAllowed(wanted, zone);
      return absl::InvalidArgumentError(
          absl::StrCat(LocalTime(wanted, zone), " is outside the customer's calling hours; the next allowed time is ",
                       next ? LocalTime(*next, zone) : "none within 400 days"));
    }
    // An appointment is kept even when the attempts are used up.
    return RetryDecision{NextStep::kRetry, wanted};
  }

  if (attempt.number >= max_attempts) return RetryDecision{NextStep::kGiveUp};
  std::optional<absl::Time> retry_at = windows.NextAllowed(attempt.ended_at + delay, zone);
  if (!retry_at || *retry_at >= expires) return RetryDecision{NextStep::kGiveUp};
  return RetryDecision{NextStep::kRetry, *retry_at};
}

}  // namespace satisfaction::scheduler
