#pragma once
// Retry rate limiters for work queue items (client-go's workqueue.RateLimiter): `when` records one more failure of an
// item and says how long to wait before retrying it; `forget` clears the item's history after a success.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/clock.h"
#include "runtime/token_bucket.h"

namespace flotilla::runtime {

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  virtual Duration when(const std::string& item) = 0;
  virtual void forget(const std::string& item) = 0;
  virtual int numRequeues(const std::string& item) const = 0;
};

// Per item: base * 2^failures, capped at `max` (defaults 5 ms → 1000 s).
class ItemExponentialRateLimiter final : public RateLimiter {
 public:
  explicit ItemExponentialRateLimiter(Duration base = std::chrono::milliseconds(5),
                                      Duration max = std::chrono::seconds(1000));
  Duration when(const std::string& item) override;
  void forget(const std::string& item) override;
  int numRequeues(const std::string& item) const override;

 private:
  const Duration base_;
  const Duration max_;
  mutable std::mutex mutex_;
  std::map<std::string, int> failures_;
};

// Overall: a token bucket shared by all items (defaults 10 qps, burst 100), so a storm of failures cannot turn into a
// storm of API requests. Keeps no per-item history.
class BucketRateLimiter final : public RateLimiter {
 public:
  BucketRateLimiter(double qps, int burst, const Clock& clock = realClock());
  Duration when(const std::string& item) override;
  void forget(const std::string&) override {}
  int numRequeues(const std::string&) const override { return 0; }

 private:
  TokenBucket bucket_;
};

// The longest delay any of its limiters asks for; requeue counts are the highest any reports.
class MaxOfRateLimiter final : public RateLimiter {
 public:
  explicit MaxOfRateLimiter(std::vector<std::unique_ptr<RateLimiter>> limiters);
  Duration when(const std::string& item) override;
  void forget(const std::string& item) override;
  int numRequeues(const std::string& item) const override;

 private:
  std::vector<std::unique_ptr<RateLimiter>> limiters_;
};

// The longest a controller waits before retrying a failing object (defaultControllerRateLimiter's per-item cap).
inline constexpr Duration kControllerMaxBackoff = std::chrono::seconds(30);

// client-go's DefaultControllerRateLimiter with a lower per-item cap: max(per-item 5 ms → 30 s (client-go: 1000 s),
// bucket 10 qps / 100 burst).
std::unique_ptr<RateLimiter> defaultControllerRateLimiter(const Clock& clock = realClock());

}  // namespace flotilla::runtime
