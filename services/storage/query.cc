#include "services/storage/query.h"

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace satisfaction::storage {
namespace {

bool StartsName(char c) { return absl::ascii_isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool InName(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The placeholders of `sql`, as views into it; throws if a name appears twice.
std::vector<absl::string_view> NamesIn(absl::string_view sql) {
  std::vector<absl::string_view> names;
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
    names.push_back(sql.substr(i + 1, end - i - 1));
    i = end - 1;
  }
  // A batch's statement names thousands, most sharing a prefix: hashed, not sorted.
  absl::flat_hash_set<absl::string_view> seen;
  seen.reserve(names.size());
  for (absl::string_view name : names) {
    if (!seen.insert(name).second) throw BindingError(absl::StrCat("placeholder :", name, " appears twice in: ", sql));
  }
  return names;
}

// Whether `name` is `prefix` followed by `number` in decimal.
bool IsNumbered(absl::string_view name, absl::string_view prefix, size_t number) {
  absl::AlphaNum digits(number);
  return name.size() == prefix.size() + digits.size() && absl::StartsWith(name, prefix) &&
         absl::EndsWith(name, digits.Piece());
}

}  // namespace

std::vector<std::string> PlaceholdersOf(absl::string_view sql) {
  std::vector<absl::string_view> names = NamesIn(sql);
  return std::vector<std::string>(names.begin(), names.end());
}

Query::Query(Transaction& transaction, std::string sql)
    : sql_(std::move(sql)), statement_(transaction.session()), names_(NamesIn(sql_)), uses_(names_.size()) {}

size_t Query::SlotFor(absl::string_view name) {
  if (next_ < names_.size() && names_[next_] == name) return Claim(next_, name);
  return Claim(LookUp(name), name);
}

size_t Query::SlotFor(absl::string_view prefix, size_t number) {
  if (next_ < names_.size() && IsNumbered(names_[next_], prefix, number)) return Claim(next_, names_[next_]);
  std::string name = absl::StrCat(prefix, number);
  return Claim(LookUp(name), name);
}

size_t Query::LookUp(absl::string_view name) {
  if (position_.empty()) {
    position_.reserve(names_.size());
    for (size_t i = 0; i < names_.size(); ++i) position_.emplace(names_[i], i);
  }
  auto it = position_.find(name);
  if (it == position_.end()) throw BindingError(absl::StrCat("no placeholder :", name, " in: ", sql_));
  return it->second;
}

size_t Query::Claim(size_t index, absl::string_view name) {
  if (prepared_) throw BindingError(absl::StrCat("bind of :", name, " after the statement ran: ", sql_));
  if (uses_[index].exchange != nullptr) {
    throw BindingError(absl::StrCat("placeholder :", name, " bound twice in: ", sql_));
  }
  next_ = index + 1;
  return index;
}

void Query::Prepare() {
  for (size_t i = 0; i < uses_.size(); ++i) {
    if (uses_[i].exchange == nullptr) {
      throw BindingError(absl::StrCat("placeholder :", names_[i], " left unbound in: ", sql_));
    }
  }
  // SOCI binds unnamed values by position: in the order the text names them.
  for (const Exchange& use : uses_) use.exchange(statement_, use.value, use.indicator);
  for (const Exchange& into : intos_) into.exchange(statement_, into.value, into.indicator);
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
