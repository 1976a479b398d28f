#include "runtime/fake_clock.h"

#include <thread>

namespace flotilla::runtime {

namespace {
// How long a FakeClock waiter sleeps in real time before re-reading the fake time.
constexpr auto kFakePollInterval = std::chrono::milliseconds(1);
}  // namespace

FakeClock::FakeClock()
    : start_(std::chrono::steady_clock::time_point{} + std::chrono::hours(1000)),
      wallStart_(std::chrono::system_clock::time_point{} + std::chrono::hours(24 * 365 * 54)) {}

TimePoint FakeClock::now() const {
  return start_ + Duration(offsetNanos_.load());
}

WallTime FakeClock::wallNow() const {
  return wallStart_ + std::chrono::duration_cast<std::chrono::system_clock::duration>(Duration(offsetNanos_.load()));
}

void FakeClock::waitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv, TimePoint deadline) const {
  if (now() >= deadline) return;
  cv.wait_for(lock, kFakePollInterval);
}

bool FakeClock::sleepUntil(TimePoint deadline, std::stop_token stop) const {
  {
    std::lock_guard lock(sleepsMutex_);
    sleeps_.push_back(deadline - now());
  }
  ++sleepers_;
  while (now() < deadline && !stop.stop_requested()) {
    std::this_thread::sleep_for(kFakePollInterval);
  }
  --sleepers_;
  return !stop.stop_requested();
}

std::vector<Duration> FakeClock::sleeps() const {
  std::lock_guard lock(sleepsMutex_);
  return sleeps_;
}

void FakeClock::advance(Duration d) {
  offsetNanos_ += d.count();
}

void FakeClock::set(TimePoint t) {
  offsetNanos_ = (t - start_).count();
}

}  // namespace flotilla::runtime
