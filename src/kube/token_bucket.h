#pragma once
// Token bucket rate limiter (the model client-go and golang.org/x/time/rate use): the bucket holds up to `burst`
// tokens and refills at `qps` tokens per second; each request takes one. Reservations let concurrent callers
// queue fairly: each caller learns how long to wait for *its* token instead of racing for the next one.

#include <memory>
#include <mutex>

#include "kube/clock.h"

namespace flotilla::kube {

class TokenBucket {
 public:
  // qps <= 0 disables limiting. burst < 1 is treated as 1.
  TokenBucket(double qps, int burst, std::shared_ptr<Clock> clock = Clock::real());

  // Takes a token now and returns how long the caller must wait before using it (zero when one was available).
  Clock::Duration reserve();
  // Takes a token only if one is available right now.
  bool tryAccept();
  // Takes a token, sleeping until it is valid. Returns false (and hands the token back) if cancelled first.
  bool wait(const CancelToken& cancel);

  double qps() const { return qps_; }
  int burst() const { return burst_; }

 private:
  void refillLocked(Clock::TimePoint now);

  const double qps_;
  const int burst_;
  const std::shared_ptr<Clock> clock_;
  std::mutex mutex_;
  double tokens_;
  Clock::TimePoint last_;
};

}  // namespace flotilla::kube
