#include "cli/stop_signals.h"

#include <pthread.h>

namespace flotilla::cli {

StopSignals::StopSignals() {
  std::signal(SIGPIPE, SIG_IGN);
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGTERM);
  sigaddset(&signals_, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
}

int StopSignals::wait() {
  int signal = 0;
  sigwait(&signals_, &signal);
  return signal;
}

}  // namespace flotilla::cli
