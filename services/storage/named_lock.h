#ifndef SATISFACTION_SERVICES_STORAGE_NAMED_LOCK_H_
#define SATISFACTION_SERVICES_STORAGE_NAMED_LOCK_H_

#include <string>

#include "services/storage/transaction.h"

namespace satisfaction::storage {

// Serialises the transactions that take the lock `name` (a row of
// named_locks), for checks only one may pass at a time ("never two
// overlapping rules", "never no admin"). The lock is a write, not a locking
// read: on one MariaDB the row lock makes the others wait, and on a Galera
// cluster, whose locking reads hold on one node only, two nodes' writes of
// the row meet at certification, where one is refused (ABORTED) and runs
// again, then seeing what the other committed. SQLite's writer lock already
// serialises; the write costs nothing there.
void TakeNamedLock(Transaction& tx, const std::string& name);

}  // namespace satisfaction::storage

#endif  // SATISFACTION_SERVICES_STORAGE_NAMED_LOCK_H_
