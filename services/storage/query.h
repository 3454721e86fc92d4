#ifndef SATISFACTION_SERVICES_STORAGE_QUERY_H_
#define SATISFACTION_SERVICES_STORAGE_QUERY_H_

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "services/storage/transaction.h"
#include "soci/soci.h"

namespace satisfaction::storage {

// A statement that binds a placeholder twice, one it does not have, or leaves
// one unbound: a bug in the store. Database::InTransaction turns it into INTERNAL.
class BindingError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// A statement whose named placeholders (`:name`) are bound by name, in any
// order, each exactly once; anything else throws BindingError before the
// statement reaches the database.
//
// Every placeholder name may appear once in the text: SQLite binds a repeated
// name once while MariaDB (whose binding SOCI emulates) binds it at every
// place, so a repeated name would bind differently on the two. Values are
// bound by reference and must live until the statement has run (named
// variables, never temporaries: binding an rvalue does not compile).
//
//   storage::Query query(transaction, "SELECT name FROM t WHERE id = :id");
//   query.Bind("id", id).Into(name);
//   if (!query.Execute()) return absl::NotFoundError(...);
class Query {
 public:
  Query(Transaction& transaction, std::string sql);
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  // Binds `:name` to `value` (NULL where `indicator` is soci::i_null).
  template <typename T>
  Query& Bind(absl::string_view name, const T& value) {
    Slot(name) = [&value](soci::statement& statement) { statement.exchange(soci::use(value)); };
    return *this;
  }
  template <typename T>
  Query& Bind(absl::string_view name, const T& value, const soci::indicator& indicator) {
    Slot(name) = [&value, &indicator](soci::statement& statement) {
      statement.exchange(soci::use(value, const_cast<soci::indicator&>(indicator)));
    };
    return *this;
  }
  template <typename T>
  Query& Bind(absl::string_view name, const T&& value) = delete;
  template <typename T>
  Query& Bind(absl::string_view name, const T&& value, const soci::indicator& indicator) = delete;

  // Binds `:prefix0`, `:prefix1`, ... (see Placeholders in sql_text.h) to `values`.
  template <typename T>
  Query& BindEach(absl::string_view prefix, const std::vector<T>& values) {
    for (size_t i = 0; i < values.size(); ++i) Bind(absl::StrCat(prefix, i), values[i]);
    return *this;
  }

  // The next result column goes to `value` (with its indicator, for NULLs).
  template <typename T>
  Query& Into(T& value) {
    intos_.push_back([&value](soci::statement& statement) { statement.exchange(soci::into(value)); });
    return *this;
  }
  template <typename T>
  Query& Into(T& value, soci::indicator& indicator) {
    intos_.push_back(
        [&value, &indicator](soci::statement& statement) { statement.exchange(soci::into(value, indicator)); });
    return *this;
  }
  // The next result columns go to `row`'s members: Row has `void Into(Query&)`.
  template <typename Row>
  Query& IntoRow(Row& row) {
    row.Into(*this);
    return *this;
  }

  // Runs the statement: whether a row came back (into the Into targets). It
  // may run again, with the values its bound variables hold then; binding
  // more after the first run is refused.
  bool Execute();
  // Runs the statement for its rows, read one at a time with Next(). (SOCI's
  // SQLite backend fills no vector of one row: read row by row.)
  void Start();
  bool Next();
  // Rows the statement changed.
  long long affected_rows();

  // The placeholders in the order they appear (for tests).
  const std::vector<std::string>& placeholders() const { return names_; }

 private:
  using Exchange = std::function<void(soci::statement&)>;
  Exchange& Slot(absl::string_view name);
  void Prepare();

  std::string sql_;
  soci::statement statement_;
  std::vector<std::string> names_;
  absl::flat_hash_map<std::string, size_t> position_;
  std::vector<Exchange> uses_;
  std::vector<Exchange> intos_;
  bool prepared_ = false;
};

// The `:name` placeholders of `sql` in order, outside quoted text; throws
// BindingError if a name appears twice.
std::vector<std::string> PlaceholdersOf(absl::string_view sql);

}  // namespace satisfaction::storage

#endif  // SATISFACTION_SERVICES_STORAGE_QUERY_H_
