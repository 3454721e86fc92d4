#ifndef SATISFACTION_SERVICES_RESPONSES_COMMIT_DELAY_H_
#define SATISFACTION_SERVICES_RESPONSES_COMMIT_DELAY_H_

#include "absl/time/time.h"

namespace satisfaction::responses {

// A response is committed within this long of its submit time, or not at all:
// the store checks just before it commits, and a submission that waited
// longer (a stalled database) is answered UNAVAILABLE, to be sent again. So a
// reader paging by submit time knows that no response submitted more than
// kSettledAfter ago can still appear (the commit itself is given as long
// again), and an export's cursor never skips a response committed late.
inline constexpr absl::Duration kMaxCommitDelay = absl::Minutes(1);
inline constexpr absl::Duration kSettledAfter = absl::Minutes(2);  // kMaxCommitDelay twice

}  // namespace satisfaction::responses

#endif  // SATISFACTION_SERVICES_RESPONSES_COMMIT_DELAY_H_
