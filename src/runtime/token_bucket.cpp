#include "runtime/token_bucket.h"

#include <algorithm>

namespace flotilla::runtime {

TokenBucket::TokenBucket(double qps, int burst, const Clock& clock)
    : qps_(qps), burst_(static_cast<double>(burst)), clock_(clock), tokens_(burst_), last_(clock.now()) {}

void TokenBucket::refillLocked(TimePoint now) {
  if (now > last_) {
    tokens_ = std::min(burst_, tokens_ + Clock::seconds(now - last_) * qps_);
    last_ = now;
  }
}

bool TokenBucket::tryTake() {
  std::lock_guard lock(mutex_);
  refillLocked(clock_.now());
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

Duration TokenBucket::reserve() {
  std::lock_guard lock(mutex_);
  refillLocked(clock_.now());
  tokens_ -= 1.0;
  if (tokens_ >= 0.0) return Duration::zero();
  if (qps_ <= 0.0) return Duration::max();
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(-tokens_ / qps_));
}

}  // namespace flotilla::runtime
