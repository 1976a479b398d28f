#include "kube/clock.h"

namespace flotilla::kube {
namespace {

class SteadyClock : public Clock {
 public:
  TimePoint now() const override { return std::chrono::steady_clock::now(); }
  bool sleepFor(Duration duration, const CancelToken& cancel) override {
    if (duration <= Duration::zero()) return !cancel.cancelled();
    return cancel.waitFor(duration);
  }
};

}  // namespace

std::shared_ptr<Clock> Clock::real() {
  static const std::shared_ptr<Clock> instance = std::make_shared<SteadyClock>();
  return instance;
}

Clock::TimePoint FakeClock::now() const {
  std::lock_guard lock(mutex_);
  return now_;
}

bool FakeClock::sleepFor(Duration duration, const CancelToken& cancel) {
  if (cancel.cancelled()) return false;
  std::lock_guard lock(mutex_);
  sleeps_.push_back(duration);
  if (duration > Duration::zero()) now_ += duration;
  return true;
}

void FakeClock::advance(Duration duration) {
  std::lock_guard lock(mutex_);
  now_ += duration;
}

std::vector<Clock::Duration> FakeClock::sleeps() const {
  std::lock_guard lock(mutex_);
  return sleeps_;
}

}  // namespace flotilla::kube
