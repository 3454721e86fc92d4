#include "services/storage/write_batch.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace satisfaction::storage {

WriteBatch::WriteBatch(soci::session& session) : session_(session), mysql_(session.get_backend_name() == "mysql") {}

void WriteBatch::Add(std::string sql, std::function<void(soci::statement&)> bind) {
  statements_.push_back({std::move(sql), std::move(bind)});
}

void WriteBatch::Execute() {
  std::vector<Statement> statements = std::move(statements_);
  statements_.clear();
  if (!mysql_ || statements.size() <= 1) {
    for (const Statement& statement : statements) ExecuteBound(session_, statement.sql, statement.bind);
    return;
  }
  std::string sql = "BEGIN NOT ATOMIC ";
  for (const Statement& statement : statements) absl::StrAppend(&sql, statement.sql, "; ");
  absl::StrAppend(&sql, "END");
  ExecuteBound(session_, sql, [&](soci::statement& bound) {
    for (const Statement& statement : statements) statement.bind(bound);
  });
}

void ExecuteBound(soci::session& session, const std::string& sql, const std::function<void(soci::statement&)>& bind) {
  soci::statement statement(session);
  bind(statement);
  statement.alloc();
  statement.prepare(sql);
  statement.define_and_bind();
  statement.execute(true);
}

}  // namespace satisfaction::storage
