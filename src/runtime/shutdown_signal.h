#pragma once
// SIGTERM / SIGINT → a stop request, as controller-runtime's SetupSignalHandler: the first signal asks for a graceful
// shutdown (the stop token fires), a second one exits at once with code 1. The signal handler only writes to a
// pipe (async-signal-safe); a small thread turns that into the stop request. One instance per process.

#include <stop_token>
#include <thread>

namespace flotilla::runtime {

class ShutdownSignal {
 public:
  ShutdownSignal();
  // Restores the previous handlers.
  ~ShutdownSignal();
  ShutdownSignal(const ShutdownSignal&) = delete;
  ShutdownSignal& operator=(const ShutdownSignal&) = delete;

  std::stop_token token() const { return source_.get_token(); }
  // Requests the stop as a signal would (e.g. from tests).
  void trigger();

 private:
  void watch();

  std::stop_source source_;
  int pipe_[2] = {-1, -1};
  std::thread watcher_;
};

}  // namespace flotilla::runtime
