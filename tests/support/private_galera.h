#ifndef SATISFACTION_TESTS_SUPPORT_PRIVATE_GALERA_H_
#define SATISFACTION_TESTS_SUPPORT_PRIVATE_GALERA_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace satisfaction::test_support {

// A MariaDB Galera cluster of a test's own (deploy/galera-private.sh on a
// temporary folder, loopback only), for tests that need several nodes, crash
// one and bring it back. Nodes are numbered from 1.
class PrivateGalera {
 public:
  // Starts `nodes` nodes and waits until every one is Synced and Primary.
  // Throws std::runtime_error if the cluster cannot start.
  static std::unique_ptr<PrivateGalera> Start(int nodes = 3);
  // Stops the cluster and removes its folder.
  ~PrivateGalera();
  PrivateGalera(const PrivateGalera&) = delete;
  PrivateGalera& operator=(const PrivateGalera&) = delete;

  // mysql://... of each node, node 1 first.
  const std::vector<std::string>& urls() const { return urls_; }
  // Crashes `node` (kill -9).
  absl::Status Kill(int node);
  // Starts `node` again after a Stop() or Kill(); it catches up by IST and the
  // call returns once it is Synced.
  absl::Status Restart(int node);
  // After a loss of quorum, makes `node`'s component primary.
  absl::Status Bootstrap(int node);
  // "Synced\tPrimary\tON" (wsrep_local_state_comment, wsrep_cluster_status,
  // wsrep_ready) or "down".
  absl::StatusOr<std::string> State(int node);
  // Stops every node cleanly.
  absl::Status Stop();

 private:
  explicit PrivateGalera(std::string folder) : folder_(std::move(folder)) {}
  // Runs `galera-private.sh COMMAND FOLDER ARGUMENT` and returns its stdout.
  absl::StatusOr<std::string> Run(const std::string& command, const std::string& argument);

  std::string folder_;
  std::vector<std::string> urls_;
};

}  // namespace satisfaction::test_support

#endif  // SATISFACTION_TESTS_SUPPORT_PRIVATE_GALERA_H_
