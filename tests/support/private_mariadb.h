#ifndef SATISFACTION_TESTS_SUPPORT_PRIVATE_MARIADB_H_
#define SATISFACTION_TESTS_SUPPORT_PRIVATE_MARIADB_H_

#include <memory>
#include <string>

#include "absl/status/status.h"

namespace satisfaction::test_support {

// A MariaDB server of a test's own (deploy/mariadb-private.sh on a temporary
// folder, loopback only), for tests that stop and start the database.
class PrivateMariaDb {
 public:
  // Throws std::runtime_error if it cannot start.
  static std::unique_ptr<PrivateMariaDb> Start();
  ~PrivateMariaDb();
  PrivateMariaDb(const PrivateMariaDb&) = delete;
  PrivateMariaDb& operator=(const PrivateMariaDb&) = delete;

  // mysql://... for --db.
  const std::string& url() const { return url_; }
  absl::Status Stop();
  // Starts it again on the same data and port.
  absl::Status Restart();

 private:
  explicit PrivateMariaDb(std::string folder) : folder_(std::move(folder)) {}
  absl::Status Run(const std::string& command, std::string* last_line);

  std::string folder_;
  std::string url_;
};

}  // namespace satisfaction::test_support

#endif  // SATISFACTION_TESTS_SUPPORT_PRIVATE_MARIADB_H_
