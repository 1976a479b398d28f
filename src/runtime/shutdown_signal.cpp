#include "runtime/shutdown_signal.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>

namespace flotilla::runtime {

namespace {

constexpr char kSignalled = 's';
constexpr char kQuit = 'q';

std::atomic<int> gWriteFd{-1};
std::atomic<int> gSignals{0};
struct sigaction gPreviousTerm {};
struct sigaction gPreviousInt {};

extern "C" void onShutdownSignal(int) {
  if (gSignals.fetch_add(1) >= 1) _exit(1);  // second signal: the user insists
  const int fd = gWriteFd.load();
  if (fd >= 0) {
    const char byte = kSignalled;
    [[maybe_unused]] auto written = write(fd, &byte, 1);
  }
}

}  // namespace

ShutdownSignal::ShutdownSignal() {
  if (pipe2(pipe_, O_CLOEXEC) != 0) {
    pipe_[0] = pipe_[1] = -1;
    return;
  }
  gSignals = 0;
  gWriteFd = pipe_[1];
  struct sigaction action {};
  action.sa_handler = onShutdownSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &action, &gPreviousTerm);
  sigaction(SIGINT, &action, &gPreviousInt);
  watcher_ = std::thread([this] { watch(); });
}

ShutdownSignal::~ShutdownSignal() {
  if (pipe_[1] < 0) return;
  sigaction(SIGTERM, &gPreviousTerm, nullptr);
  sigaction(SIGINT, &gPreviousInt, nullptr);
  gWriteFd = -1;
  const char byte = kQuit;
  [[maybe_unused]] auto written = write(pipe_[1], &byte, 1);
  watcher_.join();
  close(pipe_[0]);
  close(pipe_[1]);
}

void ShutdownSignal::trigger() {
  source_.request_stop();
}

void ShutdownSignal::watch() {
  char byte = 0;
  while (true) {
    const auto got = read(pipe_[0], &byte, 1);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return;
    if (got == 0 || byte == kQuit) return;
    source_.request_stop();
  }
}

}  // namespace flotilla::runtime
