#ifndef SATISFACTION_SERVICES_STORAGE_COUNTS_UPSERT_H_
#define SATISFACTION_SERVICES_STORAGE_COUNTS_UPSERT_H_

#include <array>
#include <map>
#include <memory>
#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/storage/sql_text.h"
#include "services/storage/write_batch.h"

namespace satisfaction::storage {

// Adds an upsert of `counts` into the aggregate `table`, whose key is
// `key_columns` (in the order of Key's parts); each count adds to the column
// of `count_columns` in its place. Row i's values are
// `:<prefix><i>_<column number>`: `prefix` keeps them apart from the other
// statements of the batch. The map keeps keys in order, so concurrent writers
// lock shared rows in one order.
template <typename Key, size_t N>
void AddCountsUpsert(WriteBatch& writes, const std::string& table, const std::string& key_columns,
                     const std::array<const char*, N>& count_columns, const std::string& prefix,
                     std::shared_ptr<const std::map<Key, std::array<long long, N>>> counts) {
  if (counts->empty()) return;
  constexpr size_t kColumns = std::tuple_size_v<Key> + N;
  std::string sql =
      absl::StrCat("INSERT INTO ", table, " (", key_columns, ", ", absl::StrJoin(count_columns, ", "), ") VALUES ");
  for (size_t i = 0; i < counts->size(); ++i) {
    absl::StrAppend(&sql, i ? ", " : "", "(", Placeholders(absl::StrCat(prefix, i, "_"), kColumns), ")");
  }
  const Dialect& dialect = writes.dialect();
  absl::StrAppend(&sql, dialect.OnConflictUpdate(key_columns));
  for (size_t i = 0; i < N; ++i) {
    const char* column = count_columns[i];
    absl::StrAppend(&sql, i ? ", " : "", column, " = ", dialect.Existing(table, column), " + ",
                    dialect.Inserted(column));
  }
  writes.Add(std::move(sql), [counts, prefix](Query& query) {
    size_t row = 0;
    for (const auto& [key, sums] : *counts) {
      size_t column = 0;
      auto bind = [&](const auto& value) { query.Bind(absl::StrCat(prefix, row, "_", column++), value); };
      std::apply([&](const auto&... part) { (bind(part), ...); }, key);
      for (const long long& sum : sums) bind(sum);
      ++row;
    }
  });
}

}  // namespace satisfaction::storage

#endif  // SATISFACTION_SERVICES_STORAGE_COUNTS_UPSERT_H_
