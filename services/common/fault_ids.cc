#include "services/common/fault_ids.h"

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace satisfaction {

std::string NewFaultId() {
  thread_local absl::BitGen bits;
  return absl::StrFormat("%08x", absl::Uniform<uint32_t>(bits));
}

std::string FaultDetail(const absl::Status& status) {
  std::string detail(status.message());
  status.ForEachPayload([&detail](absl::string_view type_url, const absl::Cord& payload) {
    absl::StrAppend(&detail, " [", type_url, ": ", std::string(payload), "]");
  });
  return detail;
}

}  // namespace satisfaction
