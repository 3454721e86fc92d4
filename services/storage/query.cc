#include "services/storage/query.h"

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"

namespace satisfaction::storage {
namespace {

bool StartsName(char c) { return absl::ascii_isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool InName(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

std::vector<std::string> PlaceholdersOf(absl::string_view sql) {
  std::vector<std::string> names;
  absl::flat_hash_set<std::string> seen;
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (c == '\'' || c == '"' || c == '`') {  // quoted text or names: skip to the closing quote
      size_t close = sql.find(c, i + 1);
      if (close == absl::string_view::npos) throw BindingError(absl::StrCat("unclosed quote in: ", sql));
      i = close;
      continue;
    }
    if (c != ':') continue;
    if (i + 1 < sql.size() && sql[i + 1] == ':') {  // a "::" cast
      ++i;
      continue;
    }
    if (i + 1 >= sql.size() || !StartsName(sql[i + 1])) continue;
    size_t end = i + 1;
    while (end < sql.size() && InName(sql[end])) ++end;
    std::string name(sql.substr(i + 1, end - i - 1));
    if (!seen.insert(name).second) {
      throw BindingError(absl::StrCat("placeholder :", name, " appears twice in: ", sql));
    }
    names.push_back(std::move(name));
    i = end - 1;
  }
  return names;
}

Query::Query(Transaction& transaction, std::string sql)
    : sql_(std::move(sql)), statement_(transaction.session()), names_(PlaceholdersOf(sql_)), uses_(names_.size()) {
  position_.reserve(names_.size());
  for (size_t i = 0; i < names_.size(); ++i) position_.emplace(names_[i], i);
}

Query::Exchange& Query::Slot(absl::string_view name) {
  if (prepared_) throw BindingError(absl::StrCat("bind of :", name, " after the statement ran: ", sql_));
  auto it = position_.find(name);
  if (it == position_.end()) throw BindingError(absl::StrCat("no placeholder :", name, " in: ", sql_));
  Exchange& slot = uses_[it->second];
  if (slot) throw BindingError(absl::StrCat("placeholder :", name, " bound twice in: ", sql_));
  return slot;
}

void Query::Prepare() {
  for (size_t i = 0; i < uses_.size(); ++i) {
    if (!uses_[i]) throw BindingError(absl::StrCat("placeholder :", names_[i], " left unbound in: ", sql_));
  }
  // SOCI binds unnamed values by position: in the order the text names them.
  for (Exchange& use : uses_) use(statement_);
  for (Exchange& into : intos_) into(statement_);
  statement_.alloc();
  statement_.prepare(sql_);
  statement_.define_and_bind();
  prepared_ = true;
}

bool Query::Execute() {
  if (!prepared_) Prepare();
  return statement_.execute(true);
}

void Query::Start() {
  if (!prepared_) Prepare();
  statement_.execute(false);
}

bool Query::Next() { return statement_.fetch(); }

long long Query::affected_rows() { return statement_.get_affected_rows(); }

}  // namespace satisfaction::storage
