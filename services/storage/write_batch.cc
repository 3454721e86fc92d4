#include "services/storage/write_batch.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace satisfaction::storage {
namespace {

void ExecuteOn(soci::session& session, const std::string& sql, const std::function<void(soci::statement&)>& bind) {
  soci::statement statement(session);
  bind(statement);
  statement.alloc();
  statement.prepare(sql);
  statement.define_and_bind();
  statement.execute(true);
}

}  // namespace

WriteBatch::WriteBatch(Transaction& transaction) : transaction_(transaction) {}

void WriteBatch::Add(std::string sql, std::function<void(soci::statement&)> bind) {
  statements_.push_back({std::move(sql), std::move(bind)});
}

void WriteBatch::Execute() {
  std::vector<Statement> statements = std::move(statements_);
  statements_.clear();
  soci::session& session = transaction_.session();
  if (!dialect().compound_statements() || statements.size() <= 1) {
    for (const Statement& statement : statements) ExecuteOn(session, statement.sql, statement.bind);
    return;
  }
  std::string sql;
  for (const Statement& statement : statements) absl::StrAppend(&sql, statement.sql, "; ");
  ExecuteOn(session, dialect().Compound(sql), [&](soci::statement& bound) {
    for (const Statement& statement : statements) statement.bind(bound);
  });
}

void ExecuteBound(Transaction& transaction, const std::string& sql, const std::function<void(soci::statement&)>& bind) {
  ExecuteOn(transaction.session(), sql, bind);
}

}  // namespace satisfaction::storage
