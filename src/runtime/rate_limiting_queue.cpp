#include "runtime/rate_limiting_queue.h"

namespace flotilla::runtime {

RateLimitingQueue::RateLimitingQueue(std::string name, std::unique_ptr<RateLimiter> limiter, const Clock& clock,
                                     MetricsFactory& metrics)
    : DelayingQueue(std::move(name), clock, metrics),
      limiter_(limiter ? std::move(limiter) : defaultControllerRateLimiter(clock)),
      retries_(metrics.counter("workqueue_retries_total", "Total number of retries handled by workqueue",
                               {{"name", this->name()}})) {}

void RateLimitingQueue::addRateLimited(const std::string& item) {
  retries_->increment();
  addAfter(item, limiter_->when(item));
}

void RateLimitingQueue::forget(const std::string& item) {
  limiter_->forget(item);
}

int RateLimitingQueue::numRequeues(const std::string& item) const {
  return limiter_->numRequeues(item);
}

}  // namespace flotilla::runtime
