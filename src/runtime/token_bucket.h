#pragma once
// A token bucket (like golang.org/x/time/rate): `burst` tokens, refilled at `qps` per second. Thread-safe.

#include <mutex>

#include "runtime/clock.h"

namespace flotilla::runtime {

class TokenBucket {
 public:
  TokenBucket(double qps, int burst, const Clock& clock = realClock());

  // Takes a token if one is available now; never waits.
  bool tryTake();
  // Takes a token even if that puts the bucket into debt, and returns how long the caller must wait before acting
  // (zero when a token was available). Later callers queue up behind earlier ones.
  Duration reserve();

 private:
  void refillLocked(TimePoint now);

  const double qps_;
  const double burst_;
  const Clock& clock_;
  std::mutex mutex_;
  double tokens_;
  TimePoint last_;
};

}  // namespace flotilla::runtime
