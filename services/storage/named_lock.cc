#include "services/storage/named_lock.h"

#include "absl/strings/str_cat.h"
#include "services/storage/query.h"

namespace satisfaction::storage {

void TakeNamedLock(Transaction& tx, const std::string& name) {
  Query take(tx, "UPDATE named_locks SET taken = taken + 1 WHERE name = :name");
  take.Bind("name", name).Execute();
  // The rows are made by the schema's steps: a missing one is a bug.
  if (take.affected_rows() != 1) throw BindingError(absl::StrCat("no named lock '", name, "' in named_locks"));
}

}  // namespace satisfaction::storage
