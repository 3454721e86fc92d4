#ifndef SATISFACTION_SERVICES_STORAGE_GALERA_H_
#define SATISFACTION_SERVICES_STORAGE_GALERA_H_

#include <soci/soci.h>

#include "absl/status/status.h"

namespace satisfaction::storage {

// Whether the session's MariaDB server is a Galera node (wsrep_on).
bool IsGaleraNode(soci::session& session);

// Makes reads on a Galera node causal (wsrep_sync_wait = 1): each waits until
// the node has applied what the cluster committed before it, so a server sees
// what another server's client was already told was done (a claim, a key, a
// response). Nothing on a server that is not a Galera node.
void MakeReadsCausal(soci::session& session);

// OK for a MariaDB server that is not a Galera node, and for a node that may
// serve: ready, synced and in the primary component. A node still receiving
// its state transfer, or cut off from the quorum, answers `SELECT 1` but
// refuses real statements (error 1047): UNAVAILABLE, saying which state it
// is in.
absl::Status CheckGaleraNodeReady(soci::session& session);

}  // namespace satisfaction::storage

#endif  // SATISFACTION_SERVICES_STORAGE_GALERA_H_
