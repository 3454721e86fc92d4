#include "tests/support/raw_connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace satisfaction::test_support {

absl::StatusOr<std::unique_ptr<RawConnection>> RawConnection::Open(int port, const std::string& source_address) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", strerror(errno)));
  std::unique_ptr<RawConnection> connection(new RawConnection(fd));
  if (!source_address.empty()) {
    sockaddr_in source{};
    source.sin_family = AF_INET;
    if (inet_pton(AF_INET, source_address.c_str(), &source.sin_addr) != 1) {
      return absl::InvalidArgumentError(absl::StrCat("not an IPv4 address: ", source_address));
    }
    if (bind(fd, reinterpret_cast<sockaddr*>(&source), sizeof(source)) != 0) {
      return absl::InternalError(absl::StrCat("bind ", source_address, ": ", strerror(errno)));
    }
  }
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(static_cast<uint16_t>(port));
  server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&server), sizeof(server)) != 0) {
    return absl::UnavailableError(absl::StrCat("connect: ", strerror(errno)));
  }
  return connection;
}

RawConnection::~RawConnection() { close(fd_); }

bool RawConnection::Send(absl::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t sent = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(sent));
  }
  return true;
}

bool RawConnection::ReadSome(absl::Duration timeout) {
  if (closed_) return false;
  pollfd ready{.fd = fd_, .events = POLLIN, .revents = 0};
  int waited = poll(&ready, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout)));
  if (waited <= 0) return true;
  char buffer[4096];
  ssize_t got = recv(fd_, buffer, sizeof(buffer), MSG_DONTWAIT);
  if (got < 0 && (errno == EAGAIN || errno == EINTR)) return true;
  if (got <= 0) {
    closed_ = true;  // an orderly close, or a reset
    return false;
  }
  received_.append(buffer, static_cast<size_t>(got));
  return true;
}

bool RawConnection::ReadUntil(absl::string_view marker, absl::Duration timeout) {
  absl::Time give_up = absl::Now() + timeout;
  while (!absl::StrContains(received_, marker)) {
    absl::Duration left = give_up - absl::Now();
    if (left <= absl::ZeroDuration() || !ReadSome(left)) return absl::StrContains(received_, marker);
  }
  return true;
}

bool RawConnection::ReadUntilClosed(absl::Duration timeout) {
  absl::Time give_up = absl::Now() + timeout;
  while (!closed_) {
    absl::Duration left = give_up - absl::Now();
    if (left <= absl::ZeroDuration()) return false;
    ReadSome(left);
  }
  return true;
}

bool RawConnection::PeerClosed() {
  while (!closed_) {
    size_t before = received_.size();
    ReadSome(absl::ZeroDuration());
    if (received_.size() == before) break;
  }
  return closed_;
}

void RawConnection::ReadAny(const std::vector<RawConnection*>& connections, absl::Duration timeout) {
  std::vector<pollfd> ready;
  for (RawConnection* connection : connections)
    ready.push_back({.fd = connection->fd_, .events = POLLIN, .revents = 0});
  if (poll(ready.data(), ready.size(), static_cast<int>(absl::ToInt64Milliseconds(timeout))) <= 0) return;
  for (size_t i = 0; i < ready.size(); ++i) {
    if (ready[i].revents != 0) connections[i]->ReadSome(absl::ZeroDuration());
  }
}

}  // namespace satisfaction::test_support
