#include "services/storage/sql_text.h"

#include "absl/strings/str_cat.h"

namespace satisfaction::storage {
std::string Placeholders(absl::string_view prefix, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) absl::StrAppend(&out, i ? ", " : "", ":", prefix, i);
  return out;
}

}  // namespace satisfaction::storage
