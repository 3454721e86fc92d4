#ifndef SATISFACTION_SERVICES_STORAGE_QUERY_H_
#define SATISFACTION_SERVICES_STORAGE_QUERY_H_

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
    uses_[SlotFor(name)] = {&UseValue<T>, &value, nullptr};
    return *this;
  }
  template <typename T>
  Query& Bind(absl::string_view name, const T& value, const soci::indicator& indicator) {
    uses_[SlotFor(name)] = {&UseWithIndicator<T>, &value, &indicator};
    return *this;
  }
  template <typename T>
  Query& Bind(absl::string_view name, const T&& value) = delete;
  template <typename T>
  Query& Bind(absl::string_view name, const T&& value, const soci::indicator& indicator) = delete;

  // Binds `:prefix0`, `:prefix1`, ... (see Placeholders in sql_text.h) to `values`.
  template <typename T>
  Query& BindEach(absl::string_view prefix, const std::vector<T>& values) {
    for (size_t i = 0; i < values.size(); ++i) uses_[SlotFor(prefix, i)] = {&UseValue<T>, &values[i], nullptr};
    return *this;
  }

  // The next result column goes to `value` (with its indicator, for NULLs).
  template <typename T>
  Query& Into(T& value) {
    intos_.push_back({&IntoValue<T>, &value, nullptr});
    return *this;
  }
  template <typename T>
  Query& Into(T& value, soci::indicator& indicator) {
    intos_.push_back({&IntoWithIndicator<T>, &value, &indicator});
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


 private:
  // One value handed to SOCI when the statement is prepared: a plain record
  // rather than a std::function, as a batch of answers binds thousands.
  struct Exchange {
    void (*exchange)(soci::statement&, const void* value, const void* indicator) = nullptr;
    const void* value = nullptr;
    const void* indicator = nullptr;
  };
  template <typename T>
  static void UseValue(soci::statement& statement, const void* value, const void*) {
    statement.exchange(soci::use(*static_cast<const T*>(value)));
  }
  template <typename T>
  static void UseWithIndicator(soci::statement& statement, const void* value, const void* indicator) {
    statement.exchange(soci::use(*static_cast<const T*>(value),
                                 *const_cast<soci::indicator*>(static_cast<const soci::indicator*>(indicator))));
  }
  template <typename T>
  static void IntoValue(soci::statement& statement, const void* value, const void*) {
    statement.exchange(soci::into(*static_cast<T*>(const_cast<void*>(value))));
  }
  template <typename T>
  static void IntoWithIndicator(soci::statement& statement, const void* value, const void* indicator) {
    statement.exchange(soci::into(*static_cast<T*>(const_cast<void*>(value)),
                                  *const_cast<soci::indicator*>(static_cast<const soci::indicator*>(indicator))));
  }

  // The index of the placeholder `:name` (`:prefix<number>`), refusing one
  // that is not in the text or already bound. Names are usually bound in the
  // order the text has them: the next one is tried before any lookup.
  size_t SlotFor(absl::string_view name);
  size_t SlotFor(absl::string_view prefix, size_t number);
  size_t Claim(size_t index, absl::string_view name);
  size_t LookUp(absl::string_view name);
  void Prepare();

  const std::string sql_;
  soci::statement statement_;
  // Views into sql_, in the order of the text.
  std::vector<absl::string_view> names_;
  absl::flat_hash_map<absl::string_view, size_t> position_;  // filled on the first out-of-order bind
  std::vector<Exchange> uses_;
  std::vector<Exchange> intos_;
  size_t next_ = 0;
  bool prepared_ = false;
};

// The `:name` placeholders of `sql` in order, outside quoted text; throws
// BindingError if a name appears twice.
std::vector<std::string> PlaceholdersOf(absl::string_view sql);

}  // namespace satisfaction::storage

#endif  // SATISFACTION_SERVICES_STORAGE_QUERY_H_
