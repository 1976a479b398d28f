#pragma once
// A Clock that only moves when told to (advance/set). Waiters poll it with a short real-time timeout, so a test that
// advances the clock sees sleeping threads wake within a millisecond or two, without any sleeping of its own.

#include <atomic>
#include <mutex>
#include <vector>

#include "runtime/clock.h"

namespace flotilla::runtime {

class FakeClock final : public Clock {
 public:
  FakeClock();

  TimePoint now() const override;
  WallTime wallNow() const override;
  void waitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv, TimePoint deadline) const override;
  bool sleepUntil(TimePoint deadline, std::stop_token stop) const override;

  void advance(Duration d);
  void set(TimePoint t);
  // Number of threads currently inside sleepUntil: lets a test wait until a worker is parked before advancing.
  int sleepers() const { return sleepers_.load(); }
  // Every duration passed to sleepUntil/sleepFor so far (deadline minus the time of the call), oldest first.
  std::vector<Duration> sleeps() const;

 private:
  std::atomic<std::int64_t> offsetNanos_{0};
  TimePoint start_;
  WallTime wallStart_;
  mutable std::atomic<int> sleepers_{0};
  mutable std::mutex sleepsMutex_;
  mutable std::vector<Duration> sleeps_;
};

}  // namespace flotilla::runtime
