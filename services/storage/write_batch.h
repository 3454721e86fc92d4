#ifndef SATISFACTION_SERVICES_STORAGE_WRITE_BATCH_H_
#define SATISFACTION_SERVICES_STORAGE_WRITE_BATCH_H_

#include <functional>
#include <string>
#include <vector>

#include "services/storage/query.h"
#include "services/storage/transaction.h"

namespace satisfaction::storage {

// Write statements sent together. On MariaDB they go as one compound statement
// (BEGIN NOT ATOMIC ... END): one round trip instead of one each, which is most
// of a small statement's cost. On SQLite, in the process, they run one by one.
// Placeholder names must differ across the statements: on MariaDB they are one
// Query, which refuses a name twice.
class WriteBatch {
 public:
  explicit WriteBatch(Transaction& transaction);

  // `bind` binds the statement's named placeholders on the query that runs
  // it; what it binds must live until Execute returns (capture it by value).
  void Add(std::string sql, std::function<void(Query&)> bind);
  // The dialect the statements are written in.
  const Dialect& dialect() const { return transaction_.dialect(); }

  // Runs the statements in order and forgets them; throws SOCI's error of the
  // first that fails.
  void Execute();

 private:
  struct Statement {
    std::string sql;
    std::function<void(Query&)> bind;
  };
  Transaction& transaction_;
  std::vector<Statement> statements_;
};

}  // namespace satisfaction::storage

#endif  // SATISFACTION_SERVICES_STORAGE_WRITE_BATCH_H_
