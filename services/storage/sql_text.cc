#include "services/storage/sql_text.h"

#include "absl/strings/str_cat.h"

namespace satisfaction::storage {
namespace {

bool IsMysql(soci::session& session) { return session.get_backend_name() == "mysql"; }

}  // namespace

std::string Placeholders(absl::string_view prefix, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) absl::StrAppend(&out, i ? ", " : "", ":", prefix, i);
  return out;
}

const char* ForUpdate(soci::session& session) { return IsMysql(session) ? " FOR UPDATE" : ""; }

const char* SkipLocked(soci::session& session) { return IsMysql(session) ? " FOR UPDATE SKIP LOCKED" : ""; }

}  // namespace satisfaction::storage
