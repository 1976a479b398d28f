#include "runtime/clock.h"

namespace flotilla::runtime {

TimePoint RealClock::now() const {
  return std::chrono::steady_clock::now();
}

WallTime RealClock::wallNow() const {
  return std::chrono::system_clock::now();
}

void RealClock::waitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv, TimePoint deadline) const {
  if (deadline == TimePoint::max()) {
    cv.wait(lock);
  } else {
    cv.wait_until(lock, deadline);
  }
}

bool RealClock::sleepUntil(TimePoint deadline, std::stop_token stop) const {
  std::mutex mutex;
  std::condition_variable_any cv;
  std::unique_lock lock(mutex);
  // wait_until with a stop_token returns early (true/false per predicate) when stop is requested.
  cv.wait_until(lock, stop, deadline, [] { return false; });
  return !stop.stop_requested();
}

Clock& realClock() {
  static RealClock clock;
  return clock;
}

}  // namespace flotilla::runtime
