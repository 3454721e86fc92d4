#include "services/storage/write_batch.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace satisfaction::storage {

WriteBatch::WriteBatch(Transaction& transaction) : transaction_(transaction) {}

void WriteBatch::Add(std::string sql, std::function<void(Query&)> bind) {
  statements_.push_back({std::move(sql), std::move(bind)});
}

void WriteBatch::Execute() {
  std::vector<Statement> statements = std::move(statements_);
  statements_.clear();
  if (!dialect().compound_statements() || statements.size() <= 1) {
    for (Statement& statement : statements) {
      Query query(transaction_, std::move(statement.sql));
      statement.bind(query);
      query.Execute();
    }
    return;
  }
  std::string sql;
  for (const Statement& statement : statements) absl::StrAppend(&sql, statement.sql, "; ");
  Query query(transaction_, dialect().Compound(sql));
  for (const Statement& statement : statements) statement.bind(query);
  query.Execute();
}

}  // namespace satisfaction::storage
