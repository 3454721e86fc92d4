#ifndef SATISFACTION_TESTS_SUPPORT_RAW_CONNECTION_H_
#define SATISFACTION_TESTS_SUPPORT_RAW_CONNECTION_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace satisfaction::test_support {

// A TCP connection to 127.0.0.1 that sends exactly the bytes a test gives it,
// as slowly as the test likes: for clients no HTTP library would imitate
// (slow, idle, malformed). Closed when destroyed.
class RawConnection {
 public:
  // Connects to `port`, from `source_address` (any 127.x.y.z, all loopback
  // on Linux) if given.
  static absl::StatusOr<std::unique_ptr<RawConnection>> Open(int port, const std::string& source_address = "");
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // False once the peer has closed the connection.
  bool Send(absl::string_view bytes);
  // Reads until `marker` has arrived, the peer closes, or `timeout` passes.
  // Everything read so far is in received().
  bool ReadUntil(absl::string_view marker, absl::Duration timeout);
  // Reads until the peer closes (true) or `timeout` passes (false).
  bool ReadUntilClosed(absl::Duration timeout);
  // Reads what has arrived without waiting; true once the peer has closed.
  bool PeerClosed();
  // Waits up to `timeout` until any of `connections` has something to read
  // (or has been closed), and reads it: one system call for them all.
  static void ReadAny(const std::vector<RawConnection*>& connections, absl::Duration timeout);

  // Whether the peer has closed the connection, as far as read so far.
  bool closed() const { return closed_; }
  const std::string& received() const { return received_; }

 private:
  explicit RawConnection(int fd) : fd_(fd) {}
  // Reads what arrives within `timeout` (one read at most); false once closed.
  bool ReadSome(absl::Duration timeout);

  int fd_;
  bool closed_ = false;
  std::string received_;
};

}  // namespace satisfaction::test_support

#endif  // SATISFACTION_TESTS_SUPPORT_RAW_CONNECTION_H_
