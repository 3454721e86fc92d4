#ifndef SATISFACTION_SERVICES_DASHBOARD_DASHBOARD_SESSIONS_H_
#define SATISFACTION_SERVICES_DASHBOARD_DASHBOARD_SESSIONS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/access/access_policy.h"
#include "services/storage/database.h"

namespace satisfaction::dashboard {

// A signed-in dashboard session as a request finds it.
struct DashboardSession {
  access::Caller caller;
  absl::Time expires;
};

// The dashboard's sessions, kept in the database so that every server of a
// cluster knows them and a restart signs nobody out. The cookie is 256
// random bits; only its SHA-256 is stored, so the table alone opens no
// session. A session lives until it expires, is ended, or its key is
// revoked. Thread-safe.
class DashboardSessionStore {
 public:
  explicit DashboardSessionStore(storage::Database& database) : database_(database) {}

  // Opens a session for `caller`, signed in from `peer`; the cookie's value.
  absl::StatusOr<std::string> Open(const access::Caller& caller, absl::string_view peer, absl::Time now,
                                   absl::Duration lifetime);

  // The live session of `cookie`: NOT_FOUND for an unknown, ended or expired
  // one, or one whose key was revoked since.
  absl::StatusOr<DashboardSession> Find(absl::string_view cookie, absl::Time now);

  // Ends the session of `cookie`, so that the cookie opens nothing again;
  // whether there was one.
  absl::StatusOr<bool> End(absl::string_view cookie);

  // Deletes up to `limit` sessions that expired before `now`; how many. Safe
  // to run on every server at once.
  absl::StatusOr<int> DeleteExpired(absl::Time now, int limit);

 private:
  storage::Database& database_;
};

}  // namespace satisfaction::dashboard

#endif  // SATISFACTION_SERVICES_DASHBOARD_DASHBOARD_SESSIONS_H_
