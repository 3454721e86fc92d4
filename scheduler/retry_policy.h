#ifndef SATISFACTION_SCHEDULER_RETRY_POLICY_H_
#define SATISFACTION_SCHEDULER_RETRY_POLICY_H_

#include <array>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "scheduler/contact_windows.h"
#include "scheduler/revisit_types.h"

namespace satisfaction::scheduler {

// How long to wait before calling again, by how the last attempt ended.
// Outcomes that end the revisit (completed, refused, wrong number, do not call)
// have no delay.
struct RetryDelays {
  absl::Duration no_answer = absl::Hours(2);
  absl::Duration busy = absl::Minutes(30);
  absl::Duration voicemail = absl::Hours(4);
  // When the customer asked to be called back but named no time.
  absl::Duration call_back_later = absl::Hours(24);

  absl::Status Validate() const;
};

// One finished call attempt.
struct CallAttempt {
  // 1 for the first attempt.
  int number = 1;
  CallOutcome outcome = CallOutcome::kNoAnswer;
  absl::Time ended_at;
  // The time the customer asked to be called back at, if any.
  std::optional<absl::Time> call_back_at;
};

enum class NextStep {
  // The revisit is done: the customer was reached.
  kDone,
  // Call again at `retry_at`.
  kRetry,
  // Stop trying: attempts used up, or the revisit expired.
  kGiveUp,
  // Stop: the customer refused.
  kStop,
  // Stop and put the customer on the do-not-call list.
  kStopAndBlockPhone,
  // The number is wrong: try the rule's next channel, if any.
  kTryNextChannel,
};

struct RetryDecision {
  NextStep step = NextStep::kGiveUp;
  absl::Time retry_at;
};

// Decides what follows a call attempt of a revisit that allows `max_attempts`
// and expires at `expires`. Retries land inside the customer's calling window.
// A requested call-back time outside the window is INVALID_ARGUMENT naming the
// next allowed time; one past the expiry is FAILED_PRECONDITION. Messages are
// about the call-back time; the caller names the field its request gives it in.
absl::StatusOr<RetryDecision> DecideAfterAttempt(const CallAttempt& attempt, int max_attempts, absl::Time expires,
                                                 const RetryDelays& delays, const ContactWindows& windows,
                                                 const absl::TimeZone& zone);

}  // namespace satisfaction::scheduler

#endif  // SATISFACTION_SCHEDULER_RETRY_POLICY_H_
