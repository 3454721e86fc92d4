#ifndef SATISFACTION_SERVICES_STORAGE_GALERA_H_
#define SATISFACTION_SERVICES_STORAGE_GALERA_H_

#include <soci/soci.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace satisfaction::storage {

// Whether the session's MariaDB server is a Galera node (wsrep_on).
bool IsGaleraNode(soci::session& session);

// Makes reads on a Galera node causal (wsrep_sync_wait = 1): each waits until
// the node has applied what the cluster committed before it, so a server sees
// what another server's client was already told was done (a claim, a key, a
// response). Nothing on a server that is not a Galera node.
void MakeReadsCausal(soci::session& session);

// Where a database node stands among the nodes of its cluster: its index,
// from 0 to `count` - 1, in the current membership (wsrep_local_index). One
// node of one (index 0) for a database that is no cluster. Work that every
// node does at once splits by it so that nodes do not collide: each claims
// from its own share of a queue, adds to its own aggregate rows.
struct ClusterNode {
  int index = 0;
  int count = 1;
  bool operator==(const ClusterNode&) const = default;
};

// The node's place for a MariaDB server that is not a Galera node (the only
// node), and for a node that may serve: ready, synced and in the primary
// component. A node still receiving its state transfer, or cut off from the
// quorum, answers `SELECT 1` but refuses real statements (error 1047):
// UNAVAILABLE, saying which state it is in.
absl::StatusOr<ClusterNode> CheckGaleraNodeReady(soci::session& session);

}  // namespace satisfaction::storage

#endif  // SATISFACTION_SERVICES_STORAGE_GALERA_H_
