#pragma once
// Time as the runtime sees it. Every timed piece (backoff, rate limiters, delaying queue, reflector, leader election,
// event aggregation) reads time through this interface so that unit tests can drive it with FakeClock instead of
// sleeping.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stop_token>

namespace flotilla::runtime {

using Duration = std::chrono::nanoseconds;
using TimePoint = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;

  // Monotonic time: all durations and deadlines are measured on it.
  virtual TimePoint now() const = 0;
  // Calendar time, for timestamps written to the API (Lease renewTime, Event lastTimestamp).
  virtual WallTime wallNow() const = 0;

  // Blocks on `cv` (with `lock` held by the caller) until notified or `deadline` has passed on this clock. Wakeups may
  // be spurious: callers re-check their condition in a loop, as with any condition variable.
  virtual void waitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv, TimePoint deadline) const = 0;

  // Sleeps until `deadline` on this clock or until `stop` is requested. Returns false when stopped early.
  virtual bool sleepUntil(TimePoint deadline, std::stop_token stop) const = 0;
  bool sleepFor(Duration d, std::stop_token stop) const { return sleepUntil(now() + d, std::move(stop)); }

  // Seconds between two points as a double (for metrics).
  static double seconds(Duration d) { return std::chrono::duration<double>(d).count(); }
};

class RealClock final : public Clock {
 public:
  TimePoint now() const override;
  WallTime wallNow() const override;
  void waitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv, TimePoint deadline) const override;
  bool sleepUntil(TimePoint deadline, std::stop_token stop) const override;
};

// The process-wide real clock (stateless; safe to share).
Clock& realClock();

}  // namespace flotilla::runtime
