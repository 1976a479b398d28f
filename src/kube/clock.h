#pragma once
// Time as an interface, so rate limiters, token refresh and back-off are testable without real waiting.

#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "kube/cancel.h"

namespace flotilla::kube {

class Clock {
 public:
  using Duration = std::chrono::steady_clock::duration;
  using TimePoint = std::chrono::steady_clock::time_point;

  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
  // Waits `duration` or until `cancel` fires. Returns false when cancelled.
  virtual bool sleepFor(Duration duration, const CancelToken& cancel) = 0;

  // The process's steady clock; shared, never null.
  static std::shared_ptr<Clock> real();
};

// A clock that only moves when told to. sleepFor() advances it by the requested time at once and records the
// request, so code that sleeps runs instantly and tests can assert on the sleeps it asked for.
class FakeClock : public Clock {
 public:
  TimePoint now() const override;
  bool sleepFor(Duration duration, const CancelToken& cancel) override;
  void advance(Duration duration);
  std::vector<Duration> sleeps() const;

 private:
  mutable std::mutex mutex_;
  TimePoint now_{std::chrono::hours(1)};
  std::vector<Duration> sleeps_;
};

}  // namespace flotilla::kube
