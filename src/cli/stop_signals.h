#pragma once
// For commands that serve until told to stop (apiserver, echo): SIGTERM/SIGINT are blocked from construction on,
// so that no server thread started afterwards receives them, and wait() returns when one arrives. SIGPIPE is
// ignored: a client hanging up must never kill the process.

#include <csignal>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

namespace flotilla::cli {

class StopSignals {
 public:
  // Construct before starting any thread.
  StopSignals();
  // Blocks until SIGTERM or SIGINT; returns the signal number.
  int wait();

 private:
  sigset_t signals_;
};

// The life of a serving command: start `server` (anything with start() → optional error, url(), stop()), run
// `afterStart` (an error message there stops the server), print `listening on <url>` (the line tests and scripts
// wait for), serve until SIGTERM/SIGINT. Returns the process exit code.
template <class Server>
int serveUntilStopped(std::string_view command, Server& server,
                      const std::function<std::optional<std::string>()>& afterStart = {}) {
  StopSignals signals;
  if (auto error = server.start()) {
    std::cerr << "flotilla " << command << ": " << *error << "\n";
    return 1;
  }
  if (afterStart) {
    if (auto error = afterStart()) {
      std::cerr << "flotilla " << command << ": " << *error << "\n";
      server.stop();
      return 1;
    }
  }
  std::cout << "listening on " << server.url() << std::endl;
  signals.wait();
  server.stop();
  return 0;
}

}  // namespace flotilla::cli
