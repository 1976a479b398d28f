#include "kube/token_bucket.h"

#include <algorithm>

namespace flotilla::kube {

TokenBucket::TokenBucket(double qps, int burst, std::shared_ptr<Clock> clock)
    : qps_(qps), burst_(std::max(burst, 1)), clock_(std::move(clock)), tokens_(burst_), last_(clock_->now()) {}

void TokenBucket::refillLocked(Clock::TimePoint now) {
  if (now <= last_) return;
  const double elapsed = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min<double>(burst_, tokens_ + elapsed * qps_);
  last_ = now;
}

Clock::Duration TokenBucket::reserve() {
  if (qps_ <= 0) return Clock::Duration::zero();
  std::lock_guard lock(mutex_);
  refillLocked(clock_->now());
  tokens_ -= 1;
  if (tokens_ >= 0) return Clock::Duration::zero();
  return std::chrono::duration_cast<Clock::Duration>(std::chrono::duration<double>(-tokens_ / qps_));
}

bool TokenBucket::tryAccept() {
  if (qps_ <= 0) return true;
  std::lock_guard lock(mutex_);
  refillLocked(clock_->now());
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

bool TokenBucket::wait(const CancelToken& cancel) {
  const auto delay = reserve();
  if (delay <= Clock::Duration::zero()) return !cancel.cancelled();
  if (clock_->sleepFor(delay, cancel)) return true;
  std::lock_guard lock(mutex_);
  tokens_ = std::min<double>(burst_, tokens_ + 1);
  return false;
}

}  // namespace flotilla::kube
