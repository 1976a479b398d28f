#include "gateway/unix_socket.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace flotilla::gateway {
namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

int millisecondsLeft(std::chrono::steady_clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

// Waits for `events` on fd; false on timeout or error.
bool waitFor(int fd, short events, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    const int ready = poll(&p, 1, millisecondsLeft(deadline));
    if (ready < 0 && errno == EINTR) continue;
    return ready > 0;
  }
}

}  // namespace

SocketAnswer exchangeOverUnixSocket(const std::string& path, std::string_view command,
                                    std::chrono::milliseconds timeout) {
  SocketAnswer answer;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof(address.sun_path)) {
    answer.error = path + ": socket path too long";
    return answer;
  }
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  Fd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (fd.get() < 0) {
    answer.error = std::string("socket: ") + std::strerror(errno);
    return answer;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  if (connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    if (errno != EINPROGRESS && errno != EAGAIN) {
      answer.error = path + ": " + std::strerror(errno);
      return answer;
    }
    int soError = 0;
    socklen_t length = sizeof soError;
    if (!waitFor(fd.get(), POLLOUT, deadline) || getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &soError, &length) != 0 ||
        soError != 0) {
      answer.error = path + ": connect failed" + (soError ? std::string(": ") + std::strerror(soError) : "");
      return answer;
    }
  }
  std::string line(command);
  line += '\n';
  std::size_t sent = 0;
  while (sent < line.size()) {
    const ssize_t n = send(fd.get(), line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && waitFor(fd.get(), POLLOUT, deadline)) continue;
    answer.error = path + ": write failed: " + std::strerror(errno);
    return answer;
  }
  shutdown(fd.get(), SHUT_WR);
  char buffer[8192];
  for (;;) {
    const ssize_t n = recv(fd.get(), buffer, sizeof buffer, 0);
    if (n > 0) {
      answer.text.append(buffer, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) return answer;
    if (errno == EINTR) continue;
    if ((errno == EAGAIN || errno == EWOULDBLOCK) && waitFor(fd.get(), POLLIN, deadline)) continue;
    if (errno == ECONNRESET) return answer;  // HAProxy may reset after answering (reload closes the CLI)
    answer.error =
        path + (errno == EAGAIN ? ": no answer in time" : std::string(": read failed: ") + std::strerror(errno));
    return answer;
  }
}

}  // namespace flotilla::gateway
