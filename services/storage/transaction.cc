#include "services/storage/transaction.h"

namespace satisfaction::storage {

long long Transaction::LastInsertId(const std::string& table) {
  long long id = 0;
  if (!session_.get_last_insert_id(table, id)) throw soci::soci_error("no id for the new row of " + table);
  return id;
}

}  // namespace satisfaction::storage
