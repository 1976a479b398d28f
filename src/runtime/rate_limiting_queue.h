#pragma once
// A DelayingQueue that retries items through a RateLimiter: addRateLimited() waits as long as the limiter says,
// forget() clears an item's failure history. Counts workqueue_retries_total{name}.

#include "runtime/delaying_queue.h"
#include "runtime/rate_limiter.h"

namespace flotilla::runtime {

class RateLimitingQueue final : public DelayingQueue {
 public:
  // A null limiter means defaultControllerRateLimiter(clock).
  explicit RateLimitingQueue(std::string name = "", std::unique_ptr<RateLimiter> limiter = nullptr,
                             const Clock& clock = realClock(), MetricsFactory& metrics = noopMetrics());

  void addRateLimited(const std::string& item);
  void forget(const std::string& item);
  int numRequeues(const std::string& item) const;

 private:
  std::unique_ptr<RateLimiter> limiter_;
  std::shared_ptr<Counter> retries_;
};

}  // namespace flotilla::runtime
