#include "runtime/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace flotilla::runtime {

ItemExponentialRateLimiter::ItemExponentialRateLimiter(Duration base, Duration max) : base_(base), max_(max) {}

Duration ItemExponentialRateLimiter::when(const std::string& item) {
  std::lock_guard lock(mutex_);
  const int exponent = failures_[item]++;
  // Computed in double so that large exponents saturate at max instead of overflowing.
  const double delay = static_cast<double>(base_.count()) * std::pow(2.0, exponent);
  if (delay >= static_cast<double>(max_.count())) return max_;
  return Duration(static_cast<Duration::rep>(delay));
}

void ItemExponentialRateLimiter::forget(const std::string& item) {
  std::lock_guard lock(mutex_);
  failures_.erase(item);
}

int ItemExponentialRateLimiter::numRequeues(const std::string& item) const {
  std::lock_guard lock(mutex_);
  auto it = failures_.find(item);
  return it == failures_.end() ? 0 : it->second;
}

BucketRateLimiter::BucketRateLimiter(double qps, int burst, const Clock& clock) : bucket_(qps, burst, clock) {}

Duration BucketRateLimiter::when(const std::string&) {
  return bucket_.reserve();
}

MaxOfRateLimiter::MaxOfRateLimiter(std::vector<std::unique_ptr<RateLimiter>> limiters)
    : limiters_(std::move(limiters)) {}

Duration MaxOfRateLimiter::when(const std::string& item) {
  Duration longest = Duration::zero();
  for (auto& limiter : limiters_) longest = std::max(longest, limiter->when(item));
  return longest;
}

void MaxOfRateLimiter::forget(const std::string& item) {
  for (auto& limiter : limiters_) limiter->forget(item);
}

int MaxOfRateLimiter::numRequeues(const std::string& item) const {
  int most = 0;
  for (const auto& limiter : limiters_) most = std::max(most, limiter->numRequeues(item));
  return most;
}

std::unique_ptr<RateLimiter> defaultControllerRateLimiter(const Clock& clock) {
  std::vector<std::unique_ptr<RateLimiter>> limiters;
  // Per item capped at 30 s, not client-go's 1000 s: after an outage an object that failed a dozen times must not
  // wait a quarter of an hour (found by tests/reliability/fault_server_errors.sh; issue 10 asks for 30 s).
  limiters.push_back(std::make_unique<ItemExponentialRateLimiter>(std::chrono::milliseconds(5), kControllerMaxBackoff));
  limiters.push_back(std::make_unique<BucketRateLimiter>(10.0, 100, clock));
  return std::make_unique<MaxOfRateLimiter>(std::move(limiters));
}

}  // namespace flotilla::runtime
