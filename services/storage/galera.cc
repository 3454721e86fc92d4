#include "services/storage/galera.h"

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace satisfaction::storage {
namespace {

// wsrep_local_state of a node that is part of the cluster and up to date.
constexpr char kSynced[] = "4";

}  // namespace

bool IsGaleraNode(soci::session& session) {
  std::string name, value;
  // A server built without Galera has no such variable: no row.
  session << "SHOW VARIABLES LIKE 'wsrep_on'", soci::into(name), soci::into(value);
  return session.got_data() && absl::AsciiStrToUpper(value) == "ON";
}

void MakeReadsCausal(soci::session& session) {
  if (IsGaleraNode(session)) session << "SET SESSION wsrep_sync_wait = 1";
}

absl::StatusOr<ClusterNode> CheckGaleraNodeReady(soci::session& session) {
  if (!IsGaleraNode(session)) return ClusterNode{};
  std::string name, value;
  absl::flat_hash_map<std::string, std::string> status;
  soci::statement read = (session.prepare << "SHOW STATUS WHERE Variable_name IN ('wsrep_ready', 'wsrep_local_state',"
                                             " 'wsrep_local_state_comment', 'wsrep_cluster_status', 'wsrep_local_index',"
                                             " 'wsrep_cluster_size')",
                          soci::into(name), soci::into(value));
  read.execute();
  while (read.fetch()) status[absl::AsciiStrToLower(name)] = value;
  if (status["wsrep_ready"] == "ON" && status["wsrep_local_state"] == kSynced &&
      status["wsrep_cluster_status"] == "Primary") {
    ClusterNode node;
    if (absl::SimpleAtoi(status["wsrep_local_index"], &node.index) &&
        absl::SimpleAtoi(status["wsrep_cluster_size"], &node.count) && node.index >= 0 && node.index < node.count) {
      return node;
    }
    return ClusterNode{};  // a membership being changed: for now, as if alone
  }
  return absl::UnavailableError(absl::StrCat(
      "the Galera node is not ready to serve: ", status["wsrep_local_state_comment"], ", cluster ",
      status["wsrep_cluster_status"], ", wsrep_ready ", status["wsrep_ready"]));
}

}  // namespace satisfaction::storage
